import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ScanError } from '../core/types.js'
import barePod from '../detectors/bare-pod.js'
import { scanCluster } from '../pipeline.js'
import type { ClusterTarget } from './define.js'
import { kubeTargets } from './kubeconfig.js'
import { createKubernetesCollector, kubernetesCollector } from './kubernetes.js'
import { memorySink } from '../../test/support/memory-sink.js'

const TOKEN = 'sekret-bearer-token-0123456789'

// ---------------------------------------------------------------- a mock API server

interface Seen {
  path: string
  query: URLSearchParams
  auth: string | undefined
  at: number
}

const status = (code: number, reason: string, message: string, extra: object = {}) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
  ...extra,
})

const res = (name: string, kind: string, namespaced: boolean, verbs = ['get', 'list', 'watch']) => ({
  name,
  singularName: kind.toLowerCase(),
  namespaced,
  kind,
  verbs,
})

const CORE = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    res('pods', 'Pod', true, ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch']),
    res('pods/log', 'Pod', true, ['get']),
    res('pods/status', 'Pod', true, ['get', 'patch', 'update']),
    res('nodes', 'Node', false),
    res('events', 'Event', true),
    res('secrets', 'Secret', true),
    res('configmaps', 'ConfigMap', true),
    res('namespaces', 'Namespace', false),
  ],
}
const GROUPS = {
  kind: 'APIGroupList',
  apiVersion: 'v1',
  groups: [
    {
      name: 'apps',
      versions: [{ groupVersion: 'apps/v1', version: 'v1' }],
      preferredVersion: { groupVersion: 'apps/v1', version: 'v1' },
    },
    {
      name: 'autoscaling',
      versions: [
        { groupVersion: 'autoscaling/v2', version: 'v2' },
        { groupVersion: 'autoscaling/v1', version: 'v1' },
      ],
      preferredVersion: { groupVersion: 'autoscaling/v2', version: 'v2' },
    },
  ],
}
const APPS = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'apps/v1',
  resources: [res('deployments', 'Deployment', true), res('deployments/scale', 'Scale', true)],
}
const AUTOSCALING_V2 = {
  kind: 'APIResourceList',
  apiVersion: 'v1',
  groupVersion: 'autoscaling/v2',
  resources: [res('horizontalpodautoscalers', 'HorizontalPodAutoscaler', true)],
}

const meta = (name: string, namespace?: string) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `uid-${namespace ?? ''}-${name}`,
  resourceVersion: '100',
  creationTimestamp: '2026-01-01T00:00:00Z',
  managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1' }],
})

const PODS = Array.from({ length: 7 }, (_, i) => ({
  metadata: meta(`pod-${i}`, i % 2 ? 'a' : 'b'),
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
  status: { phase: 'Running' },
}))
const NODES = ['n1', 'n2'].map((n) => ({ metadata: meta(n), status: {} }))
const EVENTS = [
  {
    metadata: meta('e1', 'a'),
    type: 'Warning',
    reason: 'BackOff',
    involvedObject: { kind: 'Pod', name: 'pod-1' },
  },
  {
    metadata: meta('e2', 'a'),
    type: 'Normal',
    reason: 'Pulled',
    involvedObject: { kind: 'Pod', name: 'pod-1' },
  },
  // A node's events live in `default`; the kubelet names the node by name (uid = name).
  ...(
    [
      ['e3', 'Normal', 'NodeNotReady', 'n1'],
      ['e4', 'Normal', 'NodeReady', 'n1'],
      ['e5', 'Warning', 'Rebooted', 'n1'],
      ['e6', 'Normal', 'Starting', 'n2'],
      ['e7', 'Normal', 'NodeReady', 'n2'],
    ] as const
  ).map(([name, type, reason, node]) => ({
    metadata: meta(name, 'default'),
    type,
    reason,
    involvedObject: { kind: 'Node', name: node, uid: node },
  })),
]

/** Whether an object matches a field selector (`a.b=v,c=w`; `=`, `==` and `!=`), as the API server filters. */
function fieldsMatch(o: object, selector: string | null): boolean {
  if (!selector) return true
  return selector.split(',').every((term) => {
    const m = /^([\w.]+)(==?|!=)(.*)$/.exec(term)
    if (!m) throw new Error(`bad selector term ${term}`)
    let v: unknown = o
    for (const k of m[1]!.split('.')) v = (v as Record<string, unknown> | undefined)?.[k]
    return ((v ?? '') === m[3]) === (m[2] !== '!=')
  })
}
const DEPLOYMENTS = [{ metadata: meta('web', 'a'), spec: { replicas: 2 } }]
const HPAS = [{ metadata: meta('web', 'a'), spec: { maxReplicas: 3 } }]

/** Behaviour switches for one test. */
interface Script {
  /** Answer 401 to everything. */
  unauthorized?: boolean
  /** Paths that never answer. */
  hang?: Set<string>
}

class MockApiServer {
  server = http.createServer((req, res) => this.handle(req, res))
  seen: Seen[] = []
  connections = 0
  script: Script = {}
  private once = new Set<string>()
  url = ''

  async start(): Promise<void> {
    this.server.on('connection', () => this.connections++)
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
  }
  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise((r) => this.server.close(r))
  }
  reset(script: Script = {}): void {
    this.seen = []
    this.connections = 0
    this.script = script
    this.once.clear()
  }
  /** True the first time a trigger is met. */
  private first(key: string): boolean {
    if (this.once.has(key)) return false
    this.once.add(key)
    return true
  }
  paths(): string[] {
    return this.seen.map((s) => s.path)
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x')
    this.seen.push({
      path: u.pathname,
      query: u.searchParams,
      auth: req.headers.authorization,
      at: Date.now(),
    })
    const send = (code: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(code, { 'content-type': 'application/json', ...headers })
      res.end(JSON.stringify(body))
    }
    if (this.script.hang?.has(u.pathname)) return // never answers
    if (this.script.unauthorized || req.headers.authorization !== `Bearer ${TOKEN}`)
      return send(401, status(401, 'Unauthorized', 'Unauthorized'))
    switch (u.pathname) {
      case '/api/v1':
        return send(200, CORE)
      case '/apis':
        return send(200, GROUPS)
      case '/apis/apps/v1':
        return send(200, APPS)
      case '/apis/autoscaling/v2':
        return send(200, AUTOSCALING_V2)
      case '/api/v1/pods':
        return this.list(u, res, send, 'PodList', 'v1', PODS, { honourLimitAtRv0: true, expireOnce: true })
      case '/api/v1/nodes':
        if (this.first('nodes-500'))
          return send(500, status(500, 'InternalError', 'etcdserver: leader changed'))
        return this.list(u, res, send, 'NodeList', 'v1', NODES, {})
      case '/api/v1/events': {
        const items = EVENTS.filter((e) => fieldsMatch(e, u.searchParams.get('fieldSelector')))
        return this.list(u, res, send, 'EventList', 'v1', items, {
          honourLimitAtRv0: true,
          expireOnce: true,
        })
      }
      case '/api/v1/configmaps':
        return send(
          403,
          status(
            403,
            'Forbidden',
            'configmaps is forbidden: User "system:serviceaccount:kubedac:scanner" cannot list resource "configmaps" in API group "" at the cluster scope',
            { details: { kind: 'configmaps' } },
          ),
        )
      case '/api/v1/secrets':
        return this.list(
          u,
          res,
          send,
          'SecretList',
          'v1',
          [{ metadata: meta('s', 'a'), data: { k: 'c2VjcmV0' } }],
          {},
        )
      case '/apis/apps/v1/deployments':
        if (this.first('deploy-429'))
          return send(429, status(429, 'TooManyRequests', 'Too many requests, please try again later.'), {
            'retry-after': '1',
          })
        return this.list(u, res, send, 'DeploymentList', 'apps/v1', DEPLOYMENTS, {})
      case '/apis/autoscaling/v2/horizontalpodautoscalers':
        return this.list(u, res, send, 'HorizontalPodAutoscalerList', 'autoscaling/v2', HPAS, {})
      default:
        return send(404, status(404, 'NotFound', 'the server could not find the requested resource'))
    }
  }

  /** A LIST as the API server answers it: `limit` + `continue`, and `resourceVersion=0` served whole. */
  private list(
    u: URL,
    _res: http.ServerResponse,
    send: (code: number, body: unknown) => void,
    kind: string,
    apiVersion: string,
    all: object[],
    o: { honourLimitAtRv0?: boolean; expireOnce?: boolean },
  ): void {
    const q = u.searchParams
    const cont = q.get('continue')
    if (cont && q.get('resourceVersion'))
      return send(
        400,
        status(400, 'BadRequest', 'specifying resource version is not allowed when using continue'),
      )
    let start = 0
    if (cont) {
      // Tokens are base64 JSON, as the real server's are.
      start = (JSON.parse(Buffer.from(cont, 'base64').toString()) as { start: number }).start
      if (o.expireOnce && this.first(`${u.pathname}-410`))
        return send(
          410,
          status(
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
          ),
        )
    }
    const limit = Number(q.get('limit') ?? 0)
    const wholeAtRv0 = q.get('resourceVersion') === '0' && !o.honourLimitAtRv0
    const end = limit > 0 && !wholeAtRv0 ? Math.min(all.length, start + limit) : all.length
    const metadata: Record<string, unknown> = { resourceVersion: '12345' }
    if (end < all.length) {
      metadata.continue = Buffer.from(JSON.stringify({ start: end, rv: 12345 })).toString('base64')
      metadata.remainingItemCount = all.length - end
    }
    send(200, { kind, apiVersion, metadata, items: structuredClone(all.slice(start, end)) })
  }
}

// ---------------------------------------------------------------- helpers

let dir: string
const api = new MockApiServer()

function kubeconfigYaml(contexts: { name: string; server: string; skipTls?: boolean }[], current: string) {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    ...contexts.flatMap((c) => [
      `- name: ${c.name}-cluster`,
      '  cluster:',
      `    server: ${c.server}`,
      ...(c.skipTls === false ? [] : ['    insecure-skip-tls-verify: true']),
    ]),
    'users:',
    '- name: scanner',
    '  user:',
    `    token: ${TOKEN}`,
    'contexts:',
    ...contexts.flatMap((c) => [
      `- name: ${c.name}`,
      '  context:',
      `    cluster: ${c.name}-cluster`,
      '    user: scanner',
    ]),
    `current-context: ${current}`,
    '',
  ].join('\n')
}

async function writeKubeconfig(name: string, yaml: string): Promise<string> {
  const p = path.join(dir, name)
  await writeFile(p, yaml)
  return p
}

const target = (kubeconfig: string, context: string): ClusterTarget => ({
  name: context,
  source: `kubeconfig:${context}`,
  kube: { kubeconfig, context },
})

const fast = { retryBaseMs: 5, requestTimeoutMs: 2_000 }

async function collect(t: ClusterTarget, requires: string[], opts = fast, keepManagedFields = false) {
  const sink = memorySink()
  await createKubernetesCollector(opts).collect({
    cluster: t,
    requires: new Set(requires),
    keepManagedFields,
    sink,
  })
  return sink
}

function expectNoSecrets(errors: ScanError[]) {
  for (const e of errors) {
    expect(e.message).not.toContain(TOKEN)
    expect(e.message).not.toContain('sekret')
  }
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kubedac-kube-'))
  await api.start()
})
afterAll(async () => {
  await api.stop()
  await rm(dir, { recursive: true, force: true })
})
afterEach(() => api.reset())

// ---------------------------------------------------------------- tests

describe('kubernetes collector', () => {
  it('applies only to targets with a kubeconfig context', () => {
    expect(kubernetesCollector.meta.id).toBe('kubernetes')
    expect(kubernetesCollector.meta.appliesTo?.({ name: 'x', source: 'f', paths: ['a'] })).toBe(false)
    expect(kubernetesCollector.meta.appliesTo?.({ name: 'x', source: 'f', kube: { context: 'c' } })).toBe(
      true,
    )
  })

  it('lists only the required kinds, cluster-wide and paged, and fills apiVersion and kind', async () => {
    const kc = await writeKubeconfig('one', kubeconfigYaml([{ name: 'prod', server: api.url }], 'prod'))
    api.reset()
    const started = Date.now()
    const sink = await collect(
      target(kc, 'prod'),
      [
        'v1/Pod',
        'v1/Node',
        'v1/Event',
        'v1/Secret',
        'v1/ConfigMap',
        'apps/v1/Deployment',
        'autoscaling/v2/HorizontalPodAutoscaler',
        'autoscaling/v1/HorizontalPodAutoscaler',
        'argoproj.io/v1alpha1/Application',
        'metrics:node-usage',
      ],
      { ...fast, pageSize: 3 } as typeof fast,
    )
    const paths = api.paths()
    // Never secrets, never namespaces (not required), never the argo group (not served).
    expect(paths.some((p) => p.includes('secrets'))).toBe(false)
    expect(paths).not.toContain('/api/v1/namespaces')
    expect(paths.some((p) => p.includes('argoproj'))).toBe(false)
    expect(paths).not.toContain('/apis/autoscaling/v1')
    // Every request carried the kubeconfig's credentials.
    expect(api.seen.every((s) => s.auth === `Bearer ${TOKEN}`)).toBe(true)

    // Pods: 7 in pages of 3, a 410 on the first continue restarts the list from scratch.
    const pods = api.seen.filter((s) => s.path === '/api/v1/pods')
    expect(pods.map((s) => [s.query.get('resourceVersion'), !!s.query.get('continue')])).toEqual([
      ['0', false],
      [null, true], // 410 Expired
      ['0', false],
      [null, true],
      [null, true],
    ])
    expect(pods.every((s) => s.query.get('limit') === '3')).toBe(true)
    const podObjs = sink.objects.filter((o) => o.kind === 'Pod')
    expect(podObjs.map((o) => o.metadata.name).sort()).toEqual(PODS.map((p) => p.metadata.name).sort())
    expect(podObjs.every((o) => o.apiVersion === 'v1')).toBe(true)
    // The first pages of pods and of the Node events, read again after their restarts.
    expect(sink.duplicates).toBe(6)

    // Nodes: a 500 once, then the whole list at resourceVersion=0 (limit ignored, as the watch cache does).
    expect(api.seen.filter((s) => s.path === '/api/v1/nodes')).toHaveLength(2)
    expect(sink.objects.filter((o) => o.kind === 'Node')).toHaveLength(2)

    // Deployments: a 429 with Retry-After: 1, honoured.
    const dep = api.seen.filter((s) => s.path === '/apis/apps/v1/deployments')
    expect(dep).toHaveLength(2)
    expect(dep[1]!.at - dep[0]!.at).toBeGreaterThanOrEqual(950)
    const d = sink.objects.find((o) => o.kind === 'Deployment')!
    expect(d.apiVersion).toBe('apps/v1')
    expect(sink.sources[sink.objects.indexOf(d)]).toBe(`${api.url}/apis/apps/v1/deployments`)

    // HPA: both declared versions served by the preferred one, listed once.
    expect(api.seen.filter((s) => s.path.includes('horizontalpodautoscalers'))).toHaveLength(1)
    expect(sink.objects.find((o) => o.kind === 'HorizontalPodAutoscaler')?.apiVersion).toBe('autoscaling/v2')

    // Events: the warnings, then the Normal events of Nodes (4, in pages of 3: a 410 on the first
    // continue restarts that list alone); never a Normal event of a pod, never one event twice.
    const ev = api.seen.filter((s) => s.path === '/api/v1/events')
    expect(
      ev.map((s) => [
        s.query.get('fieldSelector'),
        s.query.get('resourceVersion'),
        !!s.query.get('continue'),
      ]),
    ).toEqual([
      ['type=Warning', '0', false],
      ['involvedObject.kind=Node,type=Normal', '0', false],
      ['involvedObject.kind=Node,type=Normal', null, true], // 410 Expired
      ['involvedObject.kind=Node,type=Normal', '0', false],
      ['involvedObject.kind=Node,type=Normal', null, true],
    ])
    expect(ev.every((s) => s.query.get('limit') === '3')).toBe(true)
    const events = sink.objects.filter((o) => o.kind === 'Event').map((o) => o.metadata.name)
    expect(events.sort()).toEqual(['e1', 'e3', 'e4', 'e5', 'e6', 'e7'])

    // managedFields dropped.
    expect(sink.objects.every((o) => o.metadata.managedFields === undefined)).toBe(true)

    // Collected: listed kinds only; not secrets, configmaps (403), argo (absent) or data keys.
    expect(sink.kinds.sort()).toEqual(
      [
        'v1/Pod',
        'v1/Node',
        'v1/Event',
        'apps/v1/Deployment',
        'autoscaling/v2/HorizontalPodAutoscaler',
        'autoscaling/v1/HorizontalPodAutoscaler',
      ].sort(),
    )
    // One error: the 403, naming the cluster and the resource; no credential.
    expect(sink.errors).toHaveLength(1)
    expect(sink.errors[0]!.code).toBe('KDAC_E_CLUSTER_AUTH')
    expect(sink.errors[0]!.source).toBe('kubeconfig:prod')
    expect(sink.errors[0]!.message).toMatch(/^prod: .*configmaps.*403/)
    expectNoSecrets(sink.errors)
    expect(Date.now() - started).toBeLessThan(5_000)
    // Connections are kept alive: far fewer than requests (one per concurrent kind at most).
    expect(api.connections).toBeLessThanOrEqual(5)
    expect(api.seen.length).toBeGreaterThan(10)
  })

  it('lists only Warning events when no detector wants Nodes (their events would go unread)', async () => {
    const kc = await writeKubeconfig('ev', kubeconfigYaml([{ name: 'prod', server: api.url }], 'prod'))
    const sink = await collect(target(kc, 'prod'), ['v1/Event', 'v1/Pod'])
    const ev = api.seen.filter((s) => s.path === '/api/v1/events')
    expect(ev.map((s) => s.query.get('fieldSelector'))).toEqual(['type=Warning'])
    expect(sink.objects.filter((o) => o.kind === 'Event').map((o) => o.metadata.name)).toEqual(['e1', 'e5'])
    expect(sink.kinds).toContain('v1/Event')
  })

  it('keeps managedFields when asked', async () => {
    const kc = await writeKubeconfig('mf', kubeconfigYaml([{ name: 'prod', server: api.url }], 'prod'))
    const sink = await collect(target(kc, 'prod'), ['apps/v1/Deployment'], fast, true)
    expect(sink.objects[0]!.metadata.managedFields).toHaveLength(1)
  })

  it('contacts nothing when no kind is required', async () => {
    const kc = await writeKubeconfig('none', kubeconfigYaml([{ name: 'prod', server: api.url }], 'prod'))
    const sink = await collect(target(kc, 'prod'), ['v1/Secret', 'metrics:x'])
    expect(api.seen).toHaveLength(0)
    expect(sink.errors).toEqual([])
  })

  it('reports a refused connection once as unreachable, without credentials', async () => {
    const closed = http.createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r))
    const port = (closed.address() as AddressInfo).port
    await new Promise((r) => closed.close(r))
    const kc = await writeKubeconfig(
      'down',
      kubeconfigYaml([{ name: 'down', server: `http://127.0.0.1:${port}` }], 'down'),
    )
    const sink = await collect(target(kc, 'down'), ['v1/Pod', 'apps/v1/Deployment'])
    expect(sink.errors).toHaveLength(1)
    expect(sink.errors[0]!.code).toBe('KDAC_E_CLUSTER_UNREACHABLE')
    expect(sink.errors[0]!.message).toContain('ECONNREFUSED')
    expect(sink.errors[0]!.message).toContain('down')
    expect(sink.kinds).toEqual([])
    expectNoSecrets(sink.errors)
  })

  it('reports a TLS failure as such', async () => {
    const kc = await writeKubeconfig(
      'tls',
      kubeconfigYaml([{ name: 'tls', server: api.url.replace('http:', 'https:'), skipTls: false }], 'tls'),
    )
    const sink = await collect(target(kc, 'tls'), ['v1/Pod'])
    expect(sink.errors.map((e) => e.code)).toEqual(['KDAC_E_CLUSTER_TLS'])
    expectNoSecrets(sink.errors)
  })

  it('stops at a 401 on discovery with one auth error', async () => {
    const kc = await writeKubeconfig('401', kubeconfigYaml([{ name: 'prod', server: api.url }], 'prod'))
    api.reset({ unauthorized: true })
    const sink = await collect(target(kc, 'prod'), ['v1/Pod', 'apps/v1/Deployment'])
    // Discovery asks /api and /apis at once (aggregated discovery); nothing after the 401.
    expect(api.seen.length).toBeLessThanOrEqual(2)
    expect(sink.errors).toHaveLength(1)
    expect(sink.errors[0]!.code).toBe('KDAC_E_CLUSTER_AUTH')
    expect(sink.errors[0]!.message).toContain('401')
    expect(sink.errors[0]!.message).toContain('GET /api')
    expectNoSecrets(sink.errors)
  })

  it('times out a request, retries it, then gives up on that kind only', async () => {
    const kc = await writeKubeconfig('hang', kubeconfigYaml([{ name: 'prod', server: api.url }], 'prod'))
    api.reset({ hang: new Set(['/apis/autoscaling/v2/horizontalpodautoscalers']) })
    const sink = await collect(
      target(kc, 'prod'),
      ['apps/v1/Deployment', 'autoscaling/v2/HorizontalPodAutoscaler'],
      {
        retryBaseMs: 5,
        requestTimeoutMs: 150,
        maxRetries: 1,
      } as typeof fast,
    )
    expect(api.seen.filter((s) => s.path.includes('horizontalpodautoscalers'))).toHaveLength(2)
    expect(sink.kinds).toEqual(['apps/v1/Deployment'])
    expect(sink.errors).toHaveLength(1)
    expect(sink.errors[0]!.code).toBe('KDAC_E_LIST_FAILED')
    expect(sink.errors[0]!.message).toContain('horizontalpodautoscalers')
  })

  it('stops at the cluster deadline', async () => {
    const kc = await writeKubeconfig('dl', kubeconfigYaml([{ name: 'prod', server: api.url }], 'prod'))
    api.reset({ hang: new Set(['/api/v1/pods']) })
    const sink = await collect(target(kc, 'prod'), ['v1/Pod', 'v1/Node'], {
      ...fast,
      deadlineMs: 300,
    } as typeof fast)
    expect(sink.errors.map((e) => e.code)).toEqual(['KDAC_E_CLUSTER_DEADLINE'])
    expect(sink.errors[0]!.message).toContain('pods')
    expect(sink.kinds).not.toContain('v1/Pod')
  })

  it('reports an unknown context as a kubeconfig error', async () => {
    const kc = await writeKubeconfig('ctx', kubeconfigYaml([{ name: 'prod', server: api.url }], 'prod'))
    const sink = await collect(target(kc, 'nope'), ['v1/Pod'])
    expect(sink.errors.map((e) => e.code)).toEqual(['KDAC_E_KUBECONFIG'])
    expect(api.seen).toHaveLength(0)
  })

  it('makes the pipeline mark an unreachable cluster unreachable, a reachable one scanned', async () => {
    const kc = await writeKubeconfig(
      'pipe',
      kubeconfigYaml(
        [
          { name: 'up', server: api.url },
          { name: 'down', server: 'http://127.0.0.1:1' },
        ],
        'up',
      ),
    )
    const detectors = [{ detector: barePod, severity: 'info' as const, params: {} }]
    const up = await scanCluster(target(kc, 'up'), { detectors, collectors: [kubernetesCollector] })
    expect(up.cluster.status).toBe('scanned')
    expect(up.cluster.objects).toBe(7)
    const down = await scanCluster(target(kc, 'down'), { detectors, collectors: [kubernetesCollector] })
    expect(down.cluster.status).toBe('unreachable')
    expect(down.cluster.errors.map((e) => e.code)).toEqual(['KDAC_E_CLUSTER_UNREACHABLE'])
  })
})

describe('kubeTargets', () => {
  const saved = process.env.KUBECONFIG
  afterEach(() => {
    if (saved === undefined) delete process.env.KUBECONFIG
    else process.env.KUBECONFIG = saved
  })

  it('names the current context, a given one, or all of them', async () => {
    const kc = await writeKubeconfig(
      'multi',
      kubeconfigYaml(
        [
          { name: 'a', server: 'https://a.example:6443' },
          { name: 'b', server: 'https://b.example:6443' },
        ],
        'b',
      ),
    )
    expect(kubeTargets({ kubeconfig: kc })).toEqual({
      targets: [{ name: 'b', source: 'kubeconfig:b', kube: { kubeconfig: kc, context: 'b' } }],
      errors: [],
    })
    expect(kubeTargets({ kubeconfig: kc, context: 'a' }).targets.map((t) => t.name)).toEqual(['a'])
    expect(kubeTargets({ kubeconfig: kc, allContexts: true }).targets.map((t) => t.name)).toEqual(['a', 'b'])
    const bad = kubeTargets({ kubeconfig: kc, context: 'zz' })
    expect(bad.targets).toEqual([])
    expect(bad.errors[0]!.code).toBe('KDAC_E_KUBECONFIG')
    expect(bad.errors[0]!.message).toContain('zz')
  })

  it('merges several KUBECONFIG files, the first one naming the current context', async () => {
    const one = await writeKubeconfig(
      'k1',
      kubeconfigYaml([{ name: 'one', server: 'https://1.example' }], 'one'),
    )
    const two = await writeKubeconfig(
      'k2',
      kubeconfigYaml([{ name: 'two', server: 'https://2.example' }], 'two'),
    )
    process.env.KUBECONFIG = [one, two].join(path.delimiter)
    expect(kubeTargets({ allContexts: true }).targets.map((t) => t.source)).toEqual([
      'kubeconfig:one',
      'kubeconfig:two',
    ])
    const cur = kubeTargets({})
    expect(cur.targets).toEqual([{ name: 'one', source: 'kubeconfig:one', kube: { context: 'one' } }])
  })

  it('reports a missing kubeconfig file', () => {
    const r = kubeTargets({ kubeconfig: path.join(dir, 'missing') })
    expect(r.targets).toEqual([])
    expect(r.errors[0]!.code).toBe('KDAC_E_KUBECONFIG')
  })
})
