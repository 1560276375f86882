import { ApiError, asProblem, orgSession, type Schemas, unreachable } from './client'

export type Recording = Schemas['RecordingView']

type UploadPart = keyof Schemas['RecordingUpload']

/**
 * Uploads a recording as `multipart/form-data`, reporting the share of bytes sent (0 to 1) as it
 * goes. XMLHttpRequest rather than fetch: only it tells how far an upload has got. Resolves with
 * the stored recording, or rejects with the server's problem as an ApiError (422 on `file` for
 * audio it cannot play, 413 over the size limit).
 */
export function uploadRecording(
  file: File,
  name: string | null,
  onProgress: (sent: number) => void,
  signal?: AbortSignal,
): Promise<Recording> {
  const form = new FormData()
  const part = (key: UploadPart, value: Blob | string) => form.append(key, value)
  part('file', file)
  if (name) part('name', name)

  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', '/api/v1/recordings')
    xhr.responseType = 'json'
    const token = orgSession.token()
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`)
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total)
    }
    xhr.onload = () => {
      if (xhr.status === 201) {
        onProgress(1)
        resolve(xhr.response as Recording)
        return
      }
      if (xhr.status === 401 && token) orgSession.expired()
      reject(new ApiError(xhr.status, asProblem(xhr.response, xhr.status, xhr.statusText)))
    }
    xhr.onerror = () => reject(unreachable())
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'))
    signal?.addEventListener('abort', () => xhr.abort(), { once: true })
    xhr.send(form)
  })
}
