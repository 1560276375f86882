import { PER_PAGE } from '@/lib/list-search'
import { Button } from './ui/button'

/**
 * The pages of a server-paged list: `first–last of total`, then Previous and Next (page 1 is
 * `undefined` in URLs). A list that stopped counting (`total_capped`) shows its total as
 * "10,000+" and always offers the next page.
 */
export function PageNav({
  label,
  page,
  onPage,
}: {
  /** What is paged, for screen readers ("Extensions"). */
  label: string
  page: { page: number; per_page: number; total: number; total_capped?: boolean }
  onPage: (page: number | undefined) => void
}) {
  const first = (page.page - 1) * page.per_page + 1
  const last = Math.min(page.total, page.page * page.per_page)
  const pages = Math.max(1, Math.ceil(page.total / (page.per_page || PER_PAGE)))
  const n = (v: number) => v.toLocaleString()
  return (
    <nav
      aria-label={`${label} pages`}
      className="flex items-center justify-between gap-2 border-t p-3 text-sm text-muted-foreground"
    >
      <span>
        {n(first)}–{n(last)} of {n(page.total)}
        {page.total_capped && '+'}
      </span>
      <div className="flex gap-2">
        <Button
          variant="outline"
          size="sm"
          disabled={page.page <= 1}
          onClick={() => onPage(page.page - 1 > 1 ? page.page - 1 : undefined)}
        >
          Previous
        </Button>
        <Button
          variant="outline"
          size="sm"
          disabled={page.page >= pages && !page.total_capped}
          onClick={() => onPage(page.page + 1)}
        >
          Next
        </Button>
      </div>
    </nav>
  )
}
