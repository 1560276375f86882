import { Badge } from '@/components/ui/badge'
import type { OrgStatus } from './api'
import { statusWords } from './format'

export function OrgStatusBadge({ status }: { status: OrgStatus }) {
  const { label, variant } = statusWords[status]
  return <Badge variant={variant}>{label}</Badge>
}
