import { createFileRoute } from '@tanstack/react-router'
import { NewConferenceRoomPage } from '@/features/conference-rooms/conference-room-pages'
import { allow } from '@/lib/guard'
import { canWriteConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/conference-rooms/new')({
  beforeLoad: allow(canWriteConfig),
  component: NewConferenceRoomPage,
})
