import { toast } from 'sonner'
import { Field } from '@/components/field'
import { ApiForm } from '@/components/form-parts'
import { Button } from '@/components/ui/button'
import { Input } from '@/components/ui/input'
import { useApiForm } from '@/lib/use-api-form'
import { type CloudonixSettingsView, useSaveCloudonix } from './api'
import { connectionFields, connectionSchema, toBody, toValues } from './schemas'

/**
 * The API key is write-only: the stored one is shown only as the server masks it; typing
 * replaces it, leaving the field empty keeps it.
 */
function ApiKeyHint({ masked }: { masked: string | null | undefined }) {
  return masked ? (
    <>
      Stored: <span className="font-mono">{masked}</span>. Leave empty to keep it; type a new one to replace
      it.
    </>
  ) : (
    'The domain’s API key (XI…), from the Cloudonix cockpit. It is stored encrypted and never shown again.'
  )
}

/** The domain and API key (owners change them; PBX admins read the domain and the masked key). */
export function ConnectionForm({ settings, owner }: { settings: CloudonixSettingsView; owner: boolean }) {
  const save = useSaveCloudonix()
  const { form, submit } = useApiForm({
    schema: connectionSchema(settings.api_key != null),
    defaultValues: toValues(settings),
    fields: connectionFields,
    baseline: (saved) => ({ ...saved, api_key: '' }),
    onSubmit: async (values) => {
      await save.mutateAsync(toBody(values))
      toast.success('Cloudonix settings saved')
    },
  })
  const { errors, isSubmitting, isDirty } = form.formState
  return (
    <ApiForm form={form} onSubmit={submit} actions={false}>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          label="Domain"
          hint="Its name (acme.cloudonix.net), numeric id or UUID"
          error={errors.domain?.message}
        >
          {(p) => <Input {...p} disabled={!owner} autoComplete="off" {...form.register('domain')} />}
        </Field>
        <Field
          label="API key"
          hint={<ApiKeyHint masked={settings.api_key} />}
          error={errors.api_key?.message}
        >
          {(p) => (
            <Input
              {...p}
              type="password"
              autoComplete="new-password"
              disabled={!owner}
              placeholder={settings.api_key ?? ''}
              {...form.register('api_key')}
            />
          )}
        </Field>
      </div>
      {owner && (
        <div className="flex justify-end">
          <Button type="submit" disabled={isSubmitting || !isDirty}>
            {isSubmitting ? 'Saving…' : 'Save'}
          </Button>
        </div>
      )}
    </ApiForm>
  )
}
