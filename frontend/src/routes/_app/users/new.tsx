import { createFileRoute } from '@tanstack/react-router'
import { NewUserPage } from '@/features/users/user-pages'
import { allow } from '@/lib/guard'
import { canManageUsers } from '@/lib/roles'

export const Route = createFileRoute('/_app/users/new')({
  beforeLoad: allow(canManageUsers),
  component: NewUserPage,
})
