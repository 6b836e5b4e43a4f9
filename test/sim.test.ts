import { spawn } from 'node:child_process'
import https from 'node:https'
import type { IncomingHttpHeaders } from 'node:http'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimulator, type Simulator } from '../src/sim/server.js'
import { apiGet, startCluster, type TestCluster } from './cluster/cluster.js'
import { CLI } from './e2e/helpers.js'

// The fleet simulator (src/sim) checked against the real clients and the real API server: kubectl
// pages through it, and for the same objects a real kube-apiserver v1.32 (test/cluster) and the
// simulator answer LISTs of the same shape.

let sim: Simulator
let dir = ''

function run(
  cmd: string,
  args: string[],
  input?: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }))
    child.stdin.on('error', () => {}) // EPIPE when the command exits without reading: its code tells
    child.stdin.end(input ?? '')
  })
}

/** GET on the simulator (TLS, trusting its certificate); the body parsed when it is JSON. */
function rawGet(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: IncomingHttpHeaders; body: unknown; text: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${sim.url}${path}`, { ca: sim.caData, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8').on('data', (d: string) => (text += d))
      res.on('end', () => {
        let body: unknown
        try {
          body = JSON.parse(text)
        } catch {
          body = undefined
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/** GET on a simulated cluster with its token. */
function simGet(cluster: string, path: string, headers: Record<string, string> = {}) {
  return rawGet(`/clusters/${cluster}${path}`, {
    authorization: `Bearer ${sim.tokenOf(cluster)}`,
    ...headers,
  })
}

interface List {
  kind: string
  apiVersion: string
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number }
  items: Record<string, unknown>[]
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kubedac-sim-test-'))
  sim = await startSimulator({
    clusters: 3,
    nodes: 3,
    pods: 40,
    problems: 0.3,
    tls: true,
    overrides: {
      // Every node of the first cluster flaps: NodeNotReady and NodeReady events (Normal).
      'sim-00001': { flapping: 1 },
      'sim-00002': { forbidden: ['apps/deployments'] },
      'sim-00003': { down: 'unauthorized' },
    },
    log: true,
  })
  await sim.writeKubeconfig(join(dir, 'kubeconfig'))
})

afterAll(async () => {
  await sim?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('fleet simulator, seen by kubectl', () => {
  it('serves `kubectl get pods -A --chunk-size=7 -o json` in pages of 7, every pod once', async () => {
    sim.reset()
    const r = await run('kubectl', [
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--context',
      'sim-00001',
      'get',
      'pods',
      '-A',
      '--chunk-size=7',
      '-o',
      'json',
    ])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const lists = sim.log().filter((e) => e.url.startsWith('/api/v1/pods'))
    const pods = JSON.parse(r.stdout) as List
    const direct = (await simGet('sim-00001', '/api/v1/pods')).body as List
    expect(direct.items).toHaveLength(40)
    expect(pods.items.map((p) => (p.metadata as { name: string }).name)).toEqual(
      direct.items.map((p) => (p.metadata as { name: string }).name),
    )
    expect(lists).toHaveLength(Math.ceil(40 / 7))
    expect(lists.every((e) => e.url.includes('limit=7') && e.status === 200)).toBe(true)
    expect(lists.slice(1).every((e) => e.url.includes('continue='))).toBe(true)
  })

  it('answers kubectl with the Status of a forbidden resource and of a rejected token', async () => {
    const forbidden = await run('kubectl', [
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--context',
      'sim-00002',
      'get',
      'deployments',
      '-A',
    ])
    expect(forbidden.code).not.toBe(0)
    expect(forbidden.stderr).toContain(
      'deployments.apps is forbidden: User "sim-viewer" cannot list resource "deployments" in API group "apps" at the cluster scope',
    )
    const unauthorized = await run('kubectl', [
      '--kubeconfig',
      join(dir, 'kubeconfig'),
      '--context',
      'sim-00003',
      'get',
      'pods',
    ])
    expect(unauthorized.code).not.toBe(0)
    expect(unauthorized.stderr).toContain('You must be logged in to the server')
  })
})

describe('fleet simulator, API semantics', () => {
  it('pages with limit and continue as kube-apiserver does: remainingItemCount, opaque tokens, the same items', async () => {
    const all = ((await simGet('sim-00001', '/api/v1/pods')).body as List).items
    const seen: unknown[] = []
    let cont = ''
    let pages = 0
    do {
      const page = (await simGet('sim-00001', `/api/v1/pods?limit=15${cont ? `&continue=${cont}` : ''}`))
        .body as List
      pages++
      seen.push(...page.items)
      if (page.metadata.continue) expect(page.metadata.remainingItemCount).toBe(all.length - seen.length)
      else expect(page.metadata.remainingItemCount).toBeUndefined()
      cont = encodeURIComponent(page.metadata.continue ?? '')
    } while (cont)
    expect(pages).toBe(3)
    expect(seen).toEqual(all)
    // The token is what kube-apiserver encodes: base64url JSON with the version, rv and start key.
    const first = (await simGet('sim-00001', '/api/v1/pods?limit=1')).body as List
    const token = JSON.parse(Buffer.from(first.metadata.continue!, 'base64url').toString()) as Record<
      string,
      unknown
    >
    expect(Object.keys(token).sort()).toEqual(['rv', 'start', 'v'])
    expect(token.v).toBe('meta.k8s.io/v1')
    expect(String(token.start).startsWith('kube-system/coredns-')).toBe(true)
    expect(String(token.start).endsWith('\u0000')).toBe(true)
  })

  it('answers resourceVersion=0 whole from its "watch cache", ignoring limit, as v1.32 does', async () => {
    const page = (await simGet('sim-00001', '/api/v1/pods?limit=5&resourceVersion=0')).body as List
    expect(page.items).toHaveLength(40)
    expect(page.metadata.continue).toBeUndefined()
  })

  it('filters Warning events by field selector, without remainingItemCount', async () => {
    const all = ((await simGet('sim-00001', '/api/v1/events')).body as List).items
    const warn = ((await simGet('sim-00001', '/api/v1/events?fieldSelector=type%3DWarning')).body as List)
      .items
    expect(warn.length).toBeGreaterThan(0)
    expect(warn).toEqual(all.filter((e) => e.type === 'Warning'))
    const page = (await simGet('sim-00001', '/api/v1/events?fieldSelector=type%3DWarning&limit=1'))
      .body as List
    expect(page.items).toHaveLength(1)
    if (warn.length > 1) {
      expect(page.metadata.continue).toBeTruthy()
      expect(page.metadata.remainingItemCount).toBeUndefined()
    }
  })

  it('filters events by the fields kube-apiserver selects them by, under both event APIs', async () => {
    const all = ((await simGet('sim-00001', '/api/v1/events')).body as List).items
    const sel = async (path: string, selector: string) =>
      (await simGet('sim-00001', `${path}?fieldSelector=${encodeURIComponent(selector)}`)).body as List
    const names = (items: Record<string, unknown>[]) =>
      items.map((e) => (e.metadata as { name: string }).name)
    const kind = (e: Record<string, unknown>) => ((e.involvedObject ?? e.regarding) as { kind: string }).kind
    const nodeNormal = all.filter((e) => kind(e) === 'Node' && e.type === 'Normal')
    // Three nodes, each with the node controller's and the kubelet's NodeNotReady and a NodeReady.
    expect(nodeNormal.map((e) => e.reason)).toEqual(
      Array.from({ length: 3 }, () => ['NodeNotReady', 'NodeNotReady', 'NodeReady']).flat(),
    )
    expect((await sel('/api/v1/events', 'involvedObject.kind=Node,type=Normal')).items).toEqual(nodeNormal)
    expect(names((await sel('/api/v1/events', 'reason==NodeReady')).items)).toEqual(
      names(all.filter((e) => e.reason === 'NodeReady')),
    )
    expect(names((await sel('/api/v1/events', 'involvedObject.kind!=Node')).items)).toEqual(
      names(all.filter((e) => kind(e) !== 'Node')),
    )
    // events.k8s.io/v1 names the object `regarding`; the same events either way.
    const modern = await sel('/apis/events.k8s.io/v1/events', 'regarding.kind=Node,type=Normal')
    expect(names(modern.items)).toEqual(names(nodeNormal))
    expect(modern.items.every((e) => kind(e) === 'Node' && e.note)).toBe(true)
    // A field the API does not select by: 400, as kube-apiserver words it.
    for (const [path, field] of [
      ['/api/v1/events', 'regarding.kind'],
      ['/apis/events.k8s.io/v1/events', 'involvedObject.kind'],
    ] as const) {
      const bad = await simGet('sim-00001', `${path}?fieldSelector=${encodeURIComponent(`${field}=Node`)}`)
      expect(bad.status).toBe(400)
      expect(bad.body).toMatchObject({ reason: 'BadRequest', message: `field label not supported: ${field}` })
    }
    const pods = await simGet('sim-00001', '/api/v1/pods?fieldSelector=type%3DWarning')
    expect(pods.status).toBe(400)
    expect((pods.body as { message: string }).message).toBe(
      '"type" is not a known field selector: only "metadata.name", "metadata.namespace"',
    )
  })

  it('serves PartialObjectMetadataList on request', async () => {
    const r = await simGet('sim-00001', '/apis/apps/v1/deployments?limit=2', {
      accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
    })
    const list = r.body as List
    expect(list.kind).toBe('PartialObjectMetadataList')
    expect(list.apiVersion).toBe('meta.k8s.io/v1')
    expect(list.items).toHaveLength(2)
    for (const i of list.items) {
      expect(Object.keys(i)).toEqual(['kind', 'apiVersion', 'metadata'])
      expect(i.kind).toBe('PartialObjectMetadata')
    }
  })

  it('answers discovery in the aggregated form when asked, the legacy one otherwise', async () => {
    const agg = await simGet('sim-00001', '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    })
    expect(agg.headers['content-type']).toBe(
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    )
    expect((agg.body as { kind: string }).kind).toBe('APIGroupDiscoveryList')
    const legacy = await simGet('sim-00001', '/apis', { accept: 'application/json' })
    expect((legacy.body as { kind: string }).kind).toBe('APIGroupList')
    const apps = (await simGet('sim-00001', '/apis/apps/v1')).body as { resources: { name: string }[] }
    expect(apps.resources.map((r) => r.name)).toContain('deployments/scale')
  })

  it('answers errors with Status objects (or plain text where kube-apiserver does)', async () => {
    const notFound = await simGet('sim-00001', '/api/v1/nosuch')
    expect(notFound.status).toBe(404)
    expect(notFound.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 })
    const bad = await simGet('sim-00001', '/api/v1/pods?limit=1&continue=garbage')
    expect(bad.status).toBe(400)
    expect(bad.body).toMatchObject({ kind: 'Status', reason: 'BadRequest', code: 400 })
    const unauth = await rawGet('/clusters/sim-00001/api', { authorization: 'Bearer nope' })
    expect(unauth.status).toBe(401)
    expect(unauth.body).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 })
    const unknown = await rawGet('/clusters/no-such-cluster/api')
    expect(unknown.status).toBe(404)
    expect(unknown.text).toBe('404 page not found\n')
  })

  it('generates the same objects again from the same seed, and different clusters from different variants', async () => {
    const again = await startSimulator({ clusters: 3, nodes: 3, pods: 40, problems: 0.3, now: 0 })
    const other = await startSimulator({ clusters: 3, nodes: 3, pods: 40, problems: 0.3, now: 0 })
    try {
      const get = async (s: Simulator, c: string) =>
        (await (
          await fetch(`${s.url}/clusters/${c}/api/v1/pods`, {
            headers: { authorization: `Bearer ${s.tokenOf(c)}` },
          })
        ).json()) as List
      expect(await get(again, 'sim-00001')).toEqual(await get(other, 'sim-00001'))
      expect((await get(again, 'sim-00001')).items[0]).not.toEqual((await get(again, 'sim-00002')).items[0])
    } finally {
      await again.close()
      await other.close()
    }
  })
})

// ---------------------------------------------------------------- shape against the real server

/** Maps whose keys are data, not schema: their keys collapse to `*`. */
const MAPS = new Set([
  'labels',
  'annotations',
  'data',
  'nodeSelector',
  'capacity',
  'allocatable',
  'matchLabels',
  'requests',
  'limits',
  'parameters',
  'selector',
  'fieldsV1',
])

/** The shape of a JSON value: every path with its type, map keys collapsed, array elements merged. */
function shape(v: unknown, path: string, out: Set<string>, parentKey = ''): Set<string> {
  if (Array.isArray(v)) {
    out.add(`${path}:array`)
    for (const x of v) shape(x, `${path}[]`, out)
  } else if (v && typeof v === 'object') {
    out.add(`${path}:object`)
    if (parentKey === 'fieldsV1') return out
    for (const [k, x] of Object.entries(v)) shape(x, `${path}.${MAPS.has(parentKey) ? '*' : k}`, out, k)
  } else out.add(`${path}:${v === null ? 'null' : typeof v}`)
  return out
}

/**
 * Differences that come from the test cluster, not from the simulator: without a kubelet and a
 * node-lifecycle controller, the real nodes keep the `not-ready` taint admission puts on new nodes;
 * kubectl's status patches leave managedFields entries without a subresource on some kinds.
 */
const ARTEFACTS = new Set([
  '/api/v1/nodes $.spec.taints:array',
  '/api/v1/nodes $.spec.taints[]:object',
  '/api/v1/nodes $.spec.taints[].effect:string',
  '/api/v1/nodes $.spec.taints[].key:string',
  '/api/v1/nodes $.metadata.managedFields[].subresource:string',
])

const shapeOf = (items: unknown[]) => {
  const s = new Set<string>()
  for (const i of items) shape(i, '$', s)
  return [...s].sort()
}

describe('fleet simulator against a real kube-apiserver', () => {
  let real: TestCluster

  beforeAll(async () => {
    real = await startCluster('sim-shape')
  }, 180_000)
  afterAll(async () => {
    await real?.stop()
  })

  // Each resource: its path, and whether the real server already has its own objects of it.
  const resources: { path: string; status?: boolean; preexisting?: boolean }[] = [
    { path: '/api/v1/namespaces', preexisting: true },
    { path: '/api/v1/nodes', status: true },
    { path: '/api/v1/serviceaccounts' },
    { path: '/api/v1/configmaps' },
    { path: '/api/v1/services', preexisting: true },
    { path: '/api/v1/endpoints', preexisting: true },
    { path: '/apis/discovery.k8s.io/v1/endpointslices', preexisting: true },
    { path: '/apis/apps/v1/deployments', status: true },
    { path: '/apis/apps/v1/replicasets', status: true },
    { path: '/apis/apps/v1/daemonsets', status: true },
    { path: '/api/v1/pods', status: true },
    { path: '/api/v1/events' },
    { path: '/apis/autoscaling/v2/horizontalpodautoscalers', status: true },
    { path: '/apis/policy/v1/poddisruptionbudgets', status: true },
    { path: '/apis/coordination.k8s.io/v1/leases', preexisting: true },
    { path: '/apis/storage.k8s.io/v1/storageclasses' },
    { path: '/apis/storage.k8s.io/v1/csidrivers' },
    { path: '/apis/storage.k8s.io/v1/csinodes' },
    { path: '/apis/networking.k8s.io/v1/ingressclasses' },
    { path: '/apis/scheduling.k8s.io/v1/priorityclasses', preexisting: true },
  ]

  it('answers LISTs of the same shape for the same objects (envelope, metadata, items)', async () => {
    const cluster = 'sim-00001'
    const kubectl = (args: string[], input?: string) =>
      real.kubectl(args, input === undefined ? { allowFailure: true } : { input, allowFailure: true })
    // Create the simulator's objects in the real server (as a client would: no server-set fields).
    const simLists = new Map<string, List>()
    for (const r of resources) simLists.set(r.path, (await simGet(cluster, r.path)).body as List)
    const clean = (o: Record<string, unknown>, apiVersion: string, kind: string) => {
      const m = { ...(o.metadata as Record<string, unknown>) }
      for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'managedFields', 'generation'])
        delete m[k]
      return { apiVersion, kind, ...o, metadata: m }
    }
    const docs: object[] = []
    const statuses: { path: string; kind: string; obj: Record<string, unknown> }[] = []
    for (const r of resources) {
      const list = simLists.get(r.path)!
      const apiVersion = list.apiVersion
      const kind = list.kind.replace(/List$/, '')
      for (const o of list.items) {
        const meta = o.metadata as { name: string; namespace?: string }
        if (
          ['default', 'kube-system', 'kube-public', 'kube-node-lease'].includes(meta.name) &&
          kind === 'Namespace'
        )
          continue
        if (kind === 'PriorityClass' || (kind === 'Service' && meta.name === 'kubernetes')) continue
        if ((kind === 'Endpoints' || kind === 'EndpointSlice') && meta.name === 'kubernetes') continue
        const c = clean(o, apiVersion, kind) as Record<string, unknown>
        docs.push(c)
        if (r.status && c.status) statuses.push({ path: r.path, kind, obj: c })
      }
    }
    const created = await kubectl(
      ['create', '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: docs }),
    )
    expect(created.stderr).toBe('')
    for (const s of statuses) {
      const meta = s.obj.metadata as { name: string; namespace?: string }
      const resource = s.path.split('/').pop()!
      const res = s.path.startsWith('/apis/') ? `${resource}.${s.path.split('/')[2]}` : resource
      const p = await kubectl([
        'patch',
        res,
        meta.name,
        ...(meta.namespace ? ['-n', meta.namespace] : []),
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: s.obj.status }),
      ])
      expect(p.stderr).toBe('')
    }
    // Compare the shapes of the LIST answers (values differ: names, uids, times).
    const mismatches: string[] = []
    for (const r of resources) {
      const got = await apiGet(real, `${r.path}?limit=500`, real.adminToken)
      const realList = JSON.parse(got.body) as List
      const simList = simLists.get(r.path)!
      expect(realList.kind).toBe(simList.kind)
      expect(realList.apiVersion).toBe(simList.apiVersion)
      expect(Object.keys(realList)).toEqual(Object.keys(simList))
      const realShape = shapeOf(realList.items).filter((x) => !ARTEFACTS.has(`${r.path} ${x}`))
      const simShape = shapeOf(simList.items).filter((x) => !ARTEFACTS.has(`${r.path} ${x}`))
      const onlyReal = realShape.filter((x) => !simShape.includes(x))
      const onlySim = simShape.filter((x) => !realShape.includes(x))
      if (onlyReal.length || onlySim.length)
        mismatches.push(
          `${r.path}: only real ${JSON.stringify(onlyReal)}; only simulated ${JSON.stringify(onlySim)}`,
        )
    }
    expect(mismatches).toEqual([])

    // Field selectors on events pick the same events (of those created from the simulator) as on
    // the real server, and refuse the same fields with the same answer.
    const simEvents = new Set(
      simLists.get('/api/v1/events')!.items.map((e) => (e.metadata as { name: string }).name),
    )
    expect(simEvents.size).toBeGreaterThan(9)
    const picked = async (
      get: (path: string) => Promise<{ status: number; body: unknown }>,
      path: string,
    ) => {
      const r = await get(path)
      if (r.status !== 200) return r
      const items = (r.body as List).items.map((e) => (e.metadata as { name: string }).name)
      return { status: 200, body: items.filter((n) => simEvents.has(n)).sort() }
    }
    const fromReal = async (path: string) => {
      const r = await apiGet(real, path, real.adminToken)
      return { status: r.status, body: JSON.parse(r.body) as unknown }
    }
    const fromSim = async (path: string) => {
      const r = await simGet(cluster, path)
      return { status: r.status, body: r.body }
    }
    for (const [path, selector] of [
      ['/api/v1/events', 'type=Warning'],
      ['/api/v1/events', 'involvedObject.kind=Node,type=Normal'],
      ['/api/v1/events', 'reason=NodeReady'],
      ['/api/v1/events', 'involvedObject.kind!=Node,type==Normal'],
      ['/api/v1/events', 'source=node-controller'],
      ['/apis/events.k8s.io/v1/events', 'regarding.kind=Node,type=Normal'],
      ['/apis/events.k8s.io/v1/events', 'reportingController=kubelet,regarding.kind=Node'],
      ['/api/v1/events', 'regarding.kind=Node'],
      ['/apis/events.k8s.io/v1/events', 'involvedObject.kind=Node'],
    ]) {
      const q = `${path}?fieldSelector=${encodeURIComponent(selector!)}`
      const want = await picked(fromReal, q)
      expect({ q, ...(await picked(fromSim, q)) }).toEqual({ q, ...want })
    }
    const nodeEvents = await picked(fromReal, '/api/v1/events?fieldSelector=involvedObject.kind%3DNode')
    expect(nodeEvents.body).toHaveLength(9)
  }, 240_000)
})

describe('kubedac simulate', () => {
  it('serves a fleet until interrupted, and kubedac scan reads every cluster of its kubeconfig', async () => {
    const kubeconfig = join(dir, 'simulate-kubeconfig')
    const child = spawn(
      process.execPath,
      [CLI, 'simulate', '--clusters', '4', '--pods', '20', '--kubeconfig-out', kubeconfig],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    )
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      for (let i = 0; i < 200 && !stderr.includes('try:'); i++) await new Promise((r) => setTimeout(r, 50))
      expect(stderr).toContain('4 clusters at http://127.0.0.1:')
      const r = await run(process.execPath, [
        CLI,
        'scan',
        '--kubeconfig',
        kubeconfig,
        '--all-contexts',
        '--format',
        'json',
      ])
      const report = JSON.parse(r.stdout) as { clusters: { name: string; status: string; objects: number }[] }
      expect(report.clusters.map((c) => [c.name, c.status])).toEqual([
        ['sim-00001', 'scanned'],
        ['sim-00002', 'scanned'],
        ['sim-00003', 'scanned'],
        ['sim-00004', 'scanned'],
      ])
      expect(report.clusters.every((c) => c.objects > 20)).toBe(true)
    } finally {
      child.kill('SIGTERM')
    }
    expect(await exited).toBe(0)
    expect(stderr).toMatch(/served \d+ requests/)
  })
})
