import { z } from 'zod'
import type { Schemas } from '@/api/client'
import type { CloudonixSettingsView } from './api'

// The rules of `CloudonixSettingsInput`: a domain name, numeric id or UUID; an API key of 16 to
// 256 printable characters, required until one is stored.
const DOMAIN = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9.-]{0,252}$/
const API_KEY = /^[!-~]{16,256}$/

export function connectionSchema(keyStored: boolean) {
  return z.object({
    domain: z
      .string()
      .trim()
      .min(1, 'is required')
      .regex(DOMAIN, 'must be the domain’s name (acme.cloudonix.net), numeric id or UUID'),
    api_key: z
      .string()
      .trim()
      .refine((key) => key !== '' || keyStored, 'is required until a key is stored')
      .refine((key) => key === '' || API_KEY.test(key), 'must be 16 to 256 characters without spaces'),
  })
}

export type ConnectionValues = z.infer<ReturnType<typeof connectionSchema>>

export const connectionFields = ['domain', 'api_key']

/** The API key is write-only: the form starts empty and an empty field keeps the stored key. */
export function toValues(settings: CloudonixSettingsView): ConnectionValues {
  return { domain: settings.domain ?? '', api_key: '' }
}

export function toBody(v: ConnectionValues): Schemas['CloudonixSettingsInput'] {
  return { domain: v.domain.trim(), api_key: v.api_key.trim() || null }
}
