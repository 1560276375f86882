import { useMutation, useQueryClient } from '@tanstack/react-query'
import { keys } from './keys'
import { useOrgId } from './me'
import type { CollectionPath, ItemOf, NewOf, Resource, UpdateOf } from './resource'

// Any write refetches the organization's queries: names shown by destination pickers and the
// "used by" references of other objects may have changed with it.
function useInvalidateOrg() {
  const queryClient = useQueryClient()
  const orgId = useOrgId()
  return () => queryClient.invalidateQueries({ queryKey: keys.org(orgId) })
}

export function useCreate<P extends CollectionPath>(resource: Resource<P>) {
  const invalidate = useInvalidateOrg()
  return useMutation<ItemOf<P>, Error, NewOf<P>>({
    mutationFn: (body) => resource.create(body),
    onSuccess: invalidate,
  })
}

export function useUpdate<P extends CollectionPath>(resource: Resource<P>, id: string) {
  const invalidate = useInvalidateOrg()
  return useMutation<ItemOf<P>, Error, UpdateOf<P>>({
    mutationFn: (body) => resource.update(id, body),
    onSuccess: invalidate,
  })
}

export function useRemove<P extends CollectionPath>(resource: Resource<P>) {
  const invalidate = useInvalidateOrg()
  return useMutation<void, Error, string>({
    mutationFn: (id) => resource.remove(id),
    onSuccess: invalidate,
  })
}
