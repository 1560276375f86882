import { createFileRoute } from '@tanstack/react-router'
import { simulatorSearch } from '@/features/simulator/api'
import { SimulatorPage } from '@/features/simulator/simulator-page'
import { allow } from '@/lib/guard'
import { canReadConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/simulator')({
  validateSearch: simulatorSearch,
  beforeLoad: allow(canReadConfig),
  component: function Simulator() {
    const navigate = Route.useNavigate()
    return <SimulatorPage search={Route.useSearch()} onSearchChange={(search) => navigate({ search })} />
  },
})
