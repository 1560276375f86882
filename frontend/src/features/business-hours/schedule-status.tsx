import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useWatch } from 'react-hook-form'
import { toast } from 'sonner'
import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { useOrgId } from '@/api/me'
import { problemMessage } from '@/api/problem'
import { DestinationName } from '@/components/destination-picker'
import { Field, FormError } from '@/components/field'
import { Badge } from '@/components/ui/badge'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { Skeleton } from '@/components/ui/skeleton'
import { useApiForm } from '@/lib/use-api-form'
import { clearOverride, scheduleStatusQuery, setOverride } from './api'

/** An instant in the schedule's zone, the zone named: "5 Dec 2026, 18:00 (Europe/London)". */
function inZone(instant: string, timezone: string): string {
  const text = new Date(instant).toLocaleString(undefined, {
    timeZone: timezone,
    dateStyle: 'medium',
    timeStyle: 'short',
  })
  return `${text} (${timezone.replace(/_/g, ' ')})`
}

/** Open or closed right now, with the engine's reason and where a call would go. */
export function ScheduleStatus({ id }: { id: string }) {
  const status = useQuery(scheduleStatusQuery(useOrgId(), id))
  if (status.isPending) return <Skeleton className="h-6 w-64" />
  if (status.isError)
    return <p className="text-sm text-destructive">Open or closed: {problemMessage(status.error)}</p>
  const { state, reason, destination } = status.data
  return (
    <div role="status" aria-live="polite" className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
      <Badge variant={state === 'open' ? 'success' : 'destructive'} className="text-sm">
        {state === 'open' ? 'Open now' : 'Closed now'}
      </Badge>
      <span className="text-muted-foreground">{reason}</span>
      <span>
        · calls go to{' '}
        <span className="font-medium">
          <DestinationName destination={destination} />
        </span>
      </span>
    </div>
  )
}

const DURATIONS: [string, string][] = [
  ['', 'Until switched off'],
  ['60', 'For 1 hour'],
  ['120', 'For 2 hours'],
  ['240', 'For 4 hours'],
  ['480', 'For 8 hours'],
  ['1440', 'For 24 hours'],
  ['at', 'Until a date and time…'],
]

const overrideSchema = z
  .object({ mode: z.enum(['open', 'closed']), until: z.string(), at: z.string() })
  .refine((v) => v.until !== 'at' || !Number.isNaN(new Date(v.at).getTime()), {
    path: ['at'],
    message: 'choose a date and time',
  })
type OverrideValues = z.infer<typeof overrideSchema>

function untilOf(v: OverrideValues): string | null {
  if (v.until === '') return null
  if (v.until === 'at') return new Date(v.at).toISOString()
  return new Date(Date.now() + Number(v.until) * 60_000).toISOString()
}

/**
 * The manual override: forces the schedule open or closed (outranking holidays and weekly
 * hours), until a time or until switched off. Admins set and end it; others see it.
 */
export function OverrideCard({
  schedule,
  admin,
}: {
  schedule: Schemas['BusinessHoursView']
  admin: boolean
}) {
  const orgId = useOrgId()
  const queryClient = useQueryClient()
  const refresh = () => queryClient.invalidateQueries({ queryKey: keys.org(orgId) })
  const { form, submit } = useApiForm({
    schema: overrideSchema,
    defaultValues: { mode: 'closed', until: '', at: '' } as OverrideValues,
    fields: ['mode', 'until', 'at'],
    onSubmit: async (v) => {
      await setOverride(schedule.id, { mode: v.mode, until: untilOf(v) })
      await refresh()
      toast.success(v.mode === 'open' ? 'Forced open' : 'Forced closed')
    },
  })
  const end = useMutation({
    mutationFn: () => clearOverride(schedule.id),
    onSuccess: async () => {
      await refresh()
      toast.success('Override ended: the hours decide again')
    },
    onError: (e) => toast.error(problemMessage(e)),
  })
  const until = useWatch({ control: form.control, name: 'until' })
  const { errors, isSubmitting } = form.formState
  const current = schedule.manual_override
  // When the page was shown: a lapsed override is no override (the badge refreshes on its own).
  const [shownAt] = useState(Date.now)
  const lapsed = current?.until != null && new Date(current.until).getTime() <= shownAt

  return (
    <Card>
      <CardHeader>
        <CardTitle>Manual override</CardTitle>
        <CardDescription>
          Open or close now, whatever the hours say: for a snow day, an emergency, a late night.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-4">
        {current && !lapsed ? (
          <div className="flex flex-col gap-2 rounded-md border p-3 sm:flex-row sm:items-center sm:justify-between">
            <p className="text-sm">
              <span className="font-medium">Forced {current.mode}</span>{' '}
              {current.until ? `until ${inZone(current.until, schedule.timezone)}` : 'until switched off'}
            </p>
            {admin && (
              <Button variant="outline" size="sm" disabled={end.isPending} onClick={() => end.mutate()}>
                End override
              </Button>
            )}
          </div>
        ) : (
          <p className="text-sm text-muted-foreground">No override: the hours and holidays decide.</p>
        )}
        {admin && (
          <form onSubmit={submit} noValidate className="flex flex-col gap-3">
            <FormError errors={errors} />
            <div className="grid gap-3 sm:grid-cols-3">
              <Field label="Force" error={errors.mode?.message}>
                {(p) => (
                  <NativeSelect {...p} {...form.register('mode')}>
                    <option value="closed">Closed</option>
                    <option value="open">Open</option>
                  </NativeSelect>
                )}
              </Field>
              <Field label="For how long" error={errors.until?.message}>
                {(p) => (
                  <NativeSelect {...p} {...form.register('until')}>
                    {DURATIONS.map(([value, label]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </NativeSelect>
                )}
              </Field>
              {until === 'at' && (
                <Field label="Until (your local time)" error={errors.at?.message}>
                  {(p) => <Input {...p} type="datetime-local" {...form.register('at')} />}
                </Field>
              )}
            </div>
            <div className="flex justify-end">
              <Button type="submit" variant="outline" disabled={isSubmitting}>
                {isSubmitting ? 'Saving…' : current && !lapsed ? 'Replace override' : 'Set override'}
              </Button>
            </div>
          </form>
        )}
      </CardContent>
    </Card>
  )
}
