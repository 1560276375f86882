// Audio the browser tests play: made here, so no file needs to be checked in.

import { expect, type Locator } from '@playwright/test'

/** One second of a 440 Hz tone, 8 kHz 16-bit mono PCM: a WAV any browser decodes. */
export function toneWav(): Buffer {
  const rate = 8000
  const samples = rate
  const data = Buffer.alloc(samples * 2)
  for (let i = 0; i < samples; i++)
    data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), i * 2)
  const header = Buffer.alloc(44)
  header.write('RIFF', 0)
  header.writeUInt32LE(36 + data.length, 4)
  header.write('WAVEfmt ', 8)
  header.writeUInt32LE(16, 16)
  header.writeUInt16LE(1, 20)
  header.writeUInt16LE(1, 22)
  header.writeUInt32LE(rate, 24)
  header.writeUInt32LE(rate * 2, 28)
  header.writeUInt16LE(2, 32)
  header.writeUInt16LE(16, 34)
  header.write('data', 36)
  header.writeUInt32LE(data.length, 40)
  return Buffer.concat([header, data])
}

/** Plays an `<audio>` element (muted) to its end and expects one second of it: the browser
 * loaded, decoded and played the tone. */
export async function playsTheTone(audio: Locator) {
  await audio.evaluate((a: HTMLAudioElement) => {
    a.muted = true
    return a.play()
  })
  await expect
    .poll(() =>
      audio.evaluate((a: HTMLAudioElement) => ({ ended: a.ended, duration: Math.round(a.duration) })),
    )
    .toEqual({ ended: true, duration: 1 })
}
