// A fleet of simulated Kubernetes API servers behind one loopback HTTP server: cluster `name` is
// served under http://127.0.0.1:PORT/clusters/<name>, with its own bearer token, generated objects,
// latency and injected faults. Answers what kubectl and kubedac ask: /version, discovery (legacy
// and aggregated), paginated LISTs (`limit`/`continue`, `remainingItemCount`, 410 on an expired
// token, `resourceVersion=0` from the "watch cache"), PartialObjectMetadataList, Status errors.
import { execFileSync } from 'node:child_process'
import http from 'node:http'
import https from 'node:https'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo, Socket } from 'node:net'
import { gzipSync, createGzip, constants as zconst } from 'node:zlib'
import {
  BUILTIN_GROUPS,
  aggregatedDiscovery,
  apiGroupList,
  apiVersions,
  resourceList,
  type SimResource,
} from './discovery.js'
import { ClusterModel, type ClusterShape, type KindSource, type Obj } from './model.js'
import { hash, hex, pad, unit } from './random.js'

/** A fault the simulator can inject into a request. */
export type FaultKind = '500' | '503' | 'reset' | 'truncate' | '429' | 'stall' | 'gone'

/** The faults every kind of request may meet. */
export const FAULT_KINDS: readonly FaultKind[] = ['500', '503', 'reset', 'truncate', '429', 'stall', 'gone']

/** How a cluster misbehaves. */
export interface FaultOptions {
  /** Fraction of requests (0–1) that meet a fault. */
  rate?: number
  /** The faults drawn from (evenly); default all of {@link FAULT_KINDS}. */
  kinds?: FaultKind[]
  /** Only the first N requests for the same URL may fail (then they succeed); default unlimited. */
  maxPerPath?: number
  /** Only URLs matching this regular expression may fail. */
  paths?: string
  /** `Retry-After` (seconds) on a 429; default 1. */
  retryAfterSeconds?: number
  /** How long a `stall` holds the answer back (ms); default 5000. */
  stallMs?: number
}

/** One simulated cluster's settings; every field defaults to the simulator's. */
export interface ClusterOverrides extends Partial<ClusterShape> {
  /** Extra delay before each answer (ms). */
  latencyMs?: number
  faults?: FaultOptions
  /**
   * A cluster that cannot be scanned: `refused` (its kubeconfig names a port nobody listens on),
   * `unknown` (its kubeconfig names a path the server does not serve: 404 on everything),
   * `reset` (every connection is cut), `unauthorized` (every request gets 401).
   */
  down?: 'refused' | 'unknown' | 'reset' | 'unauthorized'
  /**
   * Resources this cluster's user may not list (403), by group/resource (`apps/deployments`), a core
   * one by its name alone (`events` is core Events, not `events.k8s.io/events`).
   */
  forbidden?: string[]
}

/** What a simulator serves. */
export interface SimulatorOptions extends Partial<ClusterShape> {
  /** Number of clusters; default 3. */
  clusters?: number
  /** Cluster names; default `sim-00001`… */
  names?: string[]
  /** Seed of every generated value; default 1. */
  seed?: number
  /** Distinct cluster contents (cluster i shows content i mod variants); default min(clusters, 16). */
  variants?: number
  /** Delay before each answer (ms); default 0. */
  latencyMs?: number
  /** Faults for every cluster (overridable per cluster). */
  faults?: FaultOptions
  /** Fraction of clusters that are down (refused); default 0. */
  downRate?: number
  /** Settings of single clusters, by name. */
  overrides?: Record<string, ClusterOverrides>
  /**
   * How a LIST with `resourceVersion=0` treats `limit`: `full` ignores it and answers the whole list
   * from the "watch cache", as kube-apiserver ≤ 1.32 does; `paged` honours it. Default `full`.
   */
  rv0?: 'full' | 'paged'
  /** Gzip answers over 128 KiB when the client accepts it, as kube-apiserver does; default true. */
  gzip?: boolean
  /** The instant timestamps are relative to (ms since epoch); default: start time. */
  now?: number
  /** Keep a log of requests (cluster, URL, Accept, status, fault, time) for tests; default false. */
  log?: boolean
  /** Log only these clusters (implies `log`). */
  logClusters?: string[]
  /** Bytes of generated pages kept for reuse; default 256 MiB. */
  cacheBytes?: number
  /** Port to listen on; default 0 (any free port). Always 127.0.0.1. */
  port?: number
  /**
   * Serve HTTPS with a fresh self-signed certificate for 127.0.0.1 (made with `openssl`), as real
   * API servers do; default false (plain HTTP). kubectl sends credentials only over TLS.
   */
  tls?: boolean
}

/** Per-cluster counters. */
export interface ClusterStats {
  requests: number
  /** Body bytes sent (after compression). */
  bytes: number
  /** LIST requests. */
  lists: number
  /** Discovery and /version requests. */
  discovery: number
  /** GETs of a single object. */
  gets: number
  faults: Partial<Record<FaultKind, number>>
}

/** One logged request. */
export interface SimLogEntry {
  cluster: string
  url: string
  accept: string
  status: number
  fault?: FaultKind
  /** Milliseconds since the simulator started, when the request arrived. */
  t: number
}

/** A running simulator. */
export interface Simulator {
  /** http(s)://127.0.0.1:PORT */
  url: string
  /** PEM of the certificate clients must trust (TLS only). */
  caData?: string
  port: number
  /** Cluster names, in order. */
  names: string[]
  /** Server URL of a cluster (a closed port for `refused` clusters). */
  serverOf(name: string): string
  /** The bearer token of a cluster. */
  tokenOf(name: string): string
  /** A kubeconfig (JSON, which is valid YAML) with one context per cluster, named after it. */
  kubeconfig(): string
  /** Writes {@link kubeconfig} to a file (mode 0600). */
  writeKubeconfig(path: string): Promise<void>
  stats(): Record<string, ClusterStats>
  /** Counters summed over clusters, with TCP connections accepted (since reset) and open now. */
  totals(): ClusterStats & { clusters: number; connections: number; openConnections: number }
  log(): SimLogEntry[]
  /** Clears counters and the log. */
  reset(): void
  close(): Promise<void>
}

/** kube-apiserver compresses answers above this size (defaultGzipThresholdBytes). */
const GZIP_THRESHOLD = 128 * 1024
/** Answers up to this size are built whole (and cached); bigger ones are streamed. */
const WHOLE_LIMIT = 8 * 1024 * 1024
const MAX_LOG = 200_000
const BUILD = {
  major: '1',
  minor: '32',
  gitVersion: 'v1.32.13',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '1970-01-01T00:00:00Z',
  goVersion: 'go1.23.12',
  compiler: 'gc',
  platform: 'linux/amd64',
}

interface Cluster {
  name: string
  index: number
  token: string
  latencyMs: number
  faults: Required<Omit<FaultOptions, 'paths' | 'maxPerPath'>> & { paths?: RegExp; maxPerPath?: number }
  down?: ClusterOverrides['down']
  forbidden: Set<string>
  modelKey: string
  stats: ClusterStats
  /** Requests per URL (for maxPerPath and deterministic faults). */
  attempts?: Map<string, number>
}

const status = (code: number, reason: string, message: string, details?: Obj, meta: Obj = {}) =>
  JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: meta,
    status: 'Failure',
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  })

/** Fields every kind can be selected by. */
const META_FIELDS = new Set(['metadata.name', 'metadata.namespace'])
/** kube-apiserver's selectable fields of core v1 Events (pkg/registry/core/event ToSelectableFields). */
const EVENT_FIELDS = new Set([
  'involvedObject.kind',
  'involvedObject.namespace',
  'involvedObject.name',
  'involvedObject.uid',
  'involvedObject.apiVersion',
  'involvedObject.resourceVersion',
  'involvedObject.fieldPath',
  'reason',
  'reportingComponent',
  'source',
  'type',
  ...META_FIELDS,
])

/**
 * The core v1 field an event field selector names, undefined when the API does not take it:
 * events.k8s.io names `regarding.*` and `reportingController`, and has no `source` or
 * `involvedObject.*` of its own.
 */
function eventFieldOf(field: string, group: string): string | undefined {
  if (group === '') return EVENT_FIELDS.has(field) ? field : undefined
  if (field.startsWith('regarding.')) {
    const core = `involvedObject.${field.slice(10)}`
    return EVENT_FIELDS.has(core) ? core : undefined
  }
  if (field === 'reportingController') return 'reportingComponent'
  return ['reason', 'type', ...META_FIELDS].includes(field) ? field : undefined
}

const newStats = (): ClusterStats => ({ requests: 0, bytes: 0, lists: 0, discovery: 0, gets: 0, faults: {} })

interface Page {
  body: Buffer
  gz?: Buffer
}

/** One request being answered: what route() and list() need of it. */
interface SimRequest {
  c: Cluster
  query: URLSearchParams
  accept: string
  req: http.IncomingMessage
  res: http.ServerResponse
  send: (code: number, body: string | Buffer, type?: string, headers?: Record<string, string>) => void
  /** Cut the body short (an injected fault). */
  truncate: boolean
  entry: SimLogEntry | undefined
}

/** Starts a simulator on 127.0.0.1. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const seed = options.seed ?? 1
  const count = options.names?.length ?? options.clusters ?? 3
  const names =
    options.names ??
    Array.from({ length: count }, (_, i) => `sim-${pad(i + 1, Math.max(5, String(count).length))}`)
  const variants = Math.max(1, Math.floor(options.variants ?? Math.min(count, 16)))
  const now = options.now ?? Date.now()
  const started = performance.now()
  const baseShape: ClusterShape = {
    nodes: options.nodes ?? 3,
    pods: options.pods ?? 30,
    padding: options.padding ?? 0,
    problems: options.problems ?? 0.02,
    eventsPerPod: options.eventsPerPod ?? 1,
    replicas: options.replicas ?? 3,
    ...(options.flapping !== undefined ? { flapping: options.flapping } : {}),
  }
  const gzip = options.gzip ?? true
  const rv0 = options.rv0 ?? 'full'
  const models = new Map<string, ClusterModel>()
  const modelOf = (c: Cluster): ClusterModel => {
    let m = models.get(c.modelKey)
    if (!m) {
      const [variant, shape] = JSON.parse(c.modelKey) as [number, ClusterShape]
      m = new ClusterModel(seed, variant, shape, now)
      models.set(c.modelKey, m)
    }
    return m
  }
  const clusters = new Map<string, Cluster>()
  names.forEach((name, index) => {
    const o = options.overrides?.[name] ?? {}
    const f = { ...options.faults, ...o.faults }
    const shape: ClusterShape = {
      nodes: o.nodes ?? baseShape.nodes,
      pods: o.pods ?? baseShape.pods,
      padding: o.padding ?? baseShape.padding,
      problems: o.problems ?? baseShape.problems,
      eventsPerPod: o.eventsPerPod ?? baseShape.eventsPerPod,
      replicas: o.replicas ?? baseShape.replicas,
    }
    const flapping = o.flapping ?? baseShape.flapping
    if (flapping !== undefined) shape.flapping = flapping
    let down = o.down
    if (!down && options.downRate && unit(hash(seed, 'down', name)) < options.downRate) down = 'refused'
    const c: Cluster = {
      name,
      index,
      token: `sim-${hex(seed, 32, 'token', name)}`,
      latencyMs: o.latencyMs ?? options.latencyMs ?? 0,
      faults: {
        rate: f.rate ?? 0,
        kinds: f.kinds?.length ? f.kinds : [...FAULT_KINDS],
        retryAfterSeconds: f.retryAfterSeconds ?? 1,
        stallMs: f.stallMs ?? 5000,
        ...(f.paths ? { paths: new RegExp(f.paths) } : {}),
        ...(f.maxPerPath !== undefined ? { maxPerPath: f.maxPerPath } : {}),
      },
      down,
      forbidden: new Set(o.forbidden ?? []),
      modelKey: JSON.stringify([index % variants, shape]),
      stats: newStats(),
    }
    clusters.set(name, c)
  })

  // Pages already built, by model, URL and representation: clusters sharing content share them.
  const cache = new Map<string, Page>()
  let cached = 0
  const cacheCap = options.cacheBytes ?? 256 * 1024 * 1024
  const remember = (key: string, page: Page) => {
    const size = page.body.length + (page.gz?.length ?? 0)
    if (size > cacheCap / 4) return
    while (cached + size > cacheCap && cache.size) {
      const [k, v] = cache.entries().next().value as [string, Page]
      cache.delete(k)
      cached -= v.body.length + (v.gz?.length ?? 0)
    }
    cache.set(key, page)
    cached += size
  }

  const logEntries: SimLogEntry[] = []
  const logAll = options.log ?? false
  let logOnly = options.logClusters ? new Set(options.logClusters) : undefined

  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
    void handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' })
        res.end(status(500, 'InternalError', `simulator: ${String(e)}`))
      } else res.destroy()
    })
  }
  const cert = options.tls ? selfSignedCertificate() : undefined
  const server = cert
    ? https.createServer(
        { key: cert.key, cert: cert.cert, keepAliveTimeout: 30_000, requestTimeout: 0 },
        onRequest,
      )
    : http.createServer({ keepAliveTimeout: 30_000, requestTimeout: 0 }, onRequest)
  const sockets = new Set<Socket>()
  let connections = 0
  server.on('connection', (s) => {
    connections++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const rawUrl = req.url ?? '/'
    if (rawUrl.startsWith('/_sim/')) return simEndpoint(rawUrl, res)
    const m = /^\/clusters\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(rawUrl)
    const c = m ? clusters.get(decodeURIComponent(m[1]!)) : undefined
    if (!m || !c) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' })
      res.end('404 page not found\n')
      return
    }
    const path = m[2] || '/'
    const query = new URLSearchParams(m[3]?.slice(1) ?? '')
    const accept = String(req.headers.accept ?? '')
    const st = c.stats
    st.requests++
    const entry: SimLogEntry | undefined =
      (logOnly ? logOnly.has(c.name) : logAll) && logEntries.length < MAX_LOG
        ? { cluster: c.name, url: path + (m[3] ?? ''), accept, status: 0, t: performance.now() - started }
        : undefined
    if (entry) logEntries.push(entry)
    const send = (
      code: number,
      body: string | Buffer,
      type = 'application/json',
      headers: Record<string, string> = {},
    ) => {
      if (entry) entry.status = code
      let buf = typeof body === 'string' ? Buffer.from(body) : body
      const h: Record<string, string> = {
        'content-type': type,
        'cache-control': 'no-cache, private',
        ...headers,
      }
      if (gzip && buf.length > GZIP_THRESHOLD && acceptsGzip(req)) {
        buf = gzipSync(buf, { level: 1 })
        h['content-encoding'] = 'gzip'
      }
      h['content-length'] = String(buf.length)
      st.bytes += buf.length
      res.writeHead(code, h)
      res.end(buf)
    }
    if (c.down === 'reset') {
      if (entry) entry.status = -1
      req.socket.destroy()
      return
    }
    const auth = req.headers.authorization
    if (c.down === 'unauthorized' || auth !== `Bearer ${c.token}`) {
      send(401, status(401, 'Unauthorized', 'Unauthorized'))
      return
    }
    if (req.method !== 'GET') {
      send(
        405,
        status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'),
      )
      return
    }

    const fault = pickFault(c, path + (m[3] ?? ''), query.has('continue'))
    if (fault) {
      st.faults[fault] = (st.faults[fault] ?? 0) + 1
      if (entry) entry.fault = fault
    }
    const delay = c.latencyMs + (fault === 'stall' ? c.faults.stallMs : 0)
    if (delay > 0) await sleep(delay)
    if (res.destroyed || req.socket.destroyed) return
    switch (fault) {
      case 'reset':
        if (entry) entry.status = -1
        req.socket.destroy()
        return
      case '500':
        send(
          500,
          status(500, 'InternalError', 'Internal error occurred: simulated failure', {
            causes: [{ message: 'simulated failure' }],
          }),
        )
        return
      case '503':
        send(503, status(503, 'ServiceUnavailable', 'the server is currently unable to handle the request'))
        return
      case '429':
        // What API Priority and Fairness answers when a priority level's queues are full.
        send(429, 'Too many requests, please try again later.\n', 'text/plain; charset=utf-8', {
          'retry-after': String(c.faults.retryAfterSeconds),
          'x-content-type-options': 'nosniff',
        })
        return
      case 'gone': {
        const token = query.get('continue')!
        send(
          410,
          status(
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
            undefined,
            { continue: reissue(token) },
          ),
        )
        return
      }
      default:
    }
    await route({ c, query, accept, req, res, send, truncate: fault === 'truncate', entry }, path)
  }

  function pickFault(c: Cluster, url: string, isContinue: boolean): FaultKind | undefined {
    const f = c.faults
    if (f.rate <= 0) return undefined
    if (f.paths && !f.paths.test(url)) return undefined
    c.attempts ??= new Map()
    const n = c.attempts.get(url) ?? 0
    c.attempts.set(url, n + 1)
    if (f.maxPerPath !== undefined && n >= f.maxPerPath) return undefined
    if (unit(hash(seed, 'fault', c.name, url, n)) >= f.rate) return undefined
    const kinds = isContinue ? f.kinds : f.kinds.filter((k) => k !== 'gone')
    if (!kinds.length) return undefined
    return kinds[hash(seed, 'kind', c.name, url, n) % kinds.length]
  }

  async function route(rq: SimRequest, path: string): Promise<void> {
    const { c, accept, send } = rq
    const st = c.stats
    const p = path.replace(/\/+$/, '') || '/'
    if (p === '/version') {
      st.discovery++
      return send(200, JSON.stringify(BUILD, null, 2))
    }
    if (p === '/api' || p === '/apis') {
      st.discovery++
      if (wantsAggregated(accept)) {
        return send(
          200,
          aggregatedDiscovery(p === '/api' ? 'core' : 'groups'),
          'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
        )
      }
      return send(200, p === '/api' ? apiVersions() : apiGroupList())
    }
    const parts = p.split('/').filter(Boolean)
    // /api/v1[/namespaces/ns]/resource[/name] or /apis/group/version[/namespaces/ns]/resource[/name]
    let group: string
    let version: string
    let rest: string[]
    if (parts[0] === 'api' && parts[1] === 'v1') {
      group = ''
      version = 'v1'
      rest = parts.slice(2)
    } else if (parts[0] === 'apis' && parts.length >= 3) {
      group = parts[1]!
      version = parts[2]!
      rest = parts.slice(3)
    } else {
      return send(404, status(404, 'NotFound', 'the server could not find the requested resource', {}))
    }
    const gv = BUILTIN_GROUPS.get(group)?.versions.get(version)
    if (!gv) return send(404, status(404, 'NotFound', 'the server could not find the requested resource', {}))
    if (rest.length === 0) {
      st.discovery++
      return send(200, resourceList(group, version))
    }
    let namespace: string | undefined
    if (rest[0] === 'namespaces' && rest.length >= 3) {
      namespace = rest[1]
      rest = rest.slice(2)
    }
    const r = gv.resources.get(rest[0]!)
    if (!r || rest.length > 2 || (namespace !== undefined && !r.namespaced)) {
      return send(404, status(404, 'NotFound', 'the server could not find the requested resource', {}))
    }
    const gr = group ? `${group}/${r.name}` : r.name
    if (c.forbidden.has(gr)) {
      const where = namespace ? `in the namespace "${namespace}"` : 'at the cluster scope'
      return send(
        403,
        status(
          403,
          'Forbidden',
          `${group ? `${r.name}.${group}` : r.name} is forbidden: User "sim-viewer" cannot ${rest.length === 2 ? 'get' : 'list'} resource "${r.name}" in API group "${group}" ${where}`,
          { group, kind: r.name },
        ),
      )
    }
    const model = modelOf(c)
    const src = model.source(gr) ?? EMPTY
    if (rest.length === 2) {
      st.gets++
      const name = rest[1]!
      const key = namespace !== undefined ? `${namespace}/${name}` : name
      const i = lowerBound(src, key)
      if (i < src.count && src.key(i) === key) {
        const o = { kind: r.kind, apiVersion: group ? `${group}/${version}` : 'v1', ...src.item(i) }
        return send(200, JSON.stringify(o))
      }
      return send(
        404,
        status(404, 'NotFound', `${group ? `${r.name}.${group}` : r.name} "${name}" not found`, {
          name,
          group,
          kind: r.name,
        }),
      )
    }
    st.lists++
    await list(rq, model, r, group, version, src, namespace)
  }

  async function list(
    rq: SimRequest,
    model: ClusterModel,
    r: SimResource,
    group: string,
    version: string,
    src: KindSource,
    namespace: string | undefined,
  ): Promise<void> {
    const { c, query, accept, req, res, send, truncate, entry } = rq
    if (query.get('watch') === 'true' || query.get('watch') === '1') {
      return send(405, status(405, 'MethodNotAllowed', 'the simulator does not serve watches'))
    }
    // Field selectors as kube-apiserver takes them: terms joined by commas, each `=`, `==` or `!=`;
    // events have their own fields (events.k8s.io names mapped to the core ones), every other kind
    // only `metadata.name` and `metadata.namespace`.
    const terms: { field: string; value: string; not: boolean }[] = []
    const fs = query.get('fieldSelector')
    if (fs) {
      const isEvent = r.name === 'events'
      for (const term of fs.split(',')) {
        const mm = /^([a-zA-Z.]+)(==?|!=)(.*)$/.exec(term.trim())
        if (!mm)
          return send(400, status(400, 'BadRequest', `invalid selector: '${fs}'; can't understand '${term}'`))
        const [given, op, value] = [mm[1]!, mm[2]!, mm[3]!]
        const field = isEvent ? eventFieldOf(given, group) : META_FIELDS.has(given) ? given : undefined
        if (!field)
          return send(
            400,
            status(
              400,
              'BadRequest',
              isEvent
                ? `field label not supported: ${given}`
                : `"${given}" is not a known field selector: only "metadata.name", "metadata.namespace"`,
            ),
          )
        // `metadata.namespace=x` narrows the list to the namespace, as a namespaced path does.
        if (field === 'metadata.namespace' && op !== '!=') namespace = value
        else terms.push({ field, value, not: op === '!=' })
      }
    }
    if (query.get('labelSelector')) {
      return send(400, status(400, 'BadRequest', 'the simulator does not support label selectors'))
    }
    const limitRaw = Number(query.get('limit') ?? '0')
    const rvParam = query.get('resourceVersion')
    const cont = query.get('continue')
    let limit = Number.isFinite(limitRaw) && limitRaw > 0 ? Math.floor(limitRaw) : 0
    if (rvParam === '0' && !cont && rv0 === 'full') limit = 0 // the watch cache ignores limit
    let start = 0
    if (cont) {
      const decoded = decodeContinue(cont)
      if (!decoded) return send(400, status(400, 'BadRequest', 'continue key is not valid'))
      start = decoded.start === undefined ? 0 : lowerBound(src, decoded.start, true)
    } else if (namespace !== undefined) start = lowerBound(src, `${namespace}/`)
    const filtered = terms.length > 0 || namespace !== undefined
    const valueOf = (i: number, field: string): string => {
      if (field === 'metadata.name') return src.key(i).slice(src.key(i).indexOf('/') + 1)
      if (field === 'metadata.namespace') {
        const k = src.key(i)
        return k.includes('/') ? k.slice(0, k.indexOf('/')) : ''
      }
      return src.field?.(i, field) ?? ''
    }
    const matches = (i: number): boolean => {
      if (namespace !== undefined && !src.key(i).startsWith(`${namespace}/`)) return false
      for (const t of terms) if ((valueOf(i, t.field) === t.value) === t.not) return false
      return true
    }
    const meta = /(^|,)\s*application\/json;\s*as=PartialObjectMetadataList;\s*g=meta\.k8s\.io;\s*v=v1/.test(
      accept,
    )
    // kubectl's tables (as=Table) are not served: it then prints the plain list's names and ages.
    const apiVersion = group ? `${group}/${version}` : 'v1'
    const listKind = meta ? 'PartialObjectMetadataList' : `${r.kind}List`
    const listApi = meta ? 'meta.k8s.io/v1' : apiVersion
    const rv = String(model.resourceVersion)
    const encodeItem = (i: number): string => {
      const o = src.item(i)
      if (meta)
        return JSON.stringify({
          kind: 'PartialObjectMetadata',
          apiVersion: 'meta.k8s.io/v1',
          metadata: o.metadata,
        })
      return JSON.stringify(o)
    }
    const nsEnd = namespace !== undefined ? lowerBound(src, `${namespace}/\uffff`) : src.count
    // Walk from `start`, collecting up to `limit` matches (as etcd + the predicate filter do).
    const pickItems = function* (): Generator<number> {
      let taken = 0
      for (let i = start; i < nsEnd; i++) {
        if (filtered && !matches(i)) continue
        yield i
        if (limit && ++taken >= limit) return
      }
    }
    const finish = (last: number | undefined): string => {
      const m: Obj = { resourceVersion: rv }
      if (limit && last !== undefined) {
        let more = false
        for (let j = last + 1; j < nsEnd; j++)
          if (!filtered || matches(j)) {
            more = true
            break
          }
        if (more) {
          m.continue = encodeContinue(src.key(last) + '\u0000', Number(rv))
          if (!filtered) m.remainingItemCount = nsEnd - last - 1
        }
      }
      return JSON.stringify(m)
    }
    const cacheKey = `${c.modelKey}|${r.name}|${group}|${start}|${limit}|${terms.map((t) => `${t.field}${t.not ? '!=' : '='}${t.value}`).join(',')}|${namespace ?? ''}|${meta ? 1 : 0}`
    const useGzip = gzip && acceptsGzip(req)
    const page = cache.get(cacheKey)
    const headers = (gz: boolean): Record<string, string> => ({
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      ...(gz ? { 'content-encoding': 'gzip' } : {}),
    })
    const deliver = (p: Page) => {
      const body = useGzip && p.gz ? p.gz : p.body
      if (entry) entry.status = 200
      c.stats.bytes += body.length
      res.writeHead(200, { ...headers(useGzip && !!p.gz), 'content-length': String(body.length) })
      if (truncate) {
        res.write(body.subarray(0, Math.max(1, Math.floor(body.length / 2))))
        setImmediate(() => res.destroy())
        return
      }
      res.end(body)
    }
    if (page) return deliver(page)

    // Small enough (by count) to build whole: build, cache, send.
    const expected = limit ? Math.min(limit, nsEnd - start) : nsEnd - start
    const head = `{"kind":"${listKind}","apiVersion":"${listApi}","metadata":`
    if (expected <= 2000) {
      const parts: string[] = []
      let last: number | undefined
      for (const i of pickItems()) {
        parts.push(encodeItem(i))
        last = i
      }
      const body = Buffer.from(`${head}${finish(last)},"items":[${parts.join(',')}]}`)
      if (body.length <= WHOLE_LIMIT) {
        const p: Page = { body }
        if (gzip && body.length > GZIP_THRESHOLD) p.gz = gzipSync(body, { level: 1 })
        remember(cacheKey, p)
        return deliver(p)
      }
    }
    // Big: stream it, item by item, as the API server encodes a large list. The metadata (which
    // needs the last key) goes first in the API server's output, so compute it by a first pass over keys.
    let last: number | undefined
    for (const i of pickItems()) last = i
    const metaJson = finish(last)
    if (entry) entry.status = 200
    res.writeHead(200, headers(useGzip))
    const out: NodeJS.WritableStream = useGzip ? createGzip({ level: 1, flush: zconst.Z_NO_FLUSH }) : res
    if (useGzip) {
      const gz = out as ReturnType<typeof createGzip>
      gz.on('data', (b: Buffer) => (c.stats.bytes += b.length))
      gz.pipe(res)
    }
    const write = async (s: string): Promise<void> => {
      if (!useGzip) c.stats.bytes += Buffer.byteLength(s)
      if (!out.write(s)) await new Promise<void>((resolve) => out.once('drain', resolve))
    }
    let aborted = false
    res.on('close', () => (aborted = true))
    await write(`${head}${metaJson},"items":[`)
    let first = true
    let batch: string[] = []
    let n = 0
    for (const i of pickItems()) {
      batch.push(encodeItem(i))
      if (batch.length >= 100) {
        await write((first ? '' : ',') + batch.join(','))
        first = false
        batch = []
        if (aborted) return
        if (truncate && ++n === 3) {
          res.destroy()
          return
        }
      }
    }
    if (batch.length) await write((first ? '' : ',') + batch.join(','))
    out.end(']}')
  }

  function simEndpoint(url: string, res: http.ServerResponse): void {
    const u = new URL(url, 'http://sim')
    let body: unknown
    if (u.pathname === '/_sim/stats')
      body = {
        clusters: Object.fromEntries([...clusters].map(([n, c]) => [n, c.stats])),
        totals: sim.totals(),
      }
    else if (u.pathname === '/_sim/log') body = logEntries
    else if (u.pathname === '/_sim/reset') {
      sim.reset()
      // `?log=a,b`: from now on, log only these clusters.
      const only = u.searchParams.get('log')
      if (only !== null) logOnly = new Set(only.split(',').filter(Boolean))
      body = { ok: true }
    } else if (u.pathname === '/_sim/kubeconfig') {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.end(sim.kubeconfig())
      return
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' })
      res.end('404 page not found\n')
      return
    }
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const url = `${cert ? 'https' : 'http'}://127.0.0.1:${port}`

  const sim: Simulator = {
    url,
    port,
    ...(cert ? { caData: cert.cert } : {}),
    names,
    serverOf: (name) => {
      const c = clusters.get(name)
      if (!c) throw new Error(`no simulated cluster ${JSON.stringify(name)}`)
      // Port 1 is privileged and unused on loopback: connecting is refused at once.
      const base = c.down === 'refused' ? `${cert ? 'https' : 'http'}://127.0.0.1:1` : url
      return `${base}/clusters/${encodeURIComponent(name)}${c.down === 'unknown' ? '-unknown' : ''}`
    },
    tokenOf: (name) => {
      const c = clusters.get(name)
      if (!c) throw new Error(`no simulated cluster ${JSON.stringify(name)}`)
      return c.token
    },
    kubeconfig: () =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        preferences: {},
        'current-context': names[0] ?? '',
        clusters: names.map((n) => ({
          name: n,
          // Plain HTTP on loopback: client-node allows it only with insecure-skip-tls-verify.
          cluster: cert
            ? {
                server: sim.serverOf(n),
                'certificate-authority-data': Buffer.from(cert.cert).toString('base64'),
              }
            : { server: sim.serverOf(n), 'insecure-skip-tls-verify': true },
        })),
        users: names.map((n) => ({ name: n, user: { token: clusters.get(n)!.token } })),
        contexts: names.map((n) => ({ name: n, context: { cluster: n, user: n } })),
      }),
    writeKubeconfig: (path) => writeFile(path, sim.kubeconfig(), { mode: 0o600 }),
    stats: () => Object.fromEntries([...clusters].map(([n, c]) => [n, structuredClone(c.stats)])),
    totals: () => {
      const t = { ...newStats(), clusters: clusters.size, connections, openConnections: sockets.size }
      for (const c of clusters.values()) {
        t.requests += c.stats.requests
        t.bytes += c.stats.bytes
        t.lists += c.stats.lists
        t.discovery += c.stats.discovery
        t.gets += c.stats.gets
        for (const [k, v] of Object.entries(c.stats.faults))
          t.faults[k as FaultKind] = (t.faults[k as FaultKind] ?? 0) + v
      }
      return t
    },
    log: () => [...logEntries],
    reset: () => {
      connections = 0
      for (const c of clusters.values()) {
        c.stats = newStats()
        c.attempts = undefined
      }
      logEntries.length = 0
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      }),
  }
  return sim
}

/** A self-signed ECDSA certificate for 127.0.0.1 and localhost, valid two days. */
function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-sim-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
        '-days',
        '2',
        '-subj',
        '/CN=kubedac-sim',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
      ],
      { stdio: 'ignore' },
    )
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const EMPTY: KindSource = { count: 0, key: () => '', item: () => ({}) }

function acceptsGzip(req: http.IncomingMessage): boolean {
  return /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
}

/** Whether the client asks for aggregated discovery (apidiscovery.k8s.io/v2) before plain JSON. */
function wantsAggregated(accept: string): boolean {
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '')
    if (/as=APIGroupDiscoveryList/.test(p) && /g=apidiscovery\.k8s\.io/.test(p) && /(^|;)v=v2(;|$)/.test(p))
      return true
    if (/^application\/json(;|$)/.test(p) && !/as=/.test(p)) return false
  }
  return false
}

/** The first index whose key is ≥ `key` (or > when `after`), by binary search. */
function lowerBound(src: KindSource, key: string, after = false): number {
  let lo = 0
  let hi = src.count
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    const k = src.key(mid)
    if (k < key || (after && k === key)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** A continue token as kube-apiserver encodes it: base64url(JSON {v, rv, start}). */
function encodeContinue(start: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url')
}

function decodeContinue(token: string): { start?: string; rv: number } | undefined {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as {
      v?: unknown
      rv?: unknown
      start?: unknown
    }
    if (
      t.v !== 'meta.k8s.io/v1' ||
      typeof t.rv !== 'number' ||
      t.rv === 0 ||
      typeof t.start !== 'string' ||
      !t.start
    )
      return undefined
    // `start` ends in "\u0000": everything after the last key served.
    return { start: t.start.endsWith('\u0000') ? t.start.slice(0, -1) : t.start, rv: t.rv }
  } catch {
    return undefined
  }
}

/** The token a 410 carries: same position, resourceVersion -1 (continue at the latest version). */
function reissue(token: string): string {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString()) as Obj
    return Buffer.from(JSON.stringify({ ...t, rv: -1 })).toString('base64url')
  } catch {
    return ''
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
