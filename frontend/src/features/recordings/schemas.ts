import { z } from 'zod'
import type { Schemas } from '@/api/client'
import { name } from '@/lib/forms'

// A rename is the only change a recording takes (RecordingUpdate); the audio stays as uploaded.
export const renameSchema = z.object({ name })

export type RenameValues = z.infer<typeof renameSchema>

export const renameFields = ['name']

export const toUpdate = (v: RenameValues): Schemas['RecordingUpdate'] => ({ name: v.name.trim() })
