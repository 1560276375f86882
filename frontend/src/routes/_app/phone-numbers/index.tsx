import { createFileRoute } from '@tanstack/react-router'
import { phoneNumbers } from '@/api/resources'
import { phoneNumberSorts } from '@/features/phone-numbers/api'
import { PhoneNumbersPage } from '@/features/phone-numbers/phone-numbers-page'
import { allow } from '@/lib/guard'
import { listQuery, listSearch } from '@/lib/list-search'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/phone-numbers/')({
  validateSearch: listSearch(phoneNumberSorts),
  beforeLoad: allow(canReadConfig),
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(phoneNumbers.list(context.me.organization.id, listQuery(deps))),
  component: function PhoneNumbers() {
    const navigate = Route.useNavigate()
    return <PhoneNumbersPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
