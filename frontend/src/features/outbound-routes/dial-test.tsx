import { useMutation } from '@tanstack/react-query'
import { PhoneOutgoingIcon } from 'lucide-react'
import { type FormEvent, useId, useState } from 'react'
import { isApiError } from '@/api/client'
import { problemMessage } from '@/api/problem'
import { DestinationName } from '@/components/destination-picker'
import { Alert } from '@/components/ui/alert'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { Label } from '@/components/ui/label'
import { testDialledNumber } from './api'

/**
 * "Test a dialled number": what the routing engine does with a number dialled from one of the
 * organization's phones, with the saved routes (the first active one that matches, by priority),
 * the number that leaves the trunk and the caller id, or why the call is refused.
 */
export function DialTest() {
  const inputId = useId()
  const [dialled, setDialled] = useState('')
  const test = useMutation({ mutationFn: testDialledNumber })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (dialled.trim()) test.mutate(dialled.trim())
  }
  const result = test.data
  const notes = result?.turns.flatMap((t) => t.notes) ?? []

  return (
    <Card>
      <CardHeader>
        <CardTitle>Test a dialled number</CardTitle>
        <CardDescription>
          What happens when one of your phones dials it, with the routes as saved: the route it takes, the
          number sent out and the caller id.
        </CardDescription>
      </CardHeader>
      <CardContent className="flex flex-col gap-3">
        <form onSubmit={submit} className="flex flex-col gap-2 sm:flex-row sm:items-end">
          <div className="flex flex-col gap-1.5 sm:w-72">
            <Label htmlFor={inputId}>Dialled number</Label>
            <Input
              id={inputId}
              inputMode="tel"
              autoComplete="off"
              placeholder="011442071234567"
              value={dialled}
              onChange={(e) => setDialled(e.target.value)}
            />
          </div>
          <Button type="submit" variant="outline" disabled={test.isPending || !dialled.trim()}>
            <PhoneOutgoingIcon aria-hidden /> {test.isPending ? 'Testing…' : 'Test'}
          </Button>
        </form>
        <div aria-live="polite">
          {test.isError && (
            <Alert variant="destructive">
              {isApiError(test.error, 429) && test.error.retryAfter != null
                ? `Too many tests just now; try again in ${test.error.retryAfter} s.`
                : problemMessage(test.error)}
            </Alert>
          )}
          {result && (
            <div className="flex flex-col gap-1 rounded-md border p-3 text-sm">
              <p className="font-medium">{test.variables}</p>
              <ul className="m-0 flex list-disc flex-col gap-1 pl-5">
                {result.path.map((step, i) => (
                  <li key={`p${i}`}>
                    <DestinationName destination={step.destination} withType />
                    <span className="text-muted-foreground"> ({step.reason})</span>
                  </li>
                ))}
                {notes.map((note, i) => (
                  <li key={`n${i}`}>{note}</li>
                ))}
              </ul>
            </div>
          )}
        </div>
      </CardContent>
    </Card>
  )
}
