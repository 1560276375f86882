import { useWatch } from 'react-hook-form'
import { DestinationField } from '@/components/destination-field'
import { Field } from '@/components/field'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect } from '@/components/ui/input'
import { MembersEditor } from './members-editor'
import { MEMBER_TIMEOUT, ROUNDS, type RingGroupValues, ringGroupFields, ringGroupSchema } from './schemas'
import { strategies, type RingStrategy } from './strategies'
import { ApiForm, SwitchField, type ObjectFormProps, StatusField } from '@/components/form-parts'
import { useApiForm } from '@/lib/use-api-form'

export function RingGroupForm({
  defaultValues,
  creating,
  readOnly,
  onSubmit,
}: ObjectFormProps<RingGroupValues>) {
  const { form, submit } = useApiForm({
    schema: ringGroupSchema,
    defaultValues,
    fields: ringGroupFields,
    onSubmit,
  })
  const { errors } = form.formState
  const strategy = useWatch({ control: form.control, name: 'strategy' })

  return (
    <ApiForm
      form={form}
      onSubmit={submit}
      actions={!readOnly && { cancelTo: '/ring-groups', creating, createLabel: 'Create ring group' }}
    >
      <Card>
        <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
          <Field label="Name" error={errors.name?.message}>
            {(p) => <Input {...p} disabled={readOnly} {...form.register('name')} />}
          </Field>
          <StatusField
            field={form.register('status')}
            hint="An inactive group sends calls straight to the fallback"
            error={errors.status?.message}
            disabled={readOnly}
          />
          <Field
            label="How members ring"
            hint={strategies[strategy].explain}
            error={errors.strategy?.message}
            className="flex flex-col gap-1.5 sm:col-span-2"
          >
            {(p) => (
              <NativeSelect {...p} disabled={readOnly} {...form.register('strategy')}>
                {(Object.keys(strategies) as RingStrategy[]).map((s) => (
                  <option key={s} value={s}>
                    {strategies[s].label}
                  </option>
                ))}
              </NativeSelect>
            )}
          </Field>
          <Field
            label="Ring time (seconds)"
            hint="How long each member rings"
            error={errors.member_timeout?.message}
          >
            {(p) => (
              <Input
                {...p}
                type="number"
                min={MEMBER_TIMEOUT.min}
                max={MEMBER_TIMEOUT.max}
                disabled={readOnly}
                {...form.register('member_timeout', { valueAsNumber: true })}
              />
            )}
          </Field>
          <Field
            label="Rounds"
            hint="Times through the list before the fallback"
            error={errors.rounds?.message}
          >
            {(p) => (
              <Input
                {...p}
                type="number"
                min={ROUNDS.min}
                max={ROUNDS.max}
                disabled={readOnly}
                {...form.register('rounds', { valueAsNumber: true })}
              />
            )}
          </Field>
          <div className="sm:col-span-2">
            <SwitchField
              control={form.control}
              name="skip_busy"
              label="Skip busy members"
              hint="Members already on a call are left out"
              disabled={readOnly}
            />
          </div>
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Members</CardTitle>
          <CardDescription>
            Drag a row, or focus its handle and use Space and the arrow keys, or the arrow buttons.
          </CardDescription>
        </CardHeader>
        <CardContent>
          <MembersEditor control={form.control} errors={errors} disabled={readOnly} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>When nobody answers</CardTitle>
        </CardHeader>
        <CardContent>
          <DestinationField control={form.control} name="fallback" label="Calls go to" disabled={readOnly} />
        </CardContent>
      </Card>
    </ApiForm>
  )
}
