import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMetrics } from '../src/serve/metrics.js'
import { apiRoutes, createServer } from '../src/serve/server.js'
import type { DetectorInfo } from '../src/serve/dto.js'
import { openStore } from '../src/store/index.js'
import type { Store } from '../src/store/types.js'
import { defaultSetup, FLEET, recordFolder, tempDir } from './support/serve.js'

// The HTTP API in-process (fastify inject) over a real SQLite store holding a real scan of the
// example fleet, with labels on its clusters as a fleet file would give them.

const LABELS = {
  'prod-eu-1': { team: 'shop', env: 'prod' },
  'staging-us-2': { team: 'payments', env: 'staging' },
  'dev-idle-3': { team: 'platform', env: 'dev' },
}
const TOKEN = 'test-token-0123456789abcdef'

let tmp: ReturnType<typeof tempDir>
let store: Store
let app: FastifyInstance
let secured: FastifyInstance
let catalog: DetectorInfo[]

type Json = Record<string, unknown> & { items: Record<string, unknown>[] }
const get = async (url: string, a = app) => {
  const r = await a.inject({ method: 'GET', url })
  return { status: r.statusCode, body: r.json() as Json, headers: r.headers }
}
const send = async (method: 'POST' | 'DELETE', url: string, payload?: unknown) => {
  const r = await app.inject({
    method,
    url,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  })
  return { status: r.statusCode, body: r.body ? (r.json() as Json) : undefined }
}

/** Every finding, walking the pages with the cursor. */
async function all(query = '', limit = 7): Promise<Json['items']> {
  const out: Json['items'] = []
  let cursor: string | null = null
  for (let i = 0; i < 200; i++) {
    const r = await get(
      `/api/v1/findings?limit=${limit}${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    )
    expect(r.status).toBe(200)
    out.push(...r.body.items)
    cursor = r.body.nextCursor as string | null
    if (!cursor) return out
  }
  throw new Error('pagination does not end')
}

beforeAll(async () => {
  tmp = tempDir()
  store = await openStore({ file: join(tmp.dir, 'kubedac.db') })
  const s = await defaultSetup()
  catalog = s.catalog
  await recordFolder(store, FLEET, s.setup, LABELS)
  const metrics = createMetrics({
    store,
    detectors: catalog.map((d) => d.id),
    receivers: [],
    processMetrics: false,
  })
  app = createServer({ store, detectors: catalog, metrics })
  secured = createServer({ store, detectors: catalog, metrics, token: TOKEN })
  await app.ready()
  await secured.ready()
})

afterAll(async () => {
  await app?.close()
  await secured?.close()
  await store?.close()
  tmp?.remove()
})

describe('the findings API over a recorded scan of the example fleet', () => {
  it('answers the probes: /healthz when the process is up, /readyz when the store answers', async () => {
    expect(await get('/healthz')).toMatchObject({ status: 200, body: { status: 'ok' } })
    expect(await get('/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } })
  })

  it('lists the clusters with their labels and last scan, and filters them by a label selector', async () => {
    const r = await get('/api/v1/clusters')
    expect(r.status).toBe(200)
    expect(r.body.items.map((c) => [c.name, c.labels, c.lastStatus, c.scans])).toEqual([
      ['dev-idle-3', LABELS['dev-idle-3'], 'scanned', 1],
      ['prod-eu-1', LABELS['prod-eu-1'], 'scanned', 1],
      ['staging-us-2', LABELS['staging-us-2'], 'scanned', 1],
    ])
    const prod = await get('/api/v1/clusters?labels=env=prod')
    expect(prod.body.items.map((c) => c.name)).toEqual(['prod-eu-1'])
    const none = await get('/api/v1/clusters?labels=env=prod,team=payments')
    expect(none.body.items).toEqual([])
  })

  it('gives one cluster with open and silenced counts, and 404 for a cluster it does not know', async () => {
    const r = await get('/api/v1/clusters/prod-eu-1')
    const open = await all('&cluster=prod-eu-1&state=open', 100)
    expect(r.body).toMatchObject({ name: 'prod-eu-1', openFindings: open.length, silencedFindings: 0 })
    const missing = await get('/api/v1/clusters/nowhere')
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ error: 'not_found' })
  })

  it('lists scans newest first, per cluster, with a next page marker', async () => {
    const r = await get('/api/v1/scans?limit=2')
    expect(r.body.items).toHaveLength(2)
    expect(r.body.nextBefore).toBe(r.body.items[1]!.id)
    const rest = await get(`/api/v1/scans?limit=2&before=${r.body.nextBefore as number}`)
    expect(rest.body.items).toHaveLength(1)
    expect(rest.body.nextBefore).toBeNull()
    const one = await get('/api/v1/scans?cluster=staging-us-2')
    expect(one.body.items.map((s) => [s.cluster, s.status])).toEqual([['staging-us-2', 'scanned']])
  })

  it('walks every finding once through the cursor pages, and the total says how many there are', async () => {
    const first = await get('/api/v1/findings?limit=5')
    const every = await all()
    expect(every.length).toBe(first.body.total)
    expect(new Set(every.map((f) => f.fingerprint)).size).toBe(every.length)
    expect(every.length).toBeGreaterThan(50)
  })

  it('filters by cluster, cluster labels, detector, severity, state and namespace exactly as the data says', async () => {
    const every = await all('', 100)
    const check = async (query: string, pred: (f: Record<string, unknown>) => boolean) => {
      const got = (await all(query, 100)).map((f) => f.fingerprint).sort()
      const want = every
        .filter(pred)
        .map((f) => f.fingerprint)
        .sort()
      expect(got, query).toEqual(want)
      expect(want.length, `${query} selects something`).toBeGreaterThan(0)
    }
    const obj = (f: Record<string, unknown>) => f.object as { namespace?: string }
    await check('&cluster=staging-us-2', (f) => f.cluster === 'staging-us-2')
    await check('&cluster=staging-us-2&cluster=dev-idle-3', (f) => f.cluster !== 'prod-eu-1')
    await check('&labels=team=shop', (f) => f.cluster === 'prod-eu-1')
    await check(
      '&labels=team=payments,env=staging&severity=warning',
      (f) => f.cluster === 'staging-us-2' && f.severity === 'warning',
    )
    await check(
      '&detector=deployment-replicas-unavailable',
      (f) => f.detector === 'deployment-replicas-unavailable',
    )
    await check('&severity=critical&severity=warning', (f) => f.severity !== 'info')
    await check('&state=open', (f) => f.state === 'open')
    await check('&namespace=shop', (f) => obj(f).namespace === 'shop')
    await check('&silenced=false', (f) => f.silenced === false)
    expect(await all('&state=resolved')).toEqual([])
  })

  it('sorts by severity both ways, and by cluster', async () => {
    const rank = { critical: 2, warning: 1, info: 0 } as Record<string, number>
    const desc = (await all('&sort=-severity', 100)).map((f) => rank[f.severity as string]!)
    expect(desc).toEqual([...desc].sort((a, b) => b - a))
    const asc = (await all('&sort=severity', 100)).map((f) => rank[f.severity as string]!)
    expect(asc).toEqual([...asc].sort((a, b) => a - b))
    const clusters = (await all('&sort=cluster', 100)).map((f) => f.cluster as string)
    expect(clusters).toEqual([...clusters].sort())
  })

  it('gives a finding by fingerprint with its history fields, and 404 for an unknown one', async () => {
    const [f] = (await get('/api/v1/findings?detector=node-not-ready')).body.items
    const r = await get(`/api/v1/findings/${f!.fingerprint as string}`)
    expect(r.body).toMatchObject({
      detector: 'node-not-ready',
      cluster: 'prod-eu-1',
      state: 'open',
      occurrences: 1,
      isNew: true,
      cause: 'Node//prod-eu-1-node-3',
    })
    expect((await get('/api/v1/findings/0123456789abcdef')).status).toBe(404)
  })

  it('acknowledges a finding (who, why) and removes the acknowledgement', async () => {
    const [f] = (await get('/api/v1/findings?detector=container-crashloop')).body.items
    const fp = f!.fingerprint as string
    const ack = await send('POST', `/api/v1/findings/${fp}/ack`, { by: 'alice', comment: 'rolling back' })
    expect(ack.status).toBe(200)
    expect(ack.body).toMatchObject({ acknowledgement: { by: 'alice', comment: 'rolling back' } })
    expect((await all('&acknowledged=true')).map((x) => x.fingerprint)).toEqual([fp])
    const un = await send('DELETE', `/api/v1/findings/${fp}/ack`)
    expect(un.body).toMatchObject({ acknowledgement: null })
    expect(await all('&acknowledged=true')).toEqual([])
    expect((await send('POST', '/api/v1/findings/ffffffffffffffff/ack', { by: 'alice' })).status).toBe(404)
  })

  it('snoozes a finding until a future time, refuses a past one, and ends the snooze with null', async () => {
    const [f] = (await get('/api/v1/findings?detector=image-pull-failure')).body.items
    const fp = f!.fingerprint as string
    const until = new Date(Date.now() + 3_600_000).toISOString()
    const s = await send('POST', `/api/v1/findings/${fp}/snooze`, { until })
    expect(s.body).toMatchObject({ snoozed: true, snoozedUntil: until })
    expect((await all('&snoozed=true')).map((x) => x.fingerprint)).toEqual([fp])
    const past = await send('POST', `/api/v1/findings/${fp}/snooze`, { until: '2001-01-01T00:00:00Z' })
    expect(past).toMatchObject({ status: 400, body: { error: 'validation', field: 'until' } })
    const end = await send('POST', `/api/v1/findings/${fp}/snooze`, { until: null })
    expect(end.body).toMatchObject({ snoozed: false, snoozedUntil: null })
  })

  it('groups findings into incidents by cause: the NotReady node holds its two symptoms', async () => {
    const r = await get('/api/v1/incidents?state=open&limit=1000')
    const node = r.body.items.find((i) => i.cause === 'Node//prod-eu-1-node-3')
    expect(node).toMatchObject({ kind: 'cluster', cluster: 'prod-eu-1', severity: 'critical', members: 2 })
    const d = await get(`/api/v1/incidents/${node!.id as string}`)
    expect((d.body.findings as Record<string, unknown>[]).map((f) => f.detector).sort()).toEqual([
      'node-not-ready',
      'node-unreachable',
    ])
    expect(d.body.clusterNames).toEqual(['prod-eu-1'])
    expect((await get('/api/v1/incidents/nope')).status).toBe(404)
    const page = await get('/api/v1/incidents?limit=3')
    expect(page.body.items).toHaveLength(3)
    const next = await get(`/api/v1/incidents?limit=3&cursor=${page.body.nextCursor as string}`)
    expect(next.body.items[0]!.id).not.toBe(page.body.items[0]!.id)
  })

  it('creates a silence that silences its findings at once, counts them apart, and deletes it', async () => {
    const before = await all('&state=open&silenced=false', 100)
    const created = await send('POST', '/api/v1/silences', {
      matchers: { cluster: 'staging-us-2', namespace: 'payments' },
      owner: 'payments-team',
      reason: 'quota raise pending',
      ticket: 'OPS-42',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ origin: 'api', active: true, createdBy: 'api', ticket: 'OPS-42' })
    const silenced = await all('&silenced=true', 100)
    expect(silenced.map((f) => (f.object as { namespace: string }).namespace)).toEqual(
      silenced.map(() => 'payments'),
    )
    expect(silenced.length).toBeGreaterThanOrEqual(2)
    expect((await all('&state=open&silenced=false', 100)).length).toBe(before.length - silenced.length)
    const cluster = await get('/api/v1/clusters/staging-us-2')
    expect(cluster.body.silencedFindings).toBe(silenced.length)
    const metrics = (await app.inject({ method: 'GET', url: '/metrics' })).body
    const counted = [...metrics.matchAll(/^kubedac_findings_silenced\{severity="\w+"\} (\d+)$/gm)].reduce(
      (n, m) => n + Number(m[1]),
      0,
    )
    expect(counted).toBe(silenced.length)
    const list = await get('/api/v1/silences?active=true')
    expect(list.body.items.map((s) => s.id)).toContain(created.body!.id)
    const soon = await get('/api/v1/silences?expiringWithin=2h')
    expect(soon.body.items.map((s) => s.id)).toContain(created.body!.id)
    expect((await get('/api/v1/silences?expiringWithin=30m')).body.items).toEqual([])
    expect((await send('DELETE', `/api/v1/silences/${created.body!.id as string}`)).status).toBe(204)
    expect(await all('&silenced=true')).toEqual([])
    expect((await send('DELETE', `/api/v1/silences/${created.body!.id as string}`)).status).toBe(404)
  })

  it('refuses silences that could not work: unknown detector, past expiry, no matcher', async () => {
    const base = { owner: 'me', reason: 'why', expiresAt: new Date(Date.now() + 60_000).toISOString() }
    expect(
      await send('POST', '/api/v1/silences', { ...base, matchers: { detector: 'no-such-detector' } }),
    ).toMatchObject({
      status: 400,
      body: { field: 'matchers.detector' },
    })
    expect(
      await send('POST', '/api/v1/silences', {
        ...base,
        matchers: { cluster: 'x' },
        expiresAt: '2001-01-01T00:00:00Z',
      }),
    ).toMatchObject({ status: 400, body: { field: 'expiresAt' } })
    expect((await send('POST', '/api/v1/silences', { ...base, matchers: {} })).status).toBe(400)
    const { expiresAt: _, ...noExpiry } = base
    expect(await send('POST', '/api/v1/silences', { ...noExpiry, matchers: { cluster: 'x' } })).toMatchObject(
      {
        status: 400,
        body: { field: 'expiresAt' },
      },
    )
  })

  it('takes silences as silences.yaml does: globs and ~regex match, and a silence must end within 90 days', async () => {
    const expiresAt = new Date(Date.now() + 3_600_000).toISOString()
    const glob = await send('POST', '/api/v1/silences', {
      matchers: { cluster: 'staging-*', namespace: '~pay.*' },
      owner: 'o',
      reason: 'r',
      expiresAt,
    })
    expect(glob.status).toBe(201)
    const silenced = await all('&silenced=true', 100)
    expect(silenced.length).toBeGreaterThanOrEqual(2)
    for (const f of silenced)
      expect([f.cluster, (f.object as { namespace: string }).namespace]).toEqual(['staging-us-2', 'payments'])
    expect((await send('DELETE', `/api/v1/silences/${glob.body!.id as string}`)).status).toBe(204)
    const far = await send('POST', '/api/v1/silences', {
      matchers: { cluster: 'x' },
      owner: 'o',
      reason: 'r',
      expiresAt: new Date(Date.now() + 200 * 86_400_000).toISOString(),
    })
    expect(far).toMatchObject({ status: 400, body: { field: 'expiresAt' } })
    const badRe = await send('POST', '/api/v1/silences', {
      matchers: { cluster: '~(' },
      owner: 'o',
      reason: 'r',
      expiresAt,
    })
    expect(badRe).toMatchObject({ status: 400, body: { field: 'matchers.cluster' } })
  })

  it('does not delete a silence of silences.yaml through the API (409: the file is the source of truth)', async () => {
    await store.replaceFileSilences(
      [
        {
          id: 'from-file',
          matchers: { detector: 'job-failed' },
          owner: 'o',
          reason: 'r',
          createdBy: 'file',
          expiresAt: new Date(Date.now() + 60_000),
        },
      ],
      new Date(),
    )
    const r = await send('DELETE', '/api/v1/silences/from-file')
    expect(r).toMatchObject({ status: 409, body: { error: 'conflict' } })
    await store.replaceFileSilences([], new Date())
  })

  it('lists the detector catalogue with its metadata', async () => {
    const r = await get('/api/v1/detectors')
    expect(r.body.items.length).toBe(catalog.length)
    expect(r.body.items.length).toBeGreaterThan(100)
    expect(r.body.items.find((d) => d.id === 'node-not-ready')).toMatchObject({
      title: expect.any(String),
      severity: 'critical',
      category: 'node',
      runbook: 'docs/detectors/node-not-ready.md',
      enabled: true,
      requires: ['v1/Node'],
    })
  })

  it('publishes an OpenAPI 3.1 document with every route, whose schemas are valid JSON Schema', async () => {
    const r = await app.inject({ method: 'GET', url: '/openapi.json' })
    const doc = JSON.parse(r.body) as {
      openapi: string
      paths: Record<
        string,
        Record<
          string,
          {
            parameters: { name: string; in: string; schema: object }[]
            requestBody?: { content: Record<string, { schema: object }> }
            responses: Record<string, { content?: Record<string, { schema: object }> }>
          }
        >
      >
      components: { schemas: Record<string, object> }
    }
    expect(doc.openapi).toBe('3.1.0')
    const routes = apiRoutes({
      store,
      detectors: catalog,
      metrics: createMetrics({ store, detectors: [], receivers: [], processMetrics: false }),
    })
    const listed = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    )
    expect(listed.sort()).toEqual(routes.map((x) => `${x.method} ${x.url.replace(/:(\w+)/g, '{$1}')}`).sort())
    for (const x of routes) expect(app.hasRoute({ method: x.method, url: x.url }), x.url).toBe(true)
    const ajv = new Ajv2020({ strict: false })
    addFormats.default(ajv)
    // The document's component references, resolved to the component itself.
    ajv.addSchema({ ...doc.components.schemas.Error, $id: 'urn:kubedac:error' })
    const resolve = (s: object) =>
      JSON.parse(
        JSON.stringify(s).replaceAll('"#/components/schemas/Error"', '"urn:kubedac:error"'),
      ) as object
    const schemas: object[] = []
    for (const ops of Object.values(doc.paths))
      for (const op of Object.values(ops)) {
        for (const p of op.parameters) schemas.push(p.schema)
        for (const c of Object.values(op.requestBody?.content ?? {})) schemas.push(c.schema)
        for (const res of Object.values(op.responses))
          for (const c of Object.values(res.content ?? {})) schemas.push(c.schema)
      }
    expect(schemas.length).toBeGreaterThan(40)
    for (const s of schemas) expect(() => ajv.compile(resolve(s))).not.toThrow()
    const findings = doc.paths['/api/v1/findings']!.get!
    expect(findings.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining([
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
      ]),
    )
    // What the API answers fits what the document promises.
    const page = ajv.compile(resolve(findings.responses['200']!.content!['application/json']!.schema))
    expect(page((await get('/api/v1/findings?limit=50')).body), JSON.stringify(page.errors)).toBe(true)
  })

  it('exposes Prometheus metrics with bounded labels: never a cluster, namespace or object name', async () => {
    const r = await app.inject({ method: 'GET', url: '/metrics' })
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toMatch(/^text\/plain/)
    expect(r.body).toMatch(/^kubedac_findings_open\{severity="critical",detector="node-not-ready"\} 1$/m)
    expect(r.body).toMatch(/^kubedac_clusters\{status="scanned"\} 3$/m)
    expect(r.body).toMatch(/^kubedac_store_up 1$/m)
    for (const name of ['prod-eu-1', 'staging-us-2', 'dev-idle-3', 'checkout', 'payments', 'shop'])
      expect(r.body).not.toContain(name)
  })

  it('requires the bearer token on every route but the probes when one is configured', async () => {
    expect((await get('/healthz', secured)).status).toBe(200)
    expect((await get('/readyz', secured)).status).toBe(200)
    for (const url of [
      '/api/v1/clusters',
      '/api/v1/findings',
      '/metrics',
      '/openapi.json',
      '/api/v1/nowhere',
    ]) {
      const r = await secured.inject({ method: 'GET', url })
      expect(r.statusCode, url).toBe(401)
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/)
      expect(r.json()).toMatchObject({ error: 'unauthorized' })
    }
    const wrong = await secured.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: { authorization: `Bearer ${TOKEN}x` },
    })
    expect(wrong.statusCode).toBe(401)
    const basic = await secured.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: { authorization: `Basic ${TOKEN}` },
    })
    expect(basic.statusCode).toBe(401)
    const ok = await secured.inject({
      method: 'GET',
      url: '/api/v1/clusters',
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    expect(ok.statusCode).toBe(200)
    // An unauthenticated body is refused before it is read.
    const post = await secured.inject({ method: 'POST', url: '/api/v1/silences', payload: { x: 1 } })
    expect(post.statusCode).toBe(401)
  })
})
