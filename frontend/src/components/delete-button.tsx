import { type LinkProps, useNavigate } from '@tanstack/react-router'
import { Trash2Icon } from 'lucide-react'
import { toast } from 'sonner'
import { problemMessage, referencesOf } from '@/api/problem'
import { ConfirmDialog } from './confirm-dialog'
import { ObjectLink } from './object-link'
import { Alert } from './ui/alert'
import { Button } from './ui/button'

/**
 * Delete with a confirmation. When the server refuses because something still routes to the
 * object (409), the dialog lists those objects as links to change first.
 */
export function DeleteButton({
  what,
  onDelete,
  leaveTo,
  iconOnly = false,
}: {
  /** The object as a person names it: "extension 101 · Alice". */
  what: string
  onDelete: () => Promise<unknown>
  /** Where to go once it is deleted (its list), with a confirmation toast. */
  leaveTo?: LinkProps['to']
  iconOnly?: boolean
}) {
  const navigate = useNavigate()
  const remove = async () => {
    await onDelete()
    toast.success(`${what.charAt(0).toUpperCase()}${what.slice(1)} deleted`)
    if (leaveTo) await navigate({ to: leaveTo })
  }
  return (
    <ConfirmDialog
      trigger={
        iconOnly ? (
          <Button variant="ghost" size="icon" aria-label={`Delete ${what}`}>
            <Trash2Icon aria-hidden />
          </Button>
        ) : (
          <Button variant="outline" className="text-destructive">
            <Trash2Icon aria-hidden /> Delete
          </Button>
        )
      }
      title={`Delete ${what}?`}
      description="This cannot be undone."
      confirmLabel="Delete"
      destructive
      onConfirm={remove}
      renderError={(error) => {
        const references = referencesOf(error)
        if (references.length === 0) return <Alert variant="destructive">{problemMessage(error)}</Alert>
        return (
          <Alert variant="destructive">
            <p className="font-medium">It is still in use. Change these first:</p>
            <ul className="mt-2 list-disc space-y-1 pl-5 text-foreground">
              {references.map((r) => (
                <li key={`${r.object_type}:${r.id}`}>
                  <ObjectLink type={r.object_type} id={r.id} name={r.name} />
                </li>
              ))}
            </ul>
          </Alert>
        )
      }}
    />
  )
}
