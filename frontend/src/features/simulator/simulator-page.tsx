import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { type FormEvent, useState } from 'react'
import { useMe } from '@/api/me'
import { DestinationName } from '@/components/destination-picker'
import { PageHeader } from '@/components/page-header'
import { ErrorState, LoadingState } from '@/components/states'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { Label } from '@/components/ui/label'
import { type SimulateResponse, type SimulatorSearch, simulateRequest, simulation } from './api'

function Result({ result }: { result: SimulateResponse }) {
  return (
    <div className="flex flex-col gap-4">
      <ol aria-label="Steps" className="flex flex-col gap-3">
        {result.path.map((step, i) => (
          <li key={i} className="flex gap-3">
            <span
              aria-hidden
              className="flex size-6 shrink-0 items-center justify-center rounded-full bg-muted text-xs font-medium"
            >
              {i + 1}
            </span>
            <div className="min-w-0">
              <DestinationName destination={step.destination} withType />
              <p className="text-sm text-muted-foreground">Why: {step.reason}</p>
            </div>
          </li>
        ))}
      </ol>
      {result.turns.some((t) => t.notes.length > 0) && (
        <ul aria-label="Notes" className="list-disc pl-5 text-sm text-muted-foreground">
          {result.turns
            .flatMap((t) => t.notes)
            .map((note, i) => (
              <li key={i}>{note}</li>
            ))}
        </ul>
      )}
      {result.phone_number_id && (
        <Link
          to="/phone-numbers/$id/graph"
          params={{ id: result.phone_number_id }}
          className="text-sm font-medium text-primary underline-offset-4 hover:underline"
        >
          Open in call-flow graph
        </Link>
      )}
      {result.unused_digits.length > 0 && (
        <p className="text-sm">No menu asked for these keys: {result.unused_digits.join(' ')}</p>
      )}
      <details className="rounded-md border">
        <summary className="cursor-pointer px-3 py-2 text-sm font-medium">
          CXML the caller ends up with
        </summary>
        <pre className="overflow-x-auto border-t p-3 text-xs whitespace-pre-wrap break-all">
          {result.cxml}
        </pre>
      </details>
    </div>
  )
}

export function SimulatorPage({
  search,
  onSearchChange,
}: {
  search: SimulatorSearch
  onSearchChange: (next: SimulatorSearch) => void
}) {
  const { organization } = useMe()
  const timeZone = organization.timezone
  const [form, setForm] = useState<SimulatorSearch>(search)
  const body = simulateRequest(search, timeZone)
  const result = useQuery({ ...simulation(organization.id, body), enabled: Boolean(search.to) })
  const set = (patch: Partial<SimulatorSearch>) => setForm((f) => ({ ...f, ...patch }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const next = Object.fromEntries(Object.entries(form).filter(([, v]) => v)) as SimulatorSearch
    if (JSON.stringify(next) === JSON.stringify(search)) void result.refetch()
    else onSearchChange(next)
  }
  return (
    <>
      <PageHeader
        title="Routing simulator"
        description="What happens when someone calls: the same routing as a real call, with no call made."
      />
      <div className="grid gap-4 lg:grid-cols-[minmax(0,22rem)_1fr]">
        <Card>
          <CardContent className="pt-4 sm:pt-6">
            <form onSubmit={submit} className="flex flex-col gap-3">
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="sim-to">Number dialled</Label>
                <Input
                  id="sim-to"
                  required
                  placeholder="+12125550100 or 101"
                  value={form.to ?? ''}
                  onChange={(e) => set({ to: e.target.value })}
                />
              </div>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="sim-direction">Call from</Label>
                <NativeSelect
                  id="sim-direction"
                  value={form.direction ?? 'inbound'}
                  onChange={(e) => set({ direction: e.target.value as SimulatorSearch['direction'] })}
                >
                  <option value="inbound">Outside (inbound)</option>
                  <option value="subscriber">One of our phones (extension)</option>
                </NativeSelect>
              </div>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="sim-from">Caller</Label>
                <Input
                  id="sim-from"
                  placeholder="Any"
                  value={form.from ?? ''}
                  onChange={(e) => set({ from: e.target.value })}
                />
              </div>
              <div className="grid grid-cols-2 gap-2">
                <div className="flex flex-col gap-1.5">
                  <Label htmlFor="sim-date">Date</Label>
                  <Input
                    id="sim-date"
                    type="date"
                    value={form.date ?? ''}
                    onChange={(e) => set({ date: e.target.value })}
                  />
                </div>
                <div className="flex flex-col gap-1.5">
                  <Label htmlFor="sim-time">Time</Label>
                  <Input
                    id="sim-time"
                    type="time"
                    value={form.time ?? ''}
                    onChange={(e) => set({ time: e.target.value })}
                  />
                </div>
              </div>
              <p className="text-xs text-muted-foreground">In {timeZone}; now when no date is given.</p>
              <div className="flex flex-col gap-1.5">
                <Label htmlFor="sim-digits">Keys pressed</Label>
                <Input
                  id="sim-digits"
                  placeholder="e.g. 1 2"
                  value={form.digits ?? ''}
                  onChange={(e) => set({ digits: e.target.value })}
                />
              </div>
              <Button type="submit">Simulate</Button>
            </form>
          </CardContent>
        </Card>
        <Card>
          <CardHeader>
            <CardTitle>What happens</CardTitle>
            <CardDescription>
              Each destination in order, and why. Share this page’s address to share the question.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {!search.to ? (
              <p className="text-sm text-muted-foreground">Enter a number and simulate.</p>
            ) : result.isError ? (
              <ErrorState error={result.error} onRetry={() => result.refetch()} />
            ) : result.data ? (
              <Result result={result.data} />
            ) : (
              <LoadingState rows={3} />
            )}
          </CardContent>
        </Card>
      </div>
    </>
  )
}
