import { join } from 'node:path'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMetrics } from '../src/serve/metrics.js'
import { createServer } from '../src/serve/server.js'
import { openStore } from '../src/store/index.js'
import type { Store } from '../src/store/types.js'
import { defaultSetup, FLEET, recordFolder, tempDir } from './support/serve.js'

// Malformed and hostile requests get clear 4xx answers ({error, message, field}), never a 5xx,
// never a change they did not ask for. In-process (inject) except where the socket matters.

let tmp: ReturnType<typeof tempDir>
let store: Store
let app: FastifyInstance
let total = 0

type Answer = { status: number; body: Record<string, unknown> }
const req = async (
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  payload?: string | object,
  headers: Record<string, string> = {},
): Promise<Answer> => {
  const r = await app.inject({
    method,
    url,
    ...(payload !== undefined ? { payload } : {}),
    headers: { ...(typeof payload === 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
  })
  let body: Record<string, unknown>
  try {
    body = r.json()
  } catch {
    body = { raw: r.body }
  }
  return { status: r.statusCode, body }
}
const clearError = (a: Answer) => {
  expect(typeof a.body.error).toBe('string')
  expect(typeof a.body.message).toBe('string')
  expect((a.body.message as string).length).toBeGreaterThan(5)
}

beforeAll(async () => {
  tmp = tempDir()
  store = await openStore({ file: join(tmp.dir, 'kubedac.db') })
  const s = await defaultSetup()
  await recordFolder(store, FLEET, s.setup)
  const metrics = createMetrics({
    store,
    detectors: s.catalog.map((d) => d.id),
    receivers: [],
    processMetrics: false,
  })
  app = createServer({ store, detectors: s.catalog, metrics })
  await app.ready()
  total = (await store.listFindings({}, undefined, { limit: 1 })).total
})

afterAll(async () => {
  await app?.close()
  await store?.close()
  tmp?.remove()
})

const silence = {
  matchers: { detector: 'job-failed' },
  owner: 'me',
  reason: 'testing',
  expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
}

describe('hostile and malformed requests', () => {
  it('bad JSON is 400 bad_json', async () => {
    for (const body of ['{bad', '{"matchers": {', '[1,2', 'null x', '"unterminated']) {
      const a = await req('POST', '/api/v1/silences', body)
      expect(a.status, body).toBe(400)
      expect(a.body.error).toBe('bad_json')
      clearError(a)
    }
  })

  it('an empty JSON body is 400, and a body that is not JSON is 415', async () => {
    const empty = await req('POST', '/api/v1/silences', '')
    expect(empty.status).toBe(400)
    clearError(empty)
    const text = await req('POST', '/api/v1/silences', 'owner=me', { 'content-type': 'text/plain' })
    expect(text).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } })
    const form = await req('POST', '/api/v1/silences', 'a=1', {
      'content-type': 'application/x-www-form-urlencoded',
    })
    expect(form.status).toBe(415)
  })

  it('a body over the 1 MiB limit is 413, over a real socket too, and nothing is created', async () => {
    const huge = JSON.stringify({ ...silence, reason: 'x'.repeat(2 * 1024 * 1024) })
    const a = await req('POST', '/api/v1/silences', huge)
    expect(a).toMatchObject({ status: 413, body: { error: 'payload_too_large' } })
    await app.listen({ host: '127.0.0.1', port: 0 })
    try {
      const { port } = app.server.address() as { port: number }
      const r = await fetch(`http://127.0.0.1:${port}/api/v1/silences`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: huge,
      })
      expect(r.status).toBe(413)
      expect(await r.json()).toMatchObject({ error: 'payload_too_large' })
    } finally {
      await app.close()
      app = createServer({
        store,
        detectors: (await defaultSetup()).catalog,
        metrics: createMetrics({ store, detectors: [], receivers: [], processMetrics: false }),
      })
      await app.ready()
    }
    expect(await store.listSilences()).toEqual([])
  })

  it('unknown fields are 400 naming the field, in the body, nested, and in the query', async () => {
    const top = await req('POST', '/api/v1/silences', { ...silence, admin: true })
    expect(top).toMatchObject({ status: 400, body: { error: 'validation', field: 'admin' } })
    expect(top.body.message).toContain('admin')
    const nested = await req('POST', '/api/v1/silences', {
      ...silence,
      matchers: { detector: 'job-failed', pod: 'x' },
    })
    expect(nested).toMatchObject({ status: 400, body: { field: 'matchers.pod' } })
    const ack = await req('POST', `/api/v1/findings/abc/ack`, { by: 'me', role: 'admin' })
    expect(ack).toMatchObject({ status: 400, body: { field: 'role' } })
    const q = await req('GET', '/api/v1/findings?clusterName=x')
    expect(q).toMatchObject({ status: 400, body: { field: 'clusterName' } })
    const missing = await req('POST', '/api/v1/findings/abc/ack', {})
    expect(missing).toMatchObject({ status: 400, body: { field: 'by' } })
    expect(await store.listSilences()).toEqual([])
  })

  it('SQL-looking strings in filters are literal values: no error, no match, no harm', async () => {
    const hostile = [
      "' OR 1=1 --",
      "x'); DROP TABLE findings; --",
      '"; DELETE FROM scans; --',
      "prod-eu-1' OR cluster LIKE '%",
      '%',
      '_',
      "\\'; SELECT pg_sleep(5); --",
    ]
    for (const h of hostile) {
      const e = encodeURIComponent(h)
      for (const url of [
        `/api/v1/findings?cluster=${e}`,
        `/api/v1/findings?detector=${e}`,
        `/api/v1/findings?namespace=${e}`,
        `/api/v1/findings?incident=${e}`,
        `/api/v1/findings?labels=team=${e.replaceAll('%2C', '').replaceAll('%3D', '')}`,
        `/api/v1/scans?cluster=${e}`,
        `/api/v1/incidents?cluster=${e}`,
      ]) {
        const a = await req('GET', url)
        expect(a.status, url).toBe(200)
        expect(a.body.items, url).toEqual([])
      }
      for (const url of [`/api/v1/clusters/${e}`, `/api/v1/incidents/${e}`, `/api/v1/silences/${e}`]) {
        const a = await req('GET', url)
        expect(a.status, url).toBe(404)
        clearError(a)
      }
      // A fingerprint is a short token: anything else is refused before it reaches the store.
      expect((await req('GET', `/api/v1/findings/${e}`)).status).toBe(/^[\w-]+$/.test(h) ? 404 : 400)
    }
    expect((await store.listFindings({}, undefined, { limit: 1 })).total).toBe(total)
    expect((await store.listScans()).length).toBe(3)
  })

  it('bad enum values are 400 naming the field and the allowed values', async () => {
    const cases: [string, string][] = [
      ['/api/v1/findings?state=closed', 'state'],
      ['/api/v1/findings?severity=urgent', 'severity.0'],
      ['/api/v1/findings?sort=password', 'sort'],
      ['/api/v1/findings?silenced=maybe', 'silenced'],
      ['/api/v1/incidents?kind=global', 'kind'],
      ['/api/v1/silences?origin=db', 'origin'],
    ]
    for (const [url, field] of cases) {
      const a = await req('GET', url)
      expect(a, url).toMatchObject({ status: 400, body: { error: 'validation', field } })
      clearError(a)
    }
    expect((await req('GET', '/api/v1/findings?state=closed')).body.message).toContain('open, resolved')
  })

  it('negative, zero, huge and non-numeric limits are 400; so is a forged cursor', async () => {
    for (const v of ['-1', '0', '1001', 'abc', '1e4', '2.5', '99999999999999999999', '']) {
      const a = await req('GET', `/api/v1/findings?limit=${v}`)
      expect(a, v).toMatchObject({ status: 400, body: { field: 'limit' } })
    }
    expect((await req('GET', '/api/v1/scans?limit=-5')).status).toBe(400)
    expect((await req('GET', '/api/v1/scans?before=-1')).status).toBe(400)
    expect((await req('GET', '/api/v1/incidents?cursor=-1')).status).toBe(400)
    const forged = await req('GET', `/api/v1/findings?cursor=${Buffer.from('{"x":1}').toString('base64url')}`)
    expect(forged.status).toBe(400)
    clearError(forged)
    const junk = await req('GET', '/api/v1/findings?cursor=%00%01%02')
    expect(junk.status).toBe(400)
  })

  it('over-long values, prototype pollution and wrong types are refused', async () => {
    expect((await req('GET', `/api/v1/findings?cluster=${'a'.repeat(300)}`)).status).toBe(400)
    const proto = await req('POST', '/api/v1/silences', '{"__proto__": {"admin": true}, "owner": "x"}')
    expect(proto.status).toBe(400)
    expect(({} as Record<string, unknown>).admin).toBeUndefined()
    const types = await req('POST', '/api/v1/silences', { ...silence, owner: 42 })
    expect(types).toMatchObject({ status: 400, body: { field: 'owner' } })
    const bool = await req('POST', '/api/v1/silences', { ...silence, matchers: { detector: true } })
    expect(bool).toMatchObject({ status: 400, body: { field: 'matchers.detector' } })
    const list = await req('POST', '/api/v1/silences', { ...silence, matchers: { cluster: ['a', 7] } })
    expect(list).toMatchObject({ status: 400, body: { field: 'matchers.cluster' } })
    const snooze = await req('POST', '/api/v1/findings/abc/snooze', { until: 1_900_000_000_000 })
    expect(snooze).toMatchObject({ status: 400, body: { field: 'until' } })
    const notDate = await req('POST', '/api/v1/silences', { ...silence, expiresAt: 'tomorrow' })
    expect(notDate).toMatchObject({ status: 400, body: { field: 'expiresAt' } })
    const arr = await req('POST', '/api/v1/silences', [silence])
    expect(arr.status).toBe(400)
  })

  it('unknown routes and methods are 404 with the error body', async () => {
    const a = await req('GET', '/api/v1/secrets')
    expect(a).toMatchObject({ status: 404, body: { error: 'not_found' } })
    const b = await req('DELETE', '/api/v1/findings')
    expect(b.status).toBe(404)
  })

  it('never answers 5xx to random query strings on the findings route (property)', async () => {
    const keys = [
      'cluster',
      'labels',
      'detector',
      'severity',
      'state',
      'namespace',
      'silenced',
      'sort',
      'limit',
      'cursor',
      'x',
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.constantFrom(...keys), fc.string({ maxLength: 40 })), { maxLength: 6 }),
        async (pairs) => {
          const qs = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
          const a = await req('GET', `/api/v1/findings?${qs}`)
          expect(a.status, qs).toBeLessThan(500)
          if (a.status >= 400) clearError(a)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never answers 5xx to random JSON bodies on the silence route (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        const a = await req('POST', '/api/v1/silences', JSON.stringify(body))
        expect(a.status, JSON.stringify(body)).toBeLessThan(500)
        expect(a.status).not.toBe(201)
        clearError(a)
      }),
      { numRuns: 300 },
    )
    expect(await store.listSilences()).toEqual([])
  })
})
