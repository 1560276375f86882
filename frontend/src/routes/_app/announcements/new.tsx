import { createFileRoute } from '@tanstack/react-router'
import { NewAnnouncementPage } from '@/features/announcements/announcement-pages'
import { allow } from '@/lib/guard'
import { canWriteConfig } from '@/lib/roles'

export const Route = createFileRoute('/_app/announcements/new')({
  beforeLoad: allow(canWriteConfig),
  component: NewAnnouncementPage,
})
