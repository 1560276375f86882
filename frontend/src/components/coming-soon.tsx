import { ConstructionIcon } from 'lucide-react'
import { PageHeader } from './page-header'
import { Card } from './ui/card'

/** A screen whose UI is not built yet: the API behind it already works. */
export function ComingSoon({ title, description }: { title: string; description: string }) {
  return (
    <>
      <PageHeader title={title} description={description} />
      <Card className="flex flex-col items-center gap-2 px-4 py-12 text-center">
        <ConstructionIcon className="size-8 text-muted-foreground" aria-hidden />
        <p className="font-medium">This screen is on its way</p>
        <p className="max-w-md text-sm text-muted-foreground">
          Until then, the REST API under <code>/api/v1</code> does everything it will do.
        </p>
      </Card>
    </>
  )
}
