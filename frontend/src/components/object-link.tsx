import { Link } from '@tanstack/react-router'
import { isObjectType, objectLabels, objectRoutes } from '@/lib/objects'

/** "Ring group Sales" as a link to its screen (plain text for a kind without one). */
export function ObjectLink({ type, id, name }: { type: string; id: string; name: string }) {
  if (!isObjectType(type)) return <span>{`${type.replace(/_/g, ' ')} ${name}`}</span>
  return (
    <span>
      {objectLabels[type]}{' '}
      <Link
        to={objectRoutes[type]}
        params={{ id }}
        className="font-medium text-primary underline-offset-4 hover:underline"
      >
        {name}
      </Link>
    </span>
  )
}
