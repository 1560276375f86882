import { useQuery } from '@tanstack/react-query'
import { useOrgId } from '@/api/me'
import { references } from '@/api/references'
import type { ObjectDestinationType } from '@/lib/destination'
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from './ui/card'
import { ObjectLink } from './object-link'
import { ErrorState, LoadingState } from './states'

/** "Routes here": the numbers, schedules, menus, groups and extensions that send calls to an object. */
export function RoutesHere({ type, id }: { type: ObjectDestinationType; id: string }) {
  const query = useQuery(references(useOrgId(), type, id))
  const referrers = query.data?.data
  return (
    <Card aria-labelledby="routes-here" className="mt-4 sm:mt-6">
      <CardHeader>
        <CardTitle id="routes-here">Routes here</CardTitle>
        <CardDescription>What sends calls here. Change those before deleting this.</CardDescription>
      </CardHeader>
      <CardContent>
        {query.isError ? (
          <ErrorState error={query.error} onRetry={() => query.refetch()} />
        ) : !referrers ? (
          <LoadingState rows={2} />
        ) : referrers.length === 0 ? (
          <p className="text-sm text-muted-foreground">Nothing routes calls here yet.</p>
        ) : (
          <ul className="flex flex-col gap-1 text-sm">
            {referrers.map((r) => (
              <li key={`${r.object_type}:${r.id}`}>
                <ObjectLink type={r.object_type} id={r.id} name={r.name} />
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  )
}
