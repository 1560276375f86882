import { PlayIcon } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import { problemMessage } from '@/api/problem'
import { cn } from '@/lib/utils'
import { Button } from './ui/button'

/**
 * Audio the API serves only to a signed-in user: an `<audio>` element cannot send the bearer
 * token, so the audio is fetched with it on the first "Play" and played from an object URL
 * (released when the player goes). Nothing is downloaded until someone asks to listen.
 */
export function ApiAudio({
  label,
  load,
  onPlay,
  className,
}: {
  /** What is played, for screen readers ("Message from +1…, 5 Dec 2026"). */
  label: string
  load: (signal: AbortSignal) => Promise<Blob>
  onPlay?: () => void
  className?: string
}) {
  const [url, setUrl] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const loading = useRef<AbortController | null>(null)

  useEffect(() => () => loading.current?.abort(), [])
  useEffect(() => () => void (url && URL.revokeObjectURL(url)), [url])

  const start = async () => {
    const cancel = new AbortController()
    loading.current = cancel
    setBusy(true)
    setError(null)
    try {
      const audio = await load(cancel.signal)
      if (!cancel.signal.aborted) setUrl(URL.createObjectURL(audio))
    } catch (e) {
      if (!cancel.signal.aborted) setError(problemMessage(e))
    } finally {
      setBusy(false)
    }
  }

  if (url)
    return (
      // oxlint-disable-next-line jsx-a11y/media-has-caption -- recorded speech without a transcript; what it is reads beside it
      <audio
        controls
        autoPlay
        src={url}
        aria-label={label}
        className={cn('h-9 w-full sm:w-72', className)}
        onPlay={onPlay}
      />
    )
  return (
    <div className={cn('flex flex-col gap-1 sm:w-72', className)}>
      <Button variant="outline" size="sm" disabled={busy} aria-label={`Play ${label}`} onClick={start}>
        <PlayIcon aria-hidden /> {busy ? 'Loading…' : 'Play'}
      </Button>
      {error && (
        <p role="alert" className="text-xs font-medium text-destructive">
          {error}
        </p>
      )}
    </div>
  )
}
