import { createFileRoute } from '@tanstack/react-router'
import { voicemail, voicemailSearch } from '@/features/voicemail/api'
import { VoicemailPage } from '@/features/voicemail/voicemail-page'
import { allow } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

// Reporters read calls but not their content: no voicemail (the API answers 403).
export const Route = createFileRoute('/_app/voicemail')({
  beforeLoad: allow(canReadConfig),
  validateSearch: voicemailSearch,
  loaderDeps: ({ search }) => search,
  loader: ({ context, deps }) =>
    context.queryClient.ensureQueryData(voicemail(context.me.organization.id, deps)),
  component: function Voicemail() {
    const navigate = Route.useNavigate()
    return <VoicemailPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
