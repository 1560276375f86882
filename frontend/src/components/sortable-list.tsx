import {
  type Announcements,
  closestCenter,
  DndContext,
  type DragEndEvent,
  KeyboardSensor,
  PointerSensor,
  TouchSensor,
  type UniqueIdentifier,
  useSensor,
  useSensors,
} from '@dnd-kit/core'
import {
  SortableContext,
  sortableKeyboardCoordinates,
  useSortable,
  verticalListSortingStrategy,
} from '@dnd-kit/sortable'
import { ArrowDownIcon, ArrowUpIcon, GripVerticalIcon, XIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { cn } from '@/lib/utils'
import { Button } from './ui/button'

export interface SortableItem {
  /** Stable while the list is edited (react-hook-form's field-array id, for instance). */
  key: string
  /** How the item is named to screen readers and on its buttons. */
  label: string
}

function Row({
  item,
  index,
  count,
  disabled,
  onMove,
  onRemove,
  children,
}: {
  item: SortableItem
  index: number
  count: number
  disabled: boolean
  onMove: (from: number, to: number) => void
  onRemove?: (index: number) => void
  children: ReactNode
}) {
  const { attributes, listeners, setNodeRef, transform, transition, isDragging } = useSortable({
    id: item.key,
    disabled,
  })
  return (
    <li
      ref={setNodeRef}
      style={{
        transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined,
        transition,
      }}
      className={cn(
        'flex items-center gap-2 rounded-md border bg-card px-2 py-1.5',
        isDragging && 'relative z-10 shadow-md',
      )}
    >
      <Button
        variant="ghost"
        size="icon"
        className="size-8 cursor-grab touch-none"
        aria-label={`Drag ${item.label} to reorder`}
        disabled={disabled}
        {...attributes}
        {...listeners}
      >
        <GripVerticalIcon aria-hidden />
      </Button>
      <span className="w-6 text-right text-xs text-muted-foreground tabular-nums">{index + 1}.</span>
      <div className="min-w-0 flex-1">{children}</div>
      <Button
        variant="ghost"
        size="icon"
        className="size-8"
        aria-label={`Move ${item.label} up`}
        disabled={disabled || index === 0}
        onClick={() => onMove(index, index - 1)}
      >
        <ArrowUpIcon aria-hidden />
      </Button>
      <Button
        variant="ghost"
        size="icon"
        className="size-8"
        aria-label={`Move ${item.label} down`}
        disabled={disabled || index === count - 1}
        onClick={() => onMove(index, index + 1)}
      >
        <ArrowDownIcon aria-hidden />
      </Button>
      {onRemove && (
        <Button
          variant="ghost"
          size="icon"
          className="size-8"
          aria-label={`Remove ${item.label}`}
          disabled={disabled}
          onClick={() => onRemove(index)}
        >
          <XIcon aria-hidden />
        </Button>
      )}
    </li>
  )
}

/**
 * An ordered list people rearrange by dragging (mouse, touch), by keyboard (focus the handle,
 * Space, arrows, Space) or with the up/down buttons. `onMove(from, to)` reports each change.
 */
export function SortableList({
  label,
  items,
  onMove,
  onRemove,
  disabled = false,
  render,
}: {
  /** What the list holds, for screen readers ("Members, in ring order"). */
  label: string
  items: SortableItem[]
  onMove: (from: number, to: number) => void
  onRemove?: (index: number) => void
  disabled?: boolean
  render: (item: SortableItem, index: number) => ReactNode
}) {
  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(TouchSensor, { activationConstraint: { delay: 150, tolerance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  )
  const labelOf = (id: UniqueIdentifier) => items.find((i) => i.key === id)?.label ?? 'item'
  const positionOf = (id: UniqueIdentifier | undefined) => items.findIndex((i) => i.key === id) + 1
  // Said by screen readers as an item is moved: names and positions, not internal ids.
  const announcements: Announcements = {
    onDragStart: ({ active }) =>
      `Picked up ${labelOf(active.id)}, position ${positionOf(active.id)} of ${items.length}.`,
    onDragOver: ({ active, over }) =>
      over ? `${labelOf(active.id)} is over position ${positionOf(over.id)} of ${items.length}.` : undefined,
    onDragEnd: ({ active, over }) =>
      over
        ? `${labelOf(active.id)} dropped at position ${positionOf(over.id)} of ${items.length}.`
        : undefined,
    onDragCancel: ({ active }) => `Moving ${labelOf(active.id)} was cancelled.`,
  }
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return
    const from = items.findIndex((i) => i.key === active.id)
    const to = items.findIndex((i) => i.key === over.id)
    if (from >= 0 && to >= 0) onMove(from, to)
  }
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={closestCenter}
      onDragEnd={onDragEnd}
      accessibility={{
        announcements,
        screenReaderInstructions: {
          draggable:
            'To move this item, press Space, then the arrow keys, then Space again to drop it, or Escape to cancel.',
        },
      }}
    >
      <SortableContext items={items.map((i) => i.key)} strategy={verticalListSortingStrategy}>
        <ol aria-label={label} className="flex flex-col gap-1.5">
          {items.map((item, index) => (
            <Row
              key={item.key}
              item={item}
              index={index}
              count={items.length}
              disabled={disabled}
              onMove={onMove}
              onRemove={onRemove}
            >
              {render(item, index)}
            </Row>
          ))}
        </ol>
      </SortableContext>
    </DndContext>
  )
}
