import { createFileRoute } from '@tanstack/react-router'
import { phoneNumbers } from '@/api/resources'
import { EditPhoneNumberPage } from '@/features/phone-numbers/phone-number-pages'
import { allow, orNotFound } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/phone-numbers/$id')({
  beforeLoad: allow(canReadConfig),
  loader: ({ context, params }) =>
    orNotFound(
      context.queryClient.ensureQueryData(phoneNumbers.detail(context.me.organization.id, params.id)),
    ),
  component: function PhoneNumber() {
    return <EditPhoneNumberPage id={Route.useParams().id} />
  },
})
