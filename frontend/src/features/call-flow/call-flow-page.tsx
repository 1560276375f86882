import { useQuery, useSuspenseQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { useMe } from '@/api/me'
import { phoneNumbers } from '@/api/resources'
import { PageHeader } from '@/components/page-header'
import { ErrorState, LoadingState } from '@/components/states'
import { buttonVariants } from '@/components/ui/button-variants'
import { Card } from '@/components/ui/card'
import { destinationScreen } from '@/lib/objects'
import { cn } from '@/lib/utils'
import { type CallFlow, type FlowNode, callFlow } from './api'
import { HEADER_HEIGHT, LINE_HEIGHT, NODE_WIDTH, type Placed, layout } from './layout'

const kindLabels: Record<FlowNode['kind'], string> = {
  phone_number: 'Phone number',
  extension: 'Extension',
  ring_group: 'Ring group',
  business_hours: 'Business hours',
  ivr_menu: 'IVR menu',
  voicemail: 'Voicemail',
  conference_room: 'Conference room',
  announcement: 'Announcement',
  external_number: 'Outside number',
  outbound_route: 'Outbound route',
  hangup: 'End of call',
  missing: 'Missing',
}

function NodeCard({ placed, names }: { placed: Placed<FlowNode>; names: Map<string, string> }) {
  const { node, exits } = placed
  const form = node.id ? destinationScreen(node.kind) : null
  const title = (
    <>
      <span className="block text-xs text-muted-foreground">{kindLabels[node.kind]}</span>{' '}
      <span className="block truncate font-medium">{node.name}</span>
    </>
  )
  return (
    <div
      data-kind={node.kind}
      className={cn(
        'flex h-full flex-col rounded-md border bg-card px-3 text-sm shadow-xs',
        node.kind === 'missing' && 'border-destructive',
      )}
    >
      <div className="flex flex-col justify-center" style={{ height: HEADER_HEIGHT }}>
        {form && node.id ? (
          <Link
            to={form}
            params={{ id: node.id }}
            className="rounded-sm text-primary underline-offset-4 outline-offset-2 hover:underline"
          >
            {title}
          </Link>
        ) : (
          title
        )}
      </div>
      {node.notes.map((note) => (
        <p key={note} className="truncate text-xs text-muted-foreground" style={{ height: LINE_HEIGHT }}>
          {note}
        </p>
      ))}
      {exits.length > 0 && (
        <ul aria-label={`Ways out of ${node.name}`}>
          {exits.map((exit, i) => {
            const target = names.get(exit.to) ?? ''
            // A label that does not name its target ("rings") shows it: the target's box may be
            // scrolled out of view.
            const named = exit.label.includes(target)
            return (
              <li
                key={i}
                className="truncate"
                style={{ height: LINE_HEIGHT }}
                title={`${exit.label} → ${target}`}
              >
                {exit.label}
                <span className={named ? 'sr-only' : 'text-muted-foreground'}> → {target}</span>
                {exit.loop && <span className="sr-only"> (a loop: back to an earlier step)</span>}
              </li>
            )
          })}
        </ul>
      )}
    </div>
  )
}

/** The graph: nodes as positioned cards (links to their forms), wires as one SVG underneath. */
export function CallFlowGraph({ flow }: { flow: CallFlow }) {
  const { layers, wires, width, height } = layout(flow.root, flow.nodes, flow.edges)
  const names = new Map(flow.nodes.map((n) => [n.key, `${kindLabels[n.kind]} ${n.name}`]))
  return (
    <div className="overflow-auto">
      <div className="relative" style={{ width, height }}>
        <svg aria-hidden className="absolute inset-0" width={width} height={height}>
          <defs>
            <marker
              id="flow-arrow"
              viewBox="0 0 8 8"
              refX="8"
              refY="4"
              markerWidth="8"
              markerHeight="8"
              orient="auto"
            >
              <path d="M0,0 L8,4 L0,8 z" className="fill-muted-foreground" />
            </marker>
          </defs>
          {wires.map((w, i) => (
            <path
              key={i}
              d={w.d}
              fill="none"
              markerEnd="url(#flow-arrow)"
              strokeDasharray={w.loop ? '5 4' : undefined}
              className={w.loop ? 'stroke-warning' : 'stroke-muted-foreground'}
              strokeWidth={1.5}
            />
          ))}
        </svg>
        <ol aria-label="Call flow, step by step">
          {layers.flat().map((p) => (
            <li
              key={p.node.key}
              className="absolute"
              style={{ left: p.x, top: p.y, width: NODE_WIDTH, height: p.height }}
            >
              <NodeCard placed={p} names={names} />
            </li>
          ))}
        </ol>
      </div>
    </div>
  )
}

export function CallFlowPage({ id }: { id: string }) {
  const { organization } = useMe()
  const { data: number } = useSuspenseQuery(phoneNumbers.detail(organization.id, id))
  const query = useQuery(callFlow(organization.id, id))
  const linkClass = buttonVariants({ variant: 'outline', size: 'sm' })
  return (
    <>
      <PageHeader
        title={`Call flow of ${number.label ? `${number.number} · ${number.label}` : number.number}`}
        description="Everywhere a call to this number can go, and when. Each box opens its settings; dashed lines close a loop, back to an earlier step."
        actions={
          <>
            <Link to="/phone-numbers/$id" params={{ id }} className={linkClass}>
              Edit number
            </Link>
            <Link to="/simulator" search={{ to: number.number }} className={linkClass}>
              Simulate a call
            </Link>
          </>
        }
      />
      <Card className="p-0">
        {query.isError ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : query.data ? (
          <>
            <CallFlowGraph flow={query.data} />
            {query.data.truncated && (
              <p className="border-t p-3 text-sm text-muted-foreground">
                Only the first {query.data.nodes.length} steps are drawn.
              </p>
            )}
          </>
        ) : (
          <LoadingState rows={4} />
        )}
      </Card>
    </>
  )
}
