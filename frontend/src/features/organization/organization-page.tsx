import { useMutation, useQuery, useQueryClient, useSuspenseQuery } from '@tanstack/react-query'
import { useWatch } from 'react-hook-form'
import { toast } from 'sonner'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { useMe } from '@/api/me'
import { phoneNumbers } from '@/api/resources'
import { CopyField } from '@/components/copy-field'
import { Field } from '@/components/field'
import { ApiForm } from '@/components/form-parts'
import { PageHeader } from '@/components/page-header'
import { TimeZoneSelect } from '@/components/time-zone-select'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input, NativeSelect, Textarea } from '@/components/ui/input'
import { canWriteOrganization } from '@/lib/roles'
import { useApiForm } from '@/lib/use-api-form'
import { organizationQuery } from './api'
import { PrefixesEditor } from './prefixes-editor'
import { forwardingRules, organizationFields, organizationSchema, toBody, toValues } from './schemas'

/** The organization's numbers, as caller ids to choose from (plus the current one, if not listed). */
function CallerIdOptions({ current }: { current: string }) {
  const { organization } = useMe()
  const list = useQuery(phoneNumbers.list(organization.id, { per_page: 100, sort: 'number' }))
  const numbers = list.data?.data ?? []
  return (
    <>
      <option value="">None: routes without a caller id refuse calls</option>
      {current && !numbers.some((n) => n.number === current) && <option value={current}>{current}</option>}
      {numbers.map((n) => (
        <option key={n.id} value={n.number}>
          {n.label ? `${n.number} · ${n.label}` : n.number}
        </option>
      ))}
    </>
  )
}

export function OrganizationPage() {
  const { user, organization } = useMe()
  const { data: org } = useSuspenseQuery(organizationQuery(organization.id))
  const owner = canWriteOrganization(user.role)
  const queryClient = useQueryClient()
  const save = useMutation({
    mutationFn: (body: Schemas['OrganizationUpdate']) =>
      call(api.PATCH('/api/v1/settings/organization', { body })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.org(organization.id) }),
        queryClient.invalidateQueries({ queryKey: keys.me }),
      ]),
  })
  const { form, submit } = useApiForm({
    schema: organizationSchema,
    defaultValues: toValues(org),
    fields: organizationFields,
    onSubmit: async (values) => {
      await save.mutateAsync(toBody(values))
      toast.success('Organization saved')
    },
  })
  const { errors, isSubmitting, isDirty } = form.formState
  const [forwarding, callerId] = useWatch({
    control: form.control,
    name: ['external_forwarding', 'default_caller_id'],
  })

  return (
    <>
      <PageHeader
        title="Organization"
        description={owner ? undefined : 'Only owners change these settings.'}
      />
      <div className="flex flex-col gap-4">
        <ApiForm form={form} onSubmit={submit} actions={false}>
          <Card>
            <CardContent className="grid gap-4 pt-4 sm:grid-cols-2 sm:pt-6">
              <Field label="Name" error={errors.name?.message}>
                {(p) => <Input {...p} disabled={!owner} {...form.register('name')} />}
              </Field>
              <Field
                label="Time zone"
                hint="Business hours and call history dates use it"
                error={errors.timezone?.message}
              >
                {(p) => (
                  <TimeZoneSelect
                    {...p}
                    current={org.timezone}
                    disabled={!owner}
                    {...form.register('timezone')}
                  />
                )}
              </Field>
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Calls out</CardTitle>
              <CardDescription>The rules every outside call and forwarding passes.</CardDescription>
            </CardHeader>
            <CardContent className="flex flex-col gap-4">
              <Field
                label="Default caller id"
                hint="Shown by outward calls whose route has no caller id; one of your phone numbers"
                error={errors.default_caller_id?.message}
                className="flex flex-col gap-1.5 sm:max-w-md"
              >
                {(p) => (
                  <NativeSelect {...p} disabled={!owner} {...form.register('default_caller_id')}>
                    <CallerIdOptions current={callerId} />
                  </NativeSelect>
                )}
              </Field>
              <Field
                label="Forwarding to outside numbers"
                hint={forwardingRules[forwarding].explain}
                error={errors.external_forwarding?.message}
                className="flex flex-col gap-1.5 sm:max-w-md"
              >
                {(p) => (
                  <NativeSelect {...p} disabled={!owner} {...form.register('external_forwarding')}>
                    {Object.entries(forwardingRules).map(([value, { label }]) => (
                      <option key={value} value={value}>
                        {label}
                      </option>
                    ))}
                  </NativeSelect>
                )}
              </Field>
              {forwarding === 'listed_prefixes' && (
                <PrefixesEditor
                  control={form.control}
                  register={form.register}
                  errors={errors}
                  disabled={!owner}
                />
              )}
            </CardContent>
          </Card>

          <Card>
            <CardHeader>
              <CardTitle>Calls to numbers you do not have</CardTitle>
              <CardDescription>
                A call to a number that is not yours (or is switched off) is refused without being answered,
                so nobody is billed for it.
              </CardDescription>
            </CardHeader>
            <CardContent>
              <Field
                label="Message before refusing"
                hint="Spoken first, up to 1000 characters; empty: refused without a word"
                error={errors.unassigned_number_message?.message}
              >
                {(p) => (
                  <Textarea
                    {...p}
                    rows={2}
                    disabled={!owner}
                    {...form.register('unassigned_number_message')}
                  />
                )}
              </Field>
            </CardContent>
          </Card>

          {owner && (
            <div className="flex justify-end">
              <Button type="submit" disabled={isSubmitting || !isDirty}>
                {isSubmitting ? 'Saving…' : 'Save changes'}
              </Button>
            </div>
          )}
        </ApiForm>
        <Card>
          <CardHeader>
            <CardTitle>Sign-in name</CardTitle>
            <CardDescription>
              People whose email belongs to several organizations choose this one by its short name.
            </CardDescription>
          </CardHeader>
          <CardContent>
            <CopyField label="Short name" value={org.slug} />
          </CardContent>
        </Card>
      </div>
    </>
  )
}
