// The before/after of an audit entry as rows of fields. Nested objects and lists are flattened
// to paths (`destination.type`, `members[1]`) so a change deep inside shows as that one field.

export type Change = 'added' | 'removed' | 'changed' | 'unchanged'

interface FieldDiff {
  field: string
  before: unknown
  after: unknown
  change: Change
}

type Json = Record<string, unknown>

function flatten(value: unknown, path: string, out: Map<string, unknown>) {
  if (Array.isArray(value) && value.length > 0) {
    value.forEach((v, i) => flatten(v, `${path}[${i}]`, out))
  } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Json)
    if (entries.length === 0 && path) out.set(path, value)
    for (const [k, v] of entries) flatten(v, path ? `${path}.${k}` : k, out)
  } else if (path) {
    out.set(path, value)
  }
}

function fields(snapshot: Json | null | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>()
  if (snapshot) flatten(snapshot, '', out)
  return out
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

/**
 * Every field of either snapshot, in the order the object lists them (then the ones only the
 * after has): added when only after has it, removed when only before has it.
 */
export function auditDiff(before: Json | null | undefined, after: Json | null | undefined): FieldDiff[] {
  const b = fields(before)
  const a = fields(after)
  const names = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))]
  return names.map((field) => {
    const was = b.has(field)
    const is = a.has(field)
    const change: Change =
      was && is ? (same(b.get(field), a.get(field)) ? 'unchanged' : 'changed') : is ? 'added' : 'removed'
    return { field, before: b.get(field), after: a.get(field), change }
  })
}

/** A field's value as text; `—` for none. */
export function showValue(value: unknown): string {
  if (value === undefined || value === null || value === '') return '—'
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (typeof value === 'string' || typeof value === 'number') return String(value)
  return JSON.stringify(value)
}
