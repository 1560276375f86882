import { zodResolver } from '@hookform/resolvers/zod'
import { useMutation, useQueryClient, useSuspenseQuery } from '@tanstack/react-query'
import { useForm } from 'react-hook-form'
import { toast } from 'sonner'
import { z } from 'zod'
import { api, call, type Schemas } from '@/api/client'
import { keys } from '@/api/keys'
import { useMe } from '@/api/me'
import { applyProblem } from '@/api/problem'
import { CopyField } from '@/components/copy-field'
import { Field, FormError } from '@/components/field'
import { PageHeader } from '@/components/page-header'
import { Button } from '@/components/ui/button'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card'
import { Input } from '@/components/ui/input'
import { canWriteOrganization } from '@/lib/roles'
import { TimeZoneSelect } from '@/components/time-zone-select'
import { organizationQuery } from './api'

const schema = z.object({
  name: z.string().trim().min(1, 'is required').max(255, 'must be at most 255 characters'),
  timezone: z.string().min(1, 'is required'),
})
type Values = z.infer<typeof schema>

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
  const form = useForm<Values>({
    resolver: zodResolver(schema),
    defaultValues: { name: org.name, timezone: org.timezone },
  })
  const { errors, isSubmitting, isDirty } = form.formState

  const submit = form.handleSubmit(async (values) => {
    try {
      // The zones offered come from this browser's Intl; the server judges the one chosen.
      const timezone = values.timezone as NonNullable<Schemas['OrganizationUpdate']['timezone']>
      const saved = await save.mutateAsync({ name: values.name.trim(), timezone })
      form.reset({ name: saved.name, timezone: saved.timezone })
      toast.success('Organization saved')
    } catch (e) {
      applyProblem(e, form.setError, ['name', 'timezone'])
    }
  })

  return (
    <>
      <PageHeader
        title="Organization"
        description={owner ? undefined : 'Only owners change these settings.'}
      />
      <div className="flex flex-col gap-4">
        <form onSubmit={submit} noValidate className="flex flex-col gap-4">
          <FormError errors={errors} />
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
          {owner && (
            <div className="flex justify-end">
              <Button type="submit" disabled={isSubmitting || !isDirty}>
                {isSubmitting ? 'Saving…' : 'Save changes'}
              </Button>
            </div>
          )}
        </form>
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
