import { z } from 'zod'
import { NAME_MAX } from './forms'

// What the API accepts as a recording (shared/src/http/api/recordings.rs, rules.rs
// RECORDING_MAX_BYTES, domain/audio.rs): WAV or MP3 recognised from the bytes, not the file's
// name, at most 4 MiB. The form checks what it can before sending 4 MiB for nothing; the server
// also reads the length and refuses audio it cannot play, on the same field.

export const RECORDING_MAX_BYTES = 4 * 1024 * 1024

/** What the first bytes of a file must look like: a RIFF/WAVE header, an ID3 tag or an MPEG frame. */
export const SNIFF_BYTES = 12

const ascii = (bytes: Uint8Array, from: number, text: string) =>
  [...text].every((c, i) => bytes[from + i] === c.charCodeAt(0))

/** The audio format the bytes start with, as the server tells them apart; null for neither. */
export function sniffAudio(head: Uint8Array): 'wav' | 'mp3' | null {
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'WAVE')) return 'wav'
  if (ascii(head, 0, 'ID3')) return 'mp3'
  // An MPEG audio frame: 11 sync bits set.
  if (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0) return 'mp3'
  return null
}

/** Why a file of `size` bytes starting with `head` cannot be a recording, or null when it may be. */
export function audioFileProblem(head: Uint8Array, size: number): string | null {
  if (size === 0) return 'the file is empty'
  if (size > RECORDING_MAX_BYTES) return 'must be at most 4 MiB'
  if (!sniffAudio(head)) return 'is neither WAV nor MP3 audio'
  return null
}

export const uploadSchema = z.object({
  file: z
    .custom<File | null>((f) => f instanceof File, 'choose a WAV or MP3 file')
    .superRefine(async (file, ctx) => {
      if (!(file instanceof File)) return
      const head = new Uint8Array(await file.slice(0, SNIFF_BYTES).arrayBuffer())
      const problem = audioFileProblem(head, file.size)
      if (problem) ctx.addIssue({ code: 'custom', message: problem })
    }),
  // Empty: the server names the recording after the file.
  name: z.string().trim().max(NAME_MAX, `must be at most ${NAME_MAX} characters`),
})

export type UploadValues = z.infer<typeof uploadSchema>

export const uploadFields = ['file', 'name']

/** `1.2 MB`, `830 KB`: a file's size as people read it. */
export function fileSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`
  return `${(bytes / 1_000_000).toFixed(1)} MB`
}
