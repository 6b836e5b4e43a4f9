import http from 'node:http'
import https from 'node:https'
import { createGunzip } from 'node:zlib'
import { ERRORS, errorMessage, type ErrorCode } from '../core/errors.js'
import { isKindKey, parseKindKey } from '../core/kinds.js'
import type { KubeObject, ScanError } from '../core/types.js'
import { defineCollector, type ClusterTarget, type CollectContext, type Collector } from './define.js'
import { kubeConfigFor } from './kubeconfig.js'

/** Tuning of the live-cluster collector. */
export interface KubernetesCollectorOptions {
  /** Longest wait for one request (headers and body), in ms; default 30 s. */
  requestTimeoutMs?: number
  /** Longest time for a whole cluster, in ms; default none. */
  deadlineMs?: number
  /** Retries on 429, 5xx, resets and timeouts; default 3. */
  maxRetries?: number
  /** First backoff delay, doubled each retry (with jitter), in ms; default 250. */
  retryBaseMs?: number
  /** Longest `Retry-After` honoured, in ms; default 30 s. */
  maxRetryAfterMs?: number
  /** Objects per LIST page; default 500. */
  pageSize?: number
  /** Kinds listed at once per cluster; default 4. */
  concurrency?: number
}

/** A kind the API server serves, from discovery. */
export interface ServedKind {
  group: string
  version: string
  /** Plural resource name (`deployments`). */
  resource: string
  kind: string
  namespaced: boolean
}

/** Kinds never listed, even when a detector asks: their contents are credentials. */
const NEVER_LIST = new Set(['Secret'])

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'EPROTO',
])
const UNREACHABLE_NET = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
])

/** An HTTP answer other than 200, with the API server's Status when it sent one. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    readonly reason: string | undefined,
    detail: string,
  ) {
    super(`GET ${path}: HTTP ${status}${reason ? ` ${reason}` : ''}${detail ? `: ${detail}` : ''}`)
  }
}

/** A connection-level failure: `tls` and `unreachable` ones are not retried. */
class NetError extends Error {
  constructor(
    readonly kind: 'tls' | 'unreachable' | 'transient',
    message: string,
  ) {
    super(message)
  }
}

/** The cluster's deadline (or the scan's signal) ended the work. */
class DeadlineError extends Error {}

interface Connection {
  /** Server URL without credentials or trailing slash, for sources and messages. */
  server: string
  base: URL
  agent: http.Agent
  headers: Record<string, string>
  auth?: string
  /** Strings that must never appear in a message. */
  secrets: string[]
}

async function connect(kube: NonNullable<ClusterTarget['kube']>): Promise<Connection> {
  const kc = await kubeConfigFor(kube)
  const cluster = kc.getCurrentCluster()!
  const opts: https.RequestOptions = {}
  await kc.applyToHTTPSOptions(opts)
  const headers: Record<string, string> = {}
  const secrets: string[] = []
  for (const [k, v] of Object.entries(opts.headers ?? {})) {
    if (v === undefined) continue
    const value = Array.isArray(v) ? v.join(', ') : String(v)
    headers[k] = value
    if (/^(authorization|proxy-authorization|cookie)$/i.test(k)) {
      secrets.push(value)
      const sp = value.indexOf(' ')
      if (sp > 0) secrets.push(value.slice(sp + 1))
    }
  }
  const user = kc.getCurrentUser()
  if (user?.password) secrets.push(user.password)
  if (user?.token) secrets.push(user.token)
  const base = new URL(cluster.server)
  if (base.username || base.password) {
    secrets.push(decodeURIComponent(base.password), decodeURIComponent(base.username))
    base.username = ''
    base.password = ''
  }
  // client-node builds its agent without keep-alive: one TLS handshake per page otherwise.
  const agent = opts.agent as http.Agent & { keepAlive?: boolean }
  agent.keepAlive = true
  const conn: Connection = {
    server: base.toString().replace(/\/+$/, ''),
    base,
    agent,
    headers,
    secrets: secrets.filter((s) => s.length >= 4),
  }
  if (opts.auth) {
    conn.auth = opts.auth
    conn.secrets.push(opts.auth)
  }
  return conn
}

interface Response {
  status: number
  headers: http.IncomingHttpHeaders
  body: string
}

function get(conn: Connection, pathAndQuery: string, signal: AbortSignal): Promise<Response> {
  const url = new URL(conn.server + pathAndQuery)
  const mod = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      method: 'GET',
      agent: conn.agent,
      headers: { ...conn.headers, accept: 'application/json', 'accept-encoding': 'gzip' },
      signal,
    }
    if (conn.auth) options.auth = conn.auth
    const req = mod.request(url, options, (res) => {
      const stream = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('error', reject)
      res.on('error', reject)
      res.on('aborted', () => reject(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })))
      stream.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      )
    })
    req.on('error', reject)
    req.end()
  })
}

function retryAfterMs(h: http.IncomingHttpHeaders): number | undefined {
  const v = h['retry-after']
  if (typeof v !== 'string') return undefined
  const secs = Number(v)
  if (Number.isFinite(secs) && secs >= 0) return secs * 1000
  const at = Date.parse(v)
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now())
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new DeadlineError('deadline'))
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(t)
      reject(new DeadlineError('deadline'))
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}

function netErrorOf(e: unknown): NetError {
  const code = (e as { code?: unknown })?.code
  const c = typeof code === 'string' ? code : ''
  const msg = errorMessage(e)
  if (TLS_CODES.has(c) || c.startsWith('ERR_TLS_') || c.startsWith('ERR_SSL_') || /CERT/.test(c))
    return new NetError('tls', `${msg}${c && !msg.includes(c) ? ` (${c})` : ''}`)
  if (UNREACHABLE_NET.has(c)) return new NetError('unreachable', msg)
  return new NetError('transient', msg)
}

/** Lists and discovery for one cluster, with timeouts, retries and a deadline. */
class ApiClient {
  constructor(
    private readonly conn: Connection,
    private readonly opts: Required<Omit<KubernetesCollectorOptions, 'deadlineMs'>>,
    readonly signal: AbortSignal,
  ) {}

  /** GETs a path and parses the JSON body; throws HttpError, NetError or DeadlineError. */
  async getJson<T>(pathAndQuery: string): Promise<T> {
    const { maxRetries, retryBaseMs, requestTimeoutMs, maxRetryAfterMs } = this.opts
    for (let attempt = 0; ; attempt++) {
      if (this.signal.aborted) throw new DeadlineError('deadline')
      const timeout = AbortSignal.timeout(requestTimeoutMs)
      const backoff = retryBaseMs * 2 ** attempt * (0.5 + Math.random())
      let res: Response
      try {
        res = await get(this.conn, pathAndQuery, AbortSignal.any([this.signal, timeout]))
      } catch (e) {
        if (this.signal.aborted) throw new DeadlineError('deadline')
        const err = timeout.aborted
          ? new NetError('transient', `GET ${pathAndQuery}: no answer within ${requestTimeoutMs} ms`)
          : netErrorOf(e)
        if (err.kind !== 'transient' || attempt >= maxRetries) {
          if (err.kind === 'transient' && !timeout.aborted)
            err.message = `GET ${pathAndQuery}: ${err.message} (after ${attempt} retries)`
          throw err
        }
        await sleep(backoff, this.signal)
        continue
      }
      if (res.status === 200) {
        try {
          return JSON.parse(res.body) as T
        } catch (e) {
          throw new HttpError(200, pathAndQuery, undefined, `invalid JSON (${errorMessage(e)})`)
        }
      }
      const retryable = res.status === 429 || (res.status >= 500 && res.status !== 501)
      if (retryable && attempt < maxRetries) {
        const after = retryAfterMs(res.headers)
        await sleep(after === undefined ? backoff : Math.min(after, maxRetryAfterMs), this.signal)
        continue
      }
      let reason: string | undefined
      let detail = ''
      try {
        const st = JSON.parse(res.body) as { kind?: string; reason?: string; message?: string }
        if (st?.kind === 'Status') {
          reason = st.reason
          detail = st.message ?? ''
        }
      } catch {
        detail = res.body.slice(0, 200)
      }
      if (retryable) detail += ` (after ${attempt} retries)`
      throw new HttpError(res.status, pathAndQuery, reason, detail)
    }
  }
}

interface ResourceList {
  groupVersion?: string
  resources?: { name: string; kind: string; namespaced?: boolean; verbs?: string[] }[]
}
interface GroupList {
  groups?: {
    name: string
    versions?: { groupVersion: string; version: string }[]
    preferredVersion?: { groupVersion: string; version: string }
  }[]
}
interface ListBody {
  kind?: string
  apiVersion?: string
  metadata?: { continue?: string; resourceVersion?: string }
  items?: KubeObject[] | null
}

function servedIn(list: ResourceList, group: string, version: string): ServedKind[] {
  const out: ServedKind[] = []
  for (const r of list.resources ?? []) {
    if (r.name.includes('/') || !(r.verbs ?? []).includes('list')) continue
    out.push({ group, version, resource: r.name, kind: r.kind, namespaced: !!r.namespaced })
  }
  return out
}

/** What went wrong, as the collector reports it. */
type Failure = { code: ErrorCode; detail: string; fatal: boolean }

/**
 * Finds which of the wanted kinds (by `group/Kind`) the server serves, in its preferred version.
 * Kinds it does not serve are simply absent from the result.
 */
async function discover(
  api: ApiClient,
  wanted: ReadonlyMap<string, { group: string; kind: string }>,
  onGroupError: (groupVersion: string, e: unknown) => void,
): Promise<Map<string, ServedKind>> {
  const found = new Map<string, ServedKind>()
  const byGroup = new Map<string, Set<string>>()
  for (const { group, kind } of wanted.values()) {
    let s = byGroup.get(group)
    if (!s) byGroup.set(group, (s = new Set()))
    s.add(kind)
  }
  const take = (served: ServedKind[]) => {
    for (const s of served) {
      const gk = s.group ? `${s.group}/${s.kind}` : s.kind
      if (wanted.has(gk) && !found.has(gk)) found.set(gk, s)
    }
  }
  if (byGroup.has('')) take(servedIn(await api.getJson<ResourceList>('/api/v1'), '', 'v1'))
  const groups = [...byGroup.keys()].filter((g) => g !== '')
  if (!groups.length) return found
  const list = await api.getJson<GroupList>('/apis')
  for (const g of list.groups ?? []) {
    const kinds = byGroup.get(g.name)
    if (!kinds) continue
    const versions = [...(g.versions ?? [])]
    const pref = g.preferredVersion?.version
    versions.sort((a, b) => (a.version === pref ? -1 : b.version === pref ? 1 : 0))
    for (const v of versions) {
      if ([...kinds].every((k) => found.has(`${g.name}/${k}`))) break
      try {
        take(servedIn(await api.getJson<ResourceList>(`/apis/${g.name}/${v.version}`), g.name, v.version))
      } catch (e) {
        if (e instanceof HttpError && e.status === 404) continue
        if (e instanceof DeadlineError || (e instanceof NetError && e.kind !== 'transient')) throw e
        onGroupError(v.groupVersion, e)
      }
    }
  }
  return found
}

/** Kind keys required, grouped by group/Kind (several versions of one kind are listed once); never Secrets. */
function wantedKinds(
  requires: Iterable<string>,
): Map<string, { group: string; kind: string; keys: string[] }> {
  const wanted = new Map<string, { group: string; kind: string; keys: string[] }>()
  for (const key of requires) {
    if (!isKindKey(key)) continue // a data key (kubedac/collection, cmdb/owners), not a kind
    const { apiVersion, kind } = parseKindKey(key)
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''
    if (!group && NEVER_LIST.has(kind)) continue
    const gk = group ? `${group}/${kind}` : kind
    const w = wanted.get(gk)
    if (w) w.keys.push(key)
    else wanted.set(gk, { group, kind, keys: [key] })
  }
  return wanted
}

/** What API discovery says about one live cluster, before any LIST (`kubedac plan`). */
export interface ClusterDiscovery {
  /** The API server's URL, without credentials. */
  server?: string
  /** Wanted kinds the server serves: what a scan would LIST (version and resource chosen by discovery). */
  served: (ServedKind & { groupKind: string; keys: string[] })[]
  /** Wanted kinds the server does not serve (by group/Kind, with the declared keys). */
  notServed: { groupKind: string; keys: string[] }[]
  /** Why discovery could not finish; empty when it did. */
  errors: ScanError[]
}

/** Runs only API discovery for the kinds in `requires` (no LIST): which a scan would list and which it would not. */
export async function discoverCluster(
  cluster: ClusterTarget,
  requires: Iterable<string>,
  options: KubernetesCollectorOptions = {},
): Promise<ClusterDiscovery> {
  const out: ClusterDiscovery = { served: [], notServed: [], errors: [] }
  const kube = cluster.kube
  if (!kube) return out
  let secrets: string[] = []
  const report = (code: ErrorCode, detail: string) =>
    out.errors.push({
      source: cluster.source,
      code,
      message: secrets.reduce(
        (m, x) => m.split(x).join('[redacted]'),
        `${cluster.name}: ${ERRORS[code]}: ${detail}`,
      ),
    })
  const wanted = wantedKinds(requires)
  let conn: Connection
  try {
    conn = await connect(kube)
  } catch (e) {
    report('KDAC_E_KUBECONFIG', `context ${kube.context}: ${errorMessage(e)}`)
    return out
  }
  secrets = conn.secrets
  out.server = conn.server
  const opts = {
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 3,
    retryBaseMs: options.retryBaseMs ?? 250,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    pageSize: options.pageSize ?? 500,
    concurrency: Math.max(1, options.concurrency ?? 4),
  }
  const signal =
    options.deadlineMs === undefined ? new AbortController().signal : AbortSignal.timeout(options.deadlineMs)
  try {
    const served = await discover(new ApiClient(conn, opts, signal), wanted, (gv, e) =>
      report('KDAC_E_LIST_FAILED', `discovery of ${gv}: ${errorMessage(e)}`),
    )
    for (const [gk, w] of wanted) {
      const s = served.get(gk)
      if (s) out.served.push({ ...s, groupKind: gk, keys: w.keys })
      else out.notServed.push({ groupKind: gk, keys: w.keys })
    }
  } catch (e) {
    const code: ErrorCode =
      e instanceof NetError && e.kind === 'tls'
        ? 'KDAC_E_CLUSTER_TLS'
        : e instanceof HttpError && (e.status === 401 || e.status === 403)
          ? 'KDAC_E_CLUSTER_AUTH'
          : e instanceof DeadlineError
            ? 'KDAC_E_CLUSTER_DEADLINE'
            : 'KDAC_E_CLUSTER_UNREACHABLE'
    report(code, `discovery on ${conn.server}: ${errorMessage(e)}`)
  } finally {
    conn.agent.destroy()
  }
  return out
}

/** Builds the live-cluster collector with its tuning. */
export function createKubernetesCollector(options: KubernetesCollectorOptions = {}): Collector {
  const opts = {
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 3,
    retryBaseMs: options.retryBaseMs ?? 250,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    pageSize: options.pageSize ?? 500,
    concurrency: Math.max(1, options.concurrency ?? 4),
  }
  return defineCollector({
    meta: {
      id: 'kubernetes',
      description:
        'Lists the kinds enabled detectors need from a live cluster (kubeconfig context), cluster-wide and paged.',
      produces: ['*'],
      appliesTo: (c) => !!c.kube,
    },
    collect: (ctx) => collectCluster(ctx, opts, options.deadlineMs),
  })
}

/** The live-cluster collector with default tuning. */
export const kubernetesCollector = createKubernetesCollector()

async function collectCluster(
  ctx: CollectContext,
  opts: Required<Omit<KubernetesCollectorOptions, 'deadlineMs'>>,
  deadlineMs: number | undefined,
): Promise<void> {
  const { cluster, sink } = ctx
  const kube = cluster.kube
  if (!kube) return
  let secrets: string[] = []
  const redact = (s: string) => secrets.reduce((m, x) => m.split(x).join('[redacted]'), s)
  const report = (code: ErrorCode, detail: string) =>
    sink.error({
      source: cluster.source,
      code,
      message: redact(`${cluster.name}: ${ERRORS[code]}: ${detail}`),
    })

  const wanted = wantedKinds(ctx.requires)
  if (!wanted.size) return

  let conn: Connection
  try {
    conn = await connect(kube)
  } catch (e) {
    report('KDAC_E_KUBECONFIG', `context ${kube.context}: ${errorMessage(e)}`)
    return
  }
  secrets = conn.secrets
  const signals = [ctx.signal, deadlineMs === undefined ? undefined : AbortSignal.timeout(deadlineMs)].filter(
    (s): s is AbortSignal => !!s,
  )
  const signal = signals.length ? AbortSignal.any(signals) : new AbortController().signal
  const api = new ApiClient(conn, opts, signal)
  try {
    await listAll(ctx, conn, api, wanted, opts, report)
  } finally {
    conn.agent.destroy()
  }
}

async function listAll(
  ctx: CollectContext,
  conn: Connection,
  api: ApiClient,
  wanted: Map<string, { group: string; kind: string; keys: string[] }>,
  opts: Required<Omit<KubernetesCollectorOptions, 'deadlineMs'>>,
  report: (code: ErrorCode, detail: string) => void,
): Promise<void> {
  const { sink } = ctx

  const failure = (e: unknown, what: string): Failure => {
    if (e instanceof DeadlineError)
      return { code: 'KDAC_E_CLUSTER_DEADLINE', detail: `${what} not finished`, fatal: true }
    if (e instanceof NetError)
      return e.kind === 'transient'
        ? { code: 'KDAC_E_LIST_FAILED', detail: `${what}: ${e.message}`, fatal: false }
        : {
            code: e.kind === 'tls' ? 'KDAC_E_CLUSTER_TLS' : 'KDAC_E_CLUSTER_UNREACHABLE',
            detail: `${conn.server}: ${e.message}`,
            fatal: true,
          }
    if (e instanceof HttpError && (e.status === 401 || e.status === 403))
      return { code: 'KDAC_E_CLUSTER_AUTH', detail: `${what}: ${e.message}`, fatal: e.status === 401 }
    return { code: 'KDAC_E_LIST_FAILED', detail: `${what}: ${errorMessage(e)}`, fatal: false }
  }

  let served: Map<string, ServedKind>
  try {
    served = await discover(api, wanted, (gv, e) => {
      const f = failure(e, `discovery of ${gv}`)
      report(f.code === 'KDAC_E_CLUSTER_AUTH' ? f.code : 'KDAC_E_LIST_FAILED', f.detail)
    })
  } catch (e) {
    const f = failure(e, `discovery on ${conn.server}`)
    // Nothing could be read: an API that cannot be discovered is an API not reached.
    report(f.code === 'KDAC_E_LIST_FAILED' ? 'KDAC_E_CLUSTER_UNREACHABLE' : f.code, f.detail)
    return
  }

  const queue = [...served.entries()]
  let stopped: Failure | undefined
  const notCollected: string[] = []
  const worker = async () => {
    for (;;) {
      const next = queue.shift()
      if (!next) return
      const [gk, s] = next
      if (stopped) {
        notCollected.push(gk)
        continue
      }
      try {
        await listKind(api, conn, s, ctx, opts.pageSize)
        for (const k of wanted.get(gk)?.keys ?? []) sink.collected(k)
      } catch (e) {
        if (e instanceof HttpError && e.status === 404) continue // removed since discovery
        const f = failure(e, `listing ${s.resource}${s.group ? `.${s.group}` : ''}`)
        if (f.fatal) {
          notCollected.push(gk)
          if (!stopped) stopped = f
        } else report(f.code, f.detail)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(opts.concurrency, queue.length) }, worker))
  if (stopped) {
    const code: ErrorCode =
      stopped.code === 'KDAC_E_CLUSTER_UNREACHABLE' || stopped.code === 'KDAC_E_CLUSTER_TLS'
        ? 'KDAC_E_LIST_FAILED' // discovery worked: the cluster was reached, then lost
        : stopped.code
    report(code, `${stopped.detail}; not collected: ${notCollected.sort().join(', ')}`)
  }
}

async function listKind(
  api: ApiClient,
  conn: Connection,
  s: ServedKind,
  ctx: CollectContext,
  pageSize: number,
): Promise<void> {
  const apiVersion = s.group ? `${s.group}/${s.version}` : 'v1'
  const path = s.group ? `/apis/${s.group}/${s.version}/${s.resource}` : `/api/v1/${s.resource}`
  const source = conn.server + path
  const warningsOnly = s.kind === 'Event' && (s.group === '' || s.group === 'events.k8s.io')
  for (let restarts = 0; ; restarts++) {
    let cont: string | undefined
    let first = true
    try {
      do {
        const q = new URLSearchParams({ limit: String(pageSize) })
        if (warningsOnly) q.set('fieldSelector', 'type=Warning')
        // The first page may come from the watch cache (no etcd read); `continue` pages may not name a version.
        if (first) q.set('resourceVersion', '0')
        else q.set('continue', cont!)
        const list = await api.getJson<ListBody>(`${path}?${q}`)
        const kind = s.kind || (list.kind ?? '').replace(/List$/, '')
        for (const item of list.items ?? []) {
          if (!item || typeof item !== 'object') continue
          if (!item.apiVersion) item.apiVersion = apiVersion
          if (!item.kind) item.kind = kind
          if (!ctx.keepManagedFields && item.metadata) delete item.metadata.managedFields
          ctx.sink.object(item, source)
        }
        cont = list.metadata?.continue || undefined
        first = false
      } while (cont)
      return
    } catch (e) {
      // An expired continue token: start the list again (objects already added are deduplicated).
      if (e instanceof HttpError && e.status === 410 && !first && restarts < 3) continue
      throw e
    }
  }
}
