import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

// Cloudonix's REST API as the browser tests need it: one domain that accepts one API key, with the
// voice applications, default application, profile and subscribers provisioning writes (the
// model of tests/src/fake_cloudonix.rs, reduced to the happy path). opbx-local talks to it through
// OPBX_CLOUDONIX_API_URL; tests read what it holds at GET /_fake/domains/{name}. Call recordings
// live at /_fake/recordings/{name}: a test PUTs one, hands its URL over as a RecordingUrl, and
// DELETEs it as Cloudonix forgets recordings after a while.

export const FAKE_DOMAIN = 'e2e.cloudonix.net'
export const FAKE_API_KEY = 'XIe2e0fake0cloudonix0api0key000001'

type Json = Record<string, unknown>

interface Domain {
  id: number
  name: string
  apiKey: string
  defaultApplication: number | null
  profile: Json
  applications: Json[]
  subscribers: Json[]
}

const domain: Domain = {
  id: 4711,
  name: FAKE_DOMAIN,
  apiKey: FAKE_API_KEY,
  defaultApplication: null,
  profile: {},
  applications: [],
  subscribers: [],
}
let nextId = 5000

const uuid = (d: Domain) => `00000000-0000-0000-0000-${String(d.id).padStart(12, '0')}`

function domainJson(d: Domain) {
  return {
    id: d.id,
    uuid: uuid(d),
    domain: d.name,
    active: true,
    defaultApplication: d.defaultApplication,
    // Cloudonix answers an empty profile as an array.
    profile: Object.keys(d.profile).length ? d.profile : [],
  }
}

/** `{id-or-name}` path segments match an id before a name, as Cloudonix's do. */
function find(items: Json[], key: string, field: string): number {
  const byId = items.findIndex((i) => String(i.id) === key)
  return byId >= 0 ? byId : items.findIndex((i) => i[field] === key)
}

function answer(method: string, parts: string[], body: Json): [number, unknown] {
  const d = domain
  switch (`${method} ${parts.join('/')}`) {
    case 'GET ':
      return [200, domainJson(d)]
    case 'PUT ':
      if (body.profile && typeof body.profile === 'object') d.profile = body.profile as Json
      return [200, domainJson(d)]
    case 'PATCH ':
      if (!d.applications.some((a) => a.id === body.defaultApplication))
        return [400, { message: 'no such application' }]
      d.defaultApplication = body.defaultApplication as number
      return [200, domainJson(d)]
    case 'POST applications': {
      if (d.applications.some((a) => a.name === body.name)) return [409, { message: 'name exists' }]
      const app = { ...body, id: nextId++ }
      d.applications.push(app)
      return [200, app]
    }
    case 'POST subscribers': {
      if (d.subscribers.some((s) => s.msisdn === body.msisdn)) return [409, { message: 'msisdn exists' }]
      const sub = { id: nextId++, msisdn: body.msisdn, active: body.active ?? true }
      d.subscribers.push(sub)
      return [200, sub]
    }
  }
  const [collection, key] = parts
  const items = collection === 'applications' ? d.applications : d.subscribers
  const i =
    key && (collection === 'applications' || collection === 'subscribers')
      ? find(items, key, collection === 'applications' ? 'name' : 'msisdn')
      : -1
  if (i < 0) return [404, { message: 'not found' }]
  if (method === 'GET') return [200, items[i]]
  if (method === 'PUT') {
    // A subscriber's msisdn is editable at creation only; passwords are not kept.
    const changes = Object.entries(body).filter(
      ([k]) => !['msisdn', 'sip-password', 'sipPassword'].includes(k),
    )
    items[i] = { ...items[i], ...Object.fromEntries(changes) }
    return [200, items[i]]
  }
  if (method === 'DELETE') {
    items.splice(i, 1)
    return [204, null]
  }
  return [404, { message: 'no such endpoint' }]
}

async function readJson(req: IncomingMessage): Promise<Json> {
  let text = ''
  for await (const chunk of req) text += chunk
  return text ? (JSON.parse(text) as Json) : {}
}

function send(res: ServerResponse, status: number, body: unknown) {
  if (status === 204) return res.writeHead(204).end()
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

const recordings = new Map<string, Buffer>()

async function recording(req: IncomingMessage, res: ServerResponse, name: string) {
  if (req.method === 'PUT') {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    recordings.set(name, Buffer.concat(chunks))
    return send(res, 204, null)
  }
  if (req.method === 'DELETE') {
    recordings.delete(name)
    return send(res, 204, null)
  }
  const audio = recordings.get(name)
  if (!audio) return send(res, 404, { message: 'no such recording' })
  res.writeHead(200, { 'content-type': 'audio/wav' }).end(audio)
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? '/', 'http://fake').pathname
  const stored = path.match(/^\/_fake\/recordings\/([^/]+)$/)
  if (stored) return recording(req, res, decodeURIComponent(stored[1]!))
  if (req.method === 'GET' && path === `/_fake/domains/${FAKE_DOMAIN}`) {
    return send(res, 200, {
      ...domainJson(domain),
      applications: domain.applications,
      subscribers: domain.subscribers,
    })
  }
  const rest = path.match(/^\/customers\/self\/domains\/([^/]+)\/?(.*)$/)
  if (!rest || ![domain.name, String(domain.id), uuid(domain)].includes(decodeURIComponent(rest[1]!)))
    return send(res, 404, { message: 'domain not found' })
  if (req.headers.authorization !== `Bearer ${domain.apiKey}`)
    return send(res, 401, { message: 'Unauthorized' })
  const [status, body] = answer(req.method ?? 'GET', rest[2] ? rest[2].split('/') : [], await readJson(req))
  send(res, status, body)
}

/** Serves the fake on 127.0.0.1:`port` until the returned server is closed. */
export async function startFakeCloudonix(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => send(res, 500, { message: String(e) }))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', resolve)
  })
  return server
}
