// List screens keep their search, sort, page and filters in the URL, so a view survives a reload
// and can be shared. These validators run in the entry chunk (route `validateSearch`), so they are
// plain functions rather than schema-library objects.

export type StatusFilter = 'active' | 'inactive'

export interface ListSearch<S extends string = string> {
  q?: string
  page?: number
  sort?: S | `-${S}`
  status?: StatusFilter
}

export const PER_PAGE = 25

function text(v: unknown): string | undefined {
  if (typeof v === 'number') return String(v)
  return typeof v === 'string' && v.trim() ? v.trim().slice(0, 200) : undefined
}

/**
 * A `validateSearch` for a list sortable by `sortable`: unknown or malformed values are dropped,
 * and so is a status for objects without one (the API refuses a parameter its list lacks).
 */
export function listSearch<S extends string>(sortable: readonly S[], { status = true } = {}) {
  return (raw: Record<string, unknown>): ListSearch<S> => {
    const out: ListSearch<S> = {}
    const q = text(raw.q)
    if (q) out.q = q
    const page = Number(raw.page)
    if (Number.isInteger(page) && page > 1 && page < 100_000) out.page = page
    const sort = text(raw.sort)
    if (sort && sortable.includes(sort.replace(/^-/, '') as S)) out.sort = sort as S | `-${S}`
    if (status && (raw.status === 'active' || raw.status === 'inactive')) out.status = raw.status
    return out
  }
}

/** What a list screen gets from its route: the URL's search, and how to change it. */
export interface ListPageProps<S extends string = string> {
  search: ListSearch<S>
  onSearchChange: (next: ListSearch<S>) => void
}

/** The API query of a list view. */
export function listQuery<S extends string>(search: ListSearch<S>) {
  return {
    q: search.q,
    page: search.page ?? 1,
    per_page: PER_PAGE,
    sort: search.sort,
    status: search.status,
  }
}
