import type { Schemas } from '@/api/client'
import type { Role } from '@/lib/roles'

const at = '2026-12-01T09:00:00Z'
let next = 1
/** A fresh UUID-looking id per call, so tests never reuse each other's objects by accident. */
export function id(): string {
  return `0190a1b2-0000-7000-8000-${String(next++).padStart(12, '0')}`
}

export const org: Schemas['OrganizationView'] = {
  id: '0190a1b2-0000-7000-8000-0000000000aa',
  name: 'Acme',
  slug: 'acme',
  timezone: 'Europe/London',
  status: 'active',
}

/** The organization as its settings endpoint answers: with the calling rules' defaults. */
export const orgSettings: Schemas['OrganizationSettingsView'] = {
  ...org,
  unassigned_number_message: null,
  default_caller_id: null,
  external_forwarding: 'outbound_routes',
  forwarding_prefixes: [],
}

export function user(role: Role, fields: Partial<Schemas['UserView']> = {}): Schemas['UserView'] {
  return {
    id: id(),
    organization_id: org.id,
    email: `${role}@acme.test`,
    name: `${role} person`,
    role,
    status: 'active',
    created_at: at,
    updated_at: at,
    ...fields,
  }
}

export function extension(fields: Partial<Schemas['ExtensionView']> = {}): Schemas['ExtensionView'] {
  return {
    id: id(),
    number: '101',
    name: 'Alice',
    status: 'active',
    sip_password: '********',
    do_not_disturb: false,
    no_answer_timeout: 20,
    voicemail_enabled: true,
    created_at: at,
    updated_at: at,
    ...fields,
  }
}

export function ringGroup(fields: Partial<Schemas['RingGroupView']> = {}): Schemas['RingGroupView'] {
  return {
    id: id(),
    name: 'Sales',
    strategy: 'simultaneous',
    member_timeout: 20,
    rounds: 1,
    skip_busy: true,
    members: [],
    fallback: { type: 'hangup' },
    status: 'active',
    created_at: at,
    updated_at: at,
    ...fields,
  }
}

export function phoneNumber(fields: Partial<Schemas['PhoneNumberView']> = {}): Schemas['PhoneNumberView'] {
  return {
    id: id(),
    number: '+12125550100',
    label: 'Main line',
    destination: { type: 'hangup' },
    status: 'active',
    created_at: at,
    updated_at: at,
    ...fields,
  }
}

export function recording(fields: Partial<Schemas['RecordingView']> = {}): Schemas['RecordingView'] {
  return {
    id: id(),
    name: 'Welcome',
    format: 'wav',
    content_type: 'audio/wav',
    size_bytes: 16_044,
    duration_ms: 1_000,
    created_at: at,
    updated_at: at,
    ...fields,
  }
}
