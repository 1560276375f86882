import { describe, expect, it } from 'vitest'
import { audioFileProblem, fileSize, RECORDING_MAX_BYTES, sniffAudio, uploadSchema } from './audio-file'

const bytes = (...parts: (string | number[])[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)))

const wavHead = bytes('RIFF', [36, 0, 0, 0], 'WAVE')
const id3Head = bytes('ID3', [4, 0, 0, 0, 0, 0, 0, 0, 0])
const frameHead = bytes([0xff, 0xfb, 0x90, 0x00])

describe('recording files', () => {
  it('are told apart by their first bytes, whatever their name says', () => {
    expect(sniffAudio(wavHead)).toBe('wav')
    expect(sniffAudio(id3Head)).toBe('mp3')
    expect(sniffAudio(frameHead)).toBe('mp3')
    expect(sniffAudio(bytes('hello, this i'))).toBeNull()
    // RIFF but not WAVE (an AVI), and a byte of 0xff without the frame's sync bits.
    expect(sniffAudio(bytes('RIFF', [0, 0, 0, 0], 'AVI '))).toBeNull()
    expect(sniffAudio(bytes([0xff, 0x1b]))).toBeNull()
    expect(sniffAudio(new Uint8Array())).toBeNull()
  })

  it('are refused empty, over 4 MiB or not audio, as the API refuses them', () => {
    expect(audioFileProblem(wavHead, 1000)).toBeNull()
    expect(audioFileProblem(wavHead, RECORDING_MAX_BYTES)).toBeNull()
    expect(audioFileProblem(wavHead, RECORDING_MAX_BYTES + 1)).toBe('must be at most 4 MiB')
    expect(audioFileProblem(new Uint8Array(), 0)).toBe('the file is empty')
    expect(audioFileProblem(bytes('hello, this i'), 13)).toBe('is neither WAV nor MP3 audio')
  })

  it('need a file; the name is optional and at most 100 characters', async () => {
    const wav = new File([wavHead, new Uint8Array(100)], 'greeting.wav', { type: 'audio/wav' })
    const text = new File(['just some text'], 'greeting.wav', { type: 'audio/wav' })
    const issues = async (values: unknown) => {
      const r = await uploadSchema.safeParseAsync(values)
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    }
    expect(await issues({ file: wav, name: '' })).toEqual([])
    expect(await issues({ file: wav, name: '  Main greeting ' })).toEqual([])
    expect(await issues({ file: null, name: '' })).toEqual(['file: choose a WAV or MP3 file'])
    expect(await issues({ file: text, name: '' })).toEqual(['file: is neither WAV nor MP3 audio'])
    expect(await issues({ file: new File([], 'empty.wav'), name: '' })).toEqual(['file: the file is empty'])
    expect(await issues({ file: wav, name: 'x'.repeat(101) })).toEqual([
      'name: must be at most 100 characters',
    ])
  })

  it('sizes read as people read them', () => {
    expect(fileSize(512)).toBe('512 B')
    expect(fileSize(16_044)).toBe('16 KB')
    expect(fileSize(4 * 1024 * 1024)).toBe('4.2 MB')
  })
})
