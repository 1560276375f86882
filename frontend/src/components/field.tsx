import { type ReactNode, useId } from 'react'
import type { FieldErrors } from 'react-hook-form'
import { Alert } from './ui/alert'
import { Label } from './ui/label'

export interface ControlProps {
  id: string
  'aria-invalid': boolean
  'aria-describedby': string | undefined
}

/**
 * A labelled form control with its hint and error, wired for screen readers: the control gets
 * the id, `aria-invalid` and `aria-describedby` through the render function.
 */
export function Field({
  label,
  hint,
  error,
  children,
  className,
}: {
  label: ReactNode
  hint?: ReactNode
  error?: string
  children: (control: ControlProps) => ReactNode
  className?: string
}) {
  const id = useId()
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = error ? `${id}-error` : undefined
  const describedBy = [errorId, hintId].filter(Boolean).join(' ') || undefined
  return (
    <div className={className ?? 'flex flex-col gap-1.5'}>
      <Label htmlFor={id}>{label}</Label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && !error && (
        <p id={hintId} className="text-xs text-muted-foreground">
          {hint}
        </p>
      )}
      {error && (
        <p id={errorId} className="text-xs font-medium text-destructive">
          {error}
        </p>
      )}
    </div>
  )
}

/** A labelled switch-like control on one row (label left, control right). */
export function InlineField({
  label,
  hint,
  children,
}: {
  label: ReactNode
  hint?: ReactNode
  children: (control: { id: string; 'aria-describedby': string | undefined }) => ReactNode
}) {
  const id = useId()
  const hintId = hint ? `${id}-hint` : undefined
  return (
    <div className="flex items-start justify-between gap-4">
      <div className="flex flex-col gap-1">
        <Label htmlFor={id}>{label}</Label>
        {hint && (
          <p id={hintId} className="text-xs text-muted-foreground">
            {hint}
          </p>
        )}
      </div>
      {children({ id, 'aria-describedby': hintId })}
    </div>
  )
}

/** The message of a failed submit that belongs to no single field. */
export function FormError({ errors }: { errors: FieldErrors }) {
  const message = errors.root?.server?.message
  return message ? <Alert variant="destructive">{message}</Alert> : null
}
