import { useState } from 'react'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table'
import { cn } from '@/lib/utils'
import type { AuditEntry } from './api'
import { type Change, auditDiff, showValue } from './diff'

const changeLook: Record<
  Change,
  { text: string; variant: 'success' | 'destructive' | 'warning' | 'outline' }
> = {
  added: { text: 'added', variant: 'success' },
  removed: { text: 'removed', variant: 'destructive' },
  changed: { text: 'changed', variant: 'warning' },
  unchanged: { text: 'same', variant: 'outline' },
}

/**
 * The fields an audited change touched, before and after (secrets as the server masked them);
 * the unchanged ones on request.
 */
export function AuditDiff({ entry }: { entry: Pick<AuditEntry, 'before' | 'after'> }) {
  const [all, setAll] = useState(false)
  const rows = auditDiff(entry.before, entry.after)
  if (rows.length === 0)
    return (
      <p className="text-sm text-muted-foreground">This entry records no fields, only that it happened.</p>
    )
  const changed = rows.filter((r) => r.change !== 'unchanged')
  const shown = all ? rows : changed
  return (
    <div className="flex flex-col gap-2">
      <Table aria-label="Changes">
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>Field</TableHead>
            <TableHead>Before</TableHead>
            <TableHead>After</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {shown.map((r) => (
            <TableRow key={r.field} data-change={r.change}>
              <TableCell className="align-top">
                <span className="flex flex-wrap items-center gap-1.5">
                  <span className="font-mono text-xs">{r.field}</span>
                  <Badge variant={changeLook[r.change].variant}>{changeLook[r.change].text}</Badge>
                </span>
              </TableCell>
              <TableCell
                className={cn(
                  'align-top font-mono text-xs break-all whitespace-normal',
                  r.change !== 'unchanged' && 'text-muted-foreground line-through decoration-destructive/60',
                )}
              >
                {showValue(r.before)}
              </TableCell>
              <TableCell className="align-top font-mono text-xs break-all whitespace-normal">
                {showValue(r.after)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {changed.length === 0 && !all && <p className="text-sm text-muted-foreground">No field changed.</p>}
      {changed.length < rows.length && (
        <Button variant="ghost" size="sm" className="self-start" onClick={() => setAll(!all)}>
          {all ? 'Only changed fields' : `Show all ${rows.length} fields`}
        </Button>
      )}
    </div>
  )
}
