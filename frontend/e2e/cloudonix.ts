import { type APIRequestContext, expect } from '@playwright/test'
import { accounts } from './support'

// Cloudonix as the tests play it: the webhook requests it sends for a call, in its field names,
// against the running opbx-local (voice request → session updates → dial callback → CDR).

export interface Call {
  sid: string
  session: string
  from: string
  to: string
}

export function newCall(to: string, from = '+14155550123'): Call {
  const sid = `CA${Date.now().toString(16)}${Math.random().toString(16).slice(2, 10)}`
  return { sid, session: `s-${sid}`, from, to }
}

export class Cloudonix {
  private readonly api: APIRequestContext
  private readonly key: string
  private readonly cdrUrl: string

  private constructor(api: APIRequestContext, key: string, cdrUrl: string) {
    this.api = api
    this.key = key
    this.cdrUrl = cdrUrl
  }

  /** Issues the organization's webhook key and CDR token as the owner would for a hand-made setup. */
  static async connect(api: APIRequestContext): Promise<Cloudonix> {
    const auth = { Authorization: `Bearer ${accounts().tokens.owner.token}` }
    const key = await api.post('/api/v1/settings/cloudonix/webhook-key', { headers: auth })
    expect(key.ok(), await key.text()).toBe(true)
    const urls = await api.post('/api/v1/settings/cloudonix/cdr-token', { headers: auth })
    expect(urls.ok(), await urls.text()).toBe(true)
    const { webhook_key } = (await key.json()) as { webhook_key: string }
    const { cdr_endpoint } = (await urls.json()) as { cdr_endpoint: string }
    return new Cloudonix(api, webhook_key, new URL(cdr_endpoint).pathname)
  }

  private async post(path: string, data: object, bearer = true) {
    const res = await this.api.post(path, {
      data,
      headers: bearer ? { Authorization: `Bearer ${this.key}` } : {},
    })
    expect(res.status(), `${path}: ${await res.text()}`).toBe(200)
    return res.text()
  }

  /** The voice application request; answers the CXML the caller gets. */
  async answer(call: Call): Promise<string> {
    return this.post('/webhooks/cloudonix/voice', {
      CallSid: call.sid,
      Session: call.session,
      From: call.from,
      To: call.to,
      Direction: 'inbound',
    })
  }

  /** The voice application request; answers the `action` URL of the CXML (`<Dial>`, `<Record>`). */
  async voice(call: Call): Promise<string> {
    const xml = await this.answer(call)
    const action = /action="([^"]+)"/.exec(xml)?.[1]?.replace(/&amp;/g, '&')
    expect(action, xml).toBeTruthy()
    return new URL(action!, new URL('/webhooks/cloudonix/voice', 'http://x')).href.replace('http://x', '')
  }

  async session(call: Call, status: string, times: Record<string, number> = {}) {
    await this.post('/webhooks/cloudonix/session', {
      token: call.session,
      status,
      direction: 'incoming',
      callerId: call.from,
      destination: call.to,
      ...times,
    })
  }

  async dial(action: string, call: Call, status: 'answered' | 'no-answer' | 'busy') {
    await this.post(action, {
      CallSid: call.sid,
      Session: call.session,
      From: call.from,
      To: call.to,
      DialCallStatus: status,
    })
  }

  /** The `<Record action>` callback once the caller has left a message. */
  async recording(action: string, call: Call, url: string, seconds: number) {
    await this.post(action, {
      CallSid: call.sid,
      Session: call.session,
      From: call.from,
      To: call.to,
      RecordingUrl: url,
      RecordingDuration: String(seconds),
    })
  }

  async cdr(call: Call, disposition: string, seconds: { duration: number; billsec: number }) {
    const now = Date.now()
    await this.post(
      this.cdrUrl,
      {
        timestamp: Math.floor(now / 1000),
        session: {
          token: call.session,
          callStartTime: now - seconds.duration * 1000,
          callAnswerTime: now - seconds.billsec * 1000,
          callEndTime: now,
        },
        from: call.from,
        to: call.to,
        disposition,
        duration: seconds.duration,
        billsec: seconds.billsec,
        domain: null,
      },
      false,
    )
  }

  /** A whole answered call, start to CDR. */
  async answeredCall(call: Call) {
    const action = await this.voice(call)
    await this.session(call, 'ringing')
    await this.dial(action, call, 'answered')
    await this.session(call, 'answer')
    await this.cdr(call, 'ANSWER', { duration: 42, billsec: 37 })
  }
}

/** The call-log id of `call`, found by its CallSid as the owner. */
export async function callLogId(api: APIRequestContext, call: Call): Promise<string> {
  const res = await api.get(`/api/v1/call-logs?call_sid=${encodeURIComponent(call.sid)}`, {
    headers: { Authorization: `Bearer ${accounts().tokens.owner.token}` },
  })
  const body = (await res.json()) as { data: { id: string }[] }
  expect(body.data).toHaveLength(1)
  return body.data[0]!.id
}
