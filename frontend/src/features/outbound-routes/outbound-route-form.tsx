import { useWatch } from 'react-hook-form'
import { Field } from '@/components/field'
import { ApiForm, NumberField, type ObjectFormProps, StatusField } from '@/components/form-parts'
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { useApiForm } from '@/lib/use-api-form'
import { PatternHelp } from './pattern-help'
import {
  type OutboundRouteValues,
  outboundRouteFields,
  outboundRouteSchema,
  PRIORITY,
  STRIP_DIGITS,
} from './schemas'

export function OutboundRouteForm({
  defaultValues,
  creating,
  readOnly,
  onSubmit,
}: ObjectFormProps<OutboundRouteValues>) {
  const { form, submit } = useApiForm({
    schema: outboundRouteSchema,
    defaultValues,
    fields: outboundRouteFields,
    onSubmit,
  })
  const { errors } = form.formState
  const kind = useWatch({ control: form.control, name: 'match_kind' })

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/outbound-routes', creating, createLabel: 'Create route' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} disabled={readOnly} {...form.register('name')} />}
          </Field>
          <NumberField
            label="Priority"
            hint="Lower is tried first"
            field={form.register('priority', { valueAsNumber: true })}
            range={PRIORITY}
            error={errors.priority?.message}
            disabled={readOnly}
          />
          <StatusField
            field={form.register('status')}
            hint="Inactive routes are skipped"
            error={errors.status?.message}
            disabled={readOnly}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Which numbers</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <Field label="Match by" error={errors.match_kind?.message}>
            {(p) => (
              <NativeSelect {...p} disabled={readOnly} {...form.register('match_kind')}>
                <option value="prefix">Prefix: numbers starting with</option>
                <option value="pattern">Pattern: numbers shaped like</option>
              </NativeSelect>
            )}
          </Field>
          <Field
            label={kind === 'prefix' ? 'Prefix' : 'Pattern'}
            hint={kind === 'prefix' ? 'e.g. 011 or +44' : 'e.g. NXXNXXXXXX or _9[2-9]X.'}
            error={errors.match_value?.message}
          >
            {(p) => (
              <Input
                {...p}
                className="font-mono"
                autoComplete="off"
                disabled={readOnly}
                {...form.register('match_value')}
              />
            )}
          </Field>
          <PatternHelp />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>How they go out</CardTitle>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-2">
          <NumberField
            label="Characters to strip"
            hint="Removed from the start of the dialled number"
            field={form.register('strip_digits', { valueAsNumber: true })}
            range={STRIP_DIGITS}
            error={errors.strip_digits?.message}
            disabled={readOnly}
          />
          <Field
            label="Then add in front"
            hint="Digits, optionally after a +, e.g. +1"
            error={errors.prepend?.message}
          >
            {(p) => <Input {...p} className="font-mono" disabled={readOnly} {...form.register('prepend')} />}
          </Field>
          <Field
            label="Trunk"
            hint="The Cloudonix trunk the call leaves through"
            error={errors.trunk?.message}
          >
            {(p) => <Input {...p} disabled={readOnly} {...form.register('trunk')} />}
          </Field>
          <Field
            label="Caller id"
            hint="Empty: the organization's default caller id"
            error={errors.caller_id?.message}
          >
            {(p) => (
              <Input
                {...p}
                inputMode="tel"
                placeholder="+12125550100"
                disabled={readOnly}
                {...form.register('caller_id')}
              />
            )}
          </Field>
        </CardContent>
      </Card>
    </ApiForm>
  )
}
