import { createHash } from 'node:crypto'
import { statSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import path from 'node:path'
import tls from 'node:tls'
import { createGunzip } from 'node:zlib'
import { KubeConfig, type Cluster as KubeCluster, type Context, type User } from '@kubernetes/client-node'
import { ERRORS, errorMessage, type ErrorCode } from '../core/errors.js'
import { isKindKey, parseKindKey } from '../core/kinds.js'
import type { KubeObject, ScanError } from '../core/types.js'
import {
  SUCCESSOR_KINDS,
  defineCollector,
  type ClusterTarget,
  type CollectContext,
  type Collector,
  type LiveCluster,
} from './define.js'
import { ListStreamParser, parseJson, type ListEnvelope } from './json-list.js'
import { shareWith } from './share.js'
import { kubeConfigFor, loadKubeConfig } from './kubeconfig.js'

/** Tuning of the live-cluster collector. */
export interface KubernetesCollectorOptions {
  /** Longest wait for an answer to start, or silence while it arrives, in ms; default 30 s. */
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
  /** Kinds listed at once per cluster; default {@link DEFAULT_KIND_CONCURRENCY}. */
  concurrency?: number
  /**
   * Share subtrees equal to the previous item's in a list (siblings of one ReplicaSet), so the
   * snapshot of a big cluster holds far less memory; default true.
   */
  shareSiblings?: boolean
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

/** Kinds listed at once per cluster by default: a few LISTs in flight per API server, never a burst. */
export const DEFAULT_KIND_CONCURRENCY = 4

/** Kinds never listed, even when a detector asks: their contents are credentials. */
const NEVER_LIST = new Set(['Secret'])

/**
 * The field selectors of the LISTs a scan makes of a kind, one LIST each (`undefined`: the whole
 * kind). Events are many and mostly Normal, so only Warnings are listed, plus, where Nodes are
 * wanted too, the Normal events of Nodes: the kubelet and the node controller record readiness and
 * pressure changes (NodeNotReady, NodeReady, NodeHasDiskPressure, Starting…) as Normal events, and
 * the node detectors read them; they are few (one aggregated event per reason, reporter and node,
 * kept an hour). The two selectors never match the same event. Field selectors only AND their terms, so
 * narrowing to the few reasons detectors read would take a LIST per reason: one LIST is cheaper.
 * events.k8s.io/v1 names the involved object `regarding` (the API server maps it).
 */
export function listSelectors(
  s: Pick<ServedKind, 'group' | 'kind'>,
  withNodeEvents: boolean,
): readonly (string | undefined)[] {
  if (s.kind !== 'Event' || (s.group !== '' && s.group !== 'events.k8s.io')) return WHOLE
  if (!withNodeEvents) return WARNINGS
  return s.group === '' ? CORE_EVENT_SELECTORS : MODERN_EVENT_SELECTORS
}
const WHOLE = [undefined]
const WARNINGS = ['type=Warning']
const CORE_EVENT_SELECTORS = ['type=Warning', 'involvedObject.kind=Node,type=Normal']
const MODERN_EVENT_SELECTORS = ['type=Warning', 'regarding.kind=Node,type=Normal']

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
  /** Request options shared by every request to this server (host, port, agent, headers). */
  request: https.RequestOptions
  /** The server URL's path (a proxy prefix), prepended to every request path. */
  basePath: string
  secure: boolean
  agent: http.Agent
  /** Strings that must never appear in a message. */
  secrets: string[]
}

/** How kubedac names itself to API servers (their audit logs and API Priority and Fairness see it). */
const USER_AGENT = 'kubedac (read-only fleet scanner)'

interface ParsedKubeconfig {
  kc: KubeConfig
  contexts: Map<string, Context>
  clusters: Map<string, KubeCluster>
  users: Map<string, User>
}

// A fleet's kubeconfig may hold thousands of contexts: parse each file once (again only when it
// changes), not once per cluster.
const kubeconfigCache = new Map<string, { stamp: string; parsed: ParsedKubeconfig }>()

function kubeconfigStamp(kubeconfig: string | undefined): string | undefined {
  const files = (kubeconfig ?? process.env.KUBECONFIG ?? '').split(path.delimiter).filter((f) => f)
  if (!files.length) return undefined // ~/.kube/config or in-cluster: leave to loadKubeConfig
  return files
    .map((f) => {
      try {
        const st = statSync(f)
        return `${f}:${st.mtimeMs}:${st.size}`
      } catch {
        return `${f}:-`
      }
    })
    .join('|')
}

function parsedKubeconfig(kubeconfig: string | undefined): ParsedKubeconfig | undefined {
  const stamp = kubeconfigStamp(kubeconfig)
  if (stamp === undefined) return undefined
  const key = kubeconfig ?? `env:${process.env.KUBECONFIG ?? ''}`
  const hit = kubeconfigCache.get(key)
  if (hit && hit.stamp === stamp) return hit.parsed
  const kc = loadKubeConfig(kubeconfig)
  const parsed: ParsedKubeconfig = {
    kc,
    contexts: new Map(kc.getContexts().map((c) => [c.name, c])),
    clusters: new Map(kc.getClusters().map((c) => [c.name, c])),
    users: new Map(kc.getUsers().map((u) => [u.name, u])),
  }
  if (kubeconfigCache.size >= 16) kubeconfigCache.clear()
  kubeconfigCache.set(key, { stamp, parsed })
  return parsed
}

/** The kubeconfig of one context, without re-reading the file (a fresh object: no shared state). */
function contextKubeConfig(kube: LiveCluster): KubeConfig | undefined {
  if (kube.load || kube.inCluster) return undefined
  const p = parsedKubeconfig(kube.kubeconfig)
  if (!p) return undefined
  const ctx = p.contexts.get(kube.context)
  if (!ctx) throw new Error(`context ${JSON.stringify(kube.context)} not found`)
  const cluster = p.clusters.get(ctx.cluster)
  if (!cluster) throw new Error(`context ${JSON.stringify(kube.context)} names no cluster`)
  const user = ctx.user ? p.users.get(ctx.user) : undefined
  const kc = new KubeConfig()
  kc.loadFromOptions({
    clusters: [cluster],
    users: user ? [user] : [],
    contexts: [ctx],
    currentContext: ctx.name,
  })
  return kc
}

// TLS settings parsed into a SecureContext once per distinct CA/client certificate (fleets often
// share a CA), instead of once per connection.
const secureContexts = new Map<string, tls.SecureContext>()

function secureContextFor(opts: https.RequestOptions): tls.SecureContext {
  const parts = [opts.ca, opts.cert, opts.key, opts.pfx, opts.passphrase].map((v) =>
    v === undefined ? '' : Buffer.isBuffer(v) ? v.toString('base64') : String(v),
  )
  const key = createHash('sha256').update(parts.join('\u0000')).digest('hex')
  let ctx = secureContexts.get(key)
  if (!ctx) {
    ctx = tls.createSecureContext({
      ...(opts.ca ? { ca: opts.ca } : {}),
      ...(opts.cert ? { cert: opts.cert } : {}),
      ...(opts.key ? { key: opts.key } : {}),
      ...(opts.pfx ? { pfx: opts.pfx } : {}),
      ...(opts.passphrase ? { passphrase: opts.passphrase } : {}),
    })
    if (secureContexts.size >= 256) secureContexts.clear()
    secureContexts.set(key, ctx)
  }
  return ctx
}

async function connect(kube: NonNullable<ClusterTarget['kube']>): Promise<Connection> {
  const kc = contextKubeConfig(kube) ?? (await kubeConfigFor(kube))
  let cluster = kc.getCurrentCluster()!
  const plain = cluster.server.startsWith('http:')
  if (plain && !cluster.skipTLSVerify) {
    // client-node refuses http:// servers unless told to skip TLS checks, which mean nothing there.
    const name = cluster.name
    kc.clusters = kc.clusters.map((c) => (c.name === name ? { ...c, skipTLSVerify: true } : c))
    cluster = kc.getCurrentCluster()!
  }
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
  headers['accept-encoding'] = 'gzip'
  headers['user-agent'] = USER_AGENT
  const user = kc.getCurrentUser()
  if (user?.password) secrets.push(user.password)
  if (user?.token) secrets.push(user.token)
  const base = new URL(cluster.server)
  if (base.username || base.password) {
    secrets.push(decodeURIComponent(base.password), decodeURIComponent(base.username))
    base.username = ''
    base.password = ''
  }
  let agent: http.Agent
  if (cluster.proxyUrl) {
    // A proxy agent from client-node; it is built without keep-alive (one TLS handshake per page otherwise).
    agent = opts.agent as http.Agent
    ;(agent as http.Agent & { keepAlive?: boolean }).keepAlive = true
  } else {
    ;(opts.agent as http.Agent | undefined)?.destroy()
    agent = plain
      ? new http.Agent({ keepAlive: true })
      : new https.Agent({
          keepAlive: true,
          secureContext: secureContextFor(opts),
          ...(opts.rejectUnauthorized !== undefined ? { rejectUnauthorized: opts.rejectUnauthorized } : {}),
          ...(opts.servername ? { servername: opts.servername } : {}),
        })
  }
  const request: https.RequestOptions = {
    method: 'GET',
    protocol: base.protocol,
    hostname: base.hostname.replace(/^\[|\]$/g, ''),
    port: base.port || (plain ? 80 : 443),
    agent,
    headers,
  }
  const conn: Connection = {
    server: base.toString().replace(/\/+$/, ''),
    request,
    basePath: base.pathname.replace(/\/+$/, ''),
    secure: !plain,
    agent,
    secrets: secrets.filter((s) => s.length >= 4),
  }
  if (opts.auth) {
    request.auth = opts.auth
    conn.secrets.push(opts.auth)
  }
  return conn
}

/** An answer: its status and headers, and either its raw body or (for a streamed list) its envelope. */
interface Answer {
  status: number
  headers: http.IncomingHttpHeaders
  body: Buffer
  /** Set when the body was a list parsed item by item (the items went to `onItem`). */
  envelope?: ListEnvelope
}

/**
 * Output chunk of the gunzip stream: 4 times zlib's default 16 KiB, so a gzipped list (the API
 * server compresses answers above 128 KiB) costs a quarter of the callbacks, buffers and 'data'
 * events on the event loop (a 150-pod list of 1.2 MB: 18 instead of 71).
 */
const GUNZIP_CHUNK = 64 * 1024

/** Bodies above this size are parsed as they arrive instead of whole (a list may be any size). */
const STREAM_AFTER = 4 * 1024 * 1024

/**
 * One GET. `onItem`, when given, receives a 200 list's items as they are parsed: bodies over
 * {@link STREAM_AFTER} are never held whole. Rejects with the transport error (or `timeoutError`).
 */
function get(
  conn: Connection,
  pathAndQuery: string,
  accept: string,
  timeoutMs: number,
  signal: AbortSignal,
  onItem?: (item: unknown) => void,
  dropManagedFields = false,
): Promise<Answer> {
  if (signal.aborted) return Promise.reject(new DeadlineError('deadline'))
  return new Promise((resolve, reject) => {
    let settled = false
    const finish = (err: Error | undefined, answer?: Answer) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      if (err) {
        req.destroy()
        reject(err)
      } else resolve(answer!)
    }
    const mod = conn.secure ? https : http
    const req = mod.request(
      { ...conn.request, path: conn.basePath + pathAndQuery, headers: { ...conn.request.headers, accept } },
      (res) => {
        const status = res.statusCode ?? 0
        const stream =
          res.headers['content-encoding'] === 'gzip'
            ? res.pipe(createGunzip({ chunkSize: GUNZIP_CHUNK }))
            : res
        const chunks: Buffer[] = []
        let size = 0
        let parser: ListStreamParser | undefined
        stream.on('data', (c: Buffer) => {
          if (settled) return
          timer.refresh() // the timeout is for silence: a big list may take longer than it, arriving
          if (parser) {
            try {
              parser.write(c)
            } catch (e) {
              finish(new HttpError(200, pathAndQuery, undefined, `invalid JSON (${errorMessage(e)})`))
            }
            return
          }
          chunks.push(c)
          size += c.length
          if (onItem && status === 200 && size > STREAM_AFTER) {
            parser = new ListStreamParser(onItem, dropManagedFields)
            try {
              for (const b of chunks) parser.write(b)
            } catch (e) {
              finish(new HttpError(200, pathAndQuery, undefined, `invalid JSON (${errorMessage(e)})`))
            }
            chunks.length = 0
          }
        })
        stream.on('error', (e: Error) => finish(e))
        res.on('error', (e: Error) => finish(e))
        res.on('aborted', () => finish(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' })))
        stream.on('end', () => {
          if (settled) return
          if (!parser)
            return finish(undefined, { status, headers: res.headers, body: Buffer.concat(chunks, size) })
          let envelope: ListEnvelope
          try {
            envelope = parser.end()
          } catch (e) {
            return finish(new HttpError(200, pathAndQuery, undefined, `invalid JSON (${errorMessage(e)})`))
          }
          finish(undefined, { status, headers: res.headers, body: EMPTY_BODY, envelope })
        })
      },
    )
    const timer = setTimeout(() => finish(new RequestTimeout(timeoutMs)), timeoutMs)
    const onAbort = () => finish(new DeadlineError('deadline'))
    signal.addEventListener('abort', onAbort, { once: true })
    req.on('error', (e) => finish(e))
    req.end()
  })
}

const EMPTY_BODY = Buffer.alloc(0)

/** No answer within the per-request timeout. */
class RequestTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`)
  }
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

const JSON_ACCEPT = 'application/json'

/** Lists and discovery for one cluster, with timeouts, retries and a deadline. */
class ApiClient {
  /** Requests sent (retries included). */
  requests = 0

  constructor(
    private readonly conn: Connection,
    private readonly opts: Required<Omit<KubernetesCollectorOptions, 'deadlineMs'>>,
    readonly signal: AbortSignal,
  ) {}

  /** GETs a path and parses the JSON body; throws HttpError, NetError or DeadlineError. */
  async getJson<T>(pathAndQuery: string, accept = JSON_ACCEPT): Promise<{ body: T; contentType: string }> {
    const res = await this.fetch(pathAndQuery, accept)
    try {
      return {
        body: JSON.parse(res.body.toString()) as T,
        contentType: String(res.headers['content-type'] ?? ''),
      }
    } catch (e) {
      throw new HttpError(200, pathAndQuery, undefined, `invalid JSON (${errorMessage(e)})`)
    }
  }

  /**
   * GETs a list, handing each item to `onItem` (as it is parsed, for big lists); returns the envelope.
   * `dropManagedFields`: the items' managedFields are cut out before parsing (never allocated).
   */
  async getList(
    pathAndQuery: string,
    onItem: (item: unknown) => void,
    dropManagedFields = false,
  ): Promise<ListEnvelope> {
    const res = await this.fetch(pathAndQuery, JSON_ACCEPT, onItem, dropManagedFields)
    if (res.envelope) return res.envelope
    let list: ListEnvelope & { items?: unknown }
    try {
      list = parseJson(res.body, dropManagedFields) as ListEnvelope & { items?: unknown }
    } catch (e) {
      throw new HttpError(200, pathAndQuery, undefined, `invalid JSON (${errorMessage(e)})`)
    }
    const items = list?.items
    if (Array.isArray(items)) for (const item of items) onItem(item)
    return list
  }

  /** One request with retries; resolves with a 200 answer. */
  private async fetch(
    pathAndQuery: string,
    accept: string,
    onItem?: (item: unknown) => void,
    dropManagedFields = false,
  ): Promise<Answer> {
    const { maxRetries, retryBaseMs, requestTimeoutMs, maxRetryAfterMs } = this.opts
    for (let attempt = 0; ; attempt++) {
      if (this.signal.aborted) throw new DeadlineError('deadline')
      const backoff = retryBaseMs * 2 ** attempt * (0.5 + Math.random())
      let res: Answer
      try {
        this.requests++
        res = await get(
          this.conn,
          pathAndQuery,
          accept,
          requestTimeoutMs,
          this.signal,
          onItem,
          dropManagedFields,
        )
      } catch (e) {
        if (e instanceof DeadlineError || this.signal.aborted) throw new DeadlineError('deadline')
        if (e instanceof HttpError) throw e // a 200 whose body is not JSON: asking again will not help
        const timedOut = e instanceof RequestTimeout
        const err = timedOut
          ? new NetError('transient', `GET ${pathAndQuery}: no answer within ${requestTimeoutMs} ms`)
          : netErrorOf(e)
        if (err.kind !== 'transient' || attempt >= maxRetries) {
          if (err.kind === 'transient' && !timedOut)
            err.message = `GET ${pathAndQuery}: ${err.message} (after ${attempt} retries)`
          throw err
        }
        await sleep(backoff, this.signal)
        continue
      }
      if (res.status === 200) return res
      const retryable = res.status === 429 || (res.status >= 500 && res.status !== 501)
      if (retryable && attempt < maxRetries) {
        const after = retryAfterMs(res.headers)
        await sleep(after === undefined ? backoff : Math.min(after, maxRetryAfterMs), this.signal)
        continue
      }
      const text = res.body.toString()
      let reason: string | undefined
      let detail = ''
      try {
        const st = JSON.parse(text) as { kind?: string; reason?: string; message?: string }
        if (st?.kind === 'Status') {
          reason = st.reason
          detail = st.message ?? ''
        }
      } catch {
        detail = text.slice(0, 200).trim()
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
/** Aggregated discovery (apidiscovery.k8s.io/v2, or v2beta1): every group, version and resource at once. */
interface AggregatedList {
  kind?: string
  items?: {
    metadata?: { name?: string }
    versions?: {
      version: string
      resources?: { resource: string; responseKind?: { kind?: string }; scope?: string; verbs?: string[] }[]
    }[]
  }[]
}

/** Asks for aggregated discovery first (one request for every group), plain JSON from older servers. */
const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,' +
  'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json'

function servedIn(list: ResourceList, group: string, version: string): ServedKind[] {
  const out: ServedKind[] = []
  for (const r of list.resources ?? []) {
    if (r.name.includes('/') || !(r.verbs ?? []).includes('list')) continue
    out.push({ group, version, resource: r.name, kind: r.kind, namespaced: !!r.namespaced })
  }
  return out
}

/** The served kinds of an aggregated document, each group's versions in order of preference. */
function servedInAggregated(doc: AggregatedList): ServedKind[] {
  const out: ServedKind[] = []
  for (const g of doc.items ?? []) {
    const group = g.metadata?.name ?? ''
    for (const v of g.versions ?? [])
      for (const r of v.resources ?? []) {
        if (!r.responseKind?.kind || !(r.verbs ?? []).includes('list')) continue
        out.push({
          group,
          version: v.version,
          resource: r.resource,
          kind: r.responseKind.kind,
          namespaced: r.scope === 'Namespaced',
        })
      }
  }
  return out
}

const isAggregated = (contentType: string, body: unknown): body is AggregatedList =>
  /as=APIGroupDiscoveryList/.test(contentType) && (body as AggregatedList)?.kind === 'APIGroupDiscoveryList'

/** What went wrong, as the collector reports it. */
type Failure = { code: ErrorCode; detail: string; fatal: boolean }

/** The collector's tuning with its defaults filled in. */
function tuning(
  options: KubernetesCollectorOptions,
): Required<Omit<KubernetesCollectorOptions, 'deadlineMs'>> {
  return {
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    maxRetries: options.maxRetries ?? 3,
    retryBaseMs: options.retryBaseMs ?? 250,
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    pageSize: options.pageSize ?? 500,
    concurrency: Math.max(1, options.concurrency ?? DEFAULT_KIND_CONCURRENCY),
    shareSiblings: options.shareSiblings ?? true,
  }
}

/**
 * What a failed request means for the cluster: its error code, the detail to report, and whether
 * the cluster's collection must stop (the deadline passed, the server is not reached, or 401).
 */
function classify(e: unknown, what: string, server: string): Failure {
  if (e instanceof DeadlineError)
    return { code: 'KDAC_E_CLUSTER_DEADLINE', detail: `${what} not finished`, fatal: true }
  if (e instanceof NetError)
    return e.kind === 'transient'
      ? { code: 'KDAC_E_LIST_FAILED', detail: `${what}: ${e.message}`, fatal: false }
      : {
          code: e.kind === 'tls' ? 'KDAC_E_CLUSTER_TLS' : 'KDAC_E_CLUSTER_UNREACHABLE',
          detail: `${server}: ${e.message}`,
          fatal: true,
        }
  if (e instanceof HttpError && (e.status === 401 || e.status === 403))
    return { code: 'KDAC_E_CLUSTER_AUTH', detail: `${what}: ${e.message}`, fatal: e.status === 401 }
  return { code: 'KDAC_E_LIST_FAILED', detail: `${what}: ${errorMessage(e)}`, fatal: false }
}

/**
 * Finds which of the wanted kinds (by `group/Kind`) the server serves, in its preferred version.
 * Kinds it does not serve are simply absent from the result. Two requests on servers with
 * aggregated discovery (Kubernetes ≥ 1.27; /api and /apis), one per group version on older ones.
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
  const groups = [...byGroup.keys()].filter((g) => g !== '')
  // /api and /apis at once: one round trip for all of discovery on current servers.
  const root = (p: string) =>
    api.getJson<unknown>(p, AGGREGATED_ACCEPT).catch((e: unknown) => {
      // A server (or proxy) without /api or /apis documents: fall back to per-version discovery.
      if (e instanceof HttpError && (e.status === 404 || e.status === 406)) return undefined
      throw e
    })
  const [core, all] = await Promise.all([
    byGroup.has('') ? root('/api') : undefined,
    groups.length ? root('/apis') : undefined,
  ])
  if (byGroup.has('')) {
    if (core && isAggregated(core.contentType, core.body)) take(servedInAggregated(core.body))
    else take(servedIn((await api.getJson<ResourceList>('/api/v1')).body, '', 'v1'))
  }
  if (!all) return found
  if (isAggregated(all.contentType, all.body)) {
    take(servedInAggregated(all.body))
    return found
  }
  const list = all.body as GroupList
  for (const g of list.groups ?? []) {
    const kinds = byGroup.get(g.name)
    if (!kinds) continue
    const versions = [...(g.versions ?? [])]
    const pref = g.preferredVersion?.version
    versions.sort((a, b) => (a.version === pref ? -1 : b.version === pref ? 1 : 0))
    for (const v of versions) {
      if ([...kinds].every((k) => found.has(`${g.name}/${k}`))) break
      try {
        take(
          servedIn((await api.getJson<ResourceList>(`/apis/${g.name}/${v.version}`)).body, g.name, v.version),
        )
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

/**
 * The fallback kinds (see {@link CollectContext.fallbackKinds}) not to list because the cluster
 * serves their successor at its version, each with that successor's group/Kind.
 */
function supersededKinds(
  served: ReadonlyMap<string, ServedKind>,
  fallbacks: Iterable<string> | undefined,
): Map<string, string> {
  const out = new Map<string, string>()
  for (const gk of fallbacks ?? []) {
    const successor = SUCCESSOR_KINDS.get(gk)
    if (successor && served.has(gk) && served.get(successor.groupKind)?.version === successor.version)
      out.set(gk, successor.groupKind)
  }
  return out
}

/** What API discovery says about one live cluster, before any LIST (`kubedac plan`). */
export interface ClusterDiscovery {
  /** The API server's URL, without credentials. */
  server?: string
  /**
   * Wanted kinds the server serves: what a scan would LIST (version and resource chosen by
   * discovery), with the field selectors of its LISTs where it is listed in parts (Events).
   */
  served: (ServedKind & { groupKind: string; keys: string[]; fieldSelectors?: string[] })[]
  /** Wanted kinds the server does not serve (by group/Kind, with the declared keys). */
  notServed: { groupKind: string; keys: string[] }[]
  /** Wanted kinds served but not listed, as detectors read them only where `by` (served) is missing. */
  superseded: { groupKind: string; keys: string[]; by: string }[]
  /** Why discovery could not finish; empty when it did. */
  errors: ScanError[]
}

/**
 * Runs only API discovery for the kinds in `requires` (no LIST): which a scan would list and which it
 * would not (`fallbackKinds` as {@link CollectContext.fallbackKinds}).
 */
export async function discoverCluster(
  cluster: ClusterTarget,
  requires: Iterable<string>,
  options: KubernetesCollectorOptions = {},
  fallbackKinds?: Iterable<string>,
): Promise<ClusterDiscovery> {
  const out: ClusterDiscovery = { served: [], notServed: [], superseded: [], errors: [] }
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
  const opts = tuning(options)
  const signal =
    options.deadlineMs === undefined ? new AbortController().signal : AbortSignal.timeout(options.deadlineMs)
  try {
    const served = await discover(new ApiClient(conn, opts, signal), wanted, (gv, e) =>
      report('KDAC_E_LIST_FAILED', `discovery of ${gv}: ${errorMessage(e)}`),
    )
    const superseded = supersededKinds(served, fallbackKinds)
    for (const [gk, w] of wanted) {
      const s = served.get(gk)
      const by = superseded.get(gk)
      if (by) out.superseded.push({ groupKind: gk, keys: w.keys, by })
      else if (s) {
        const selectors = listSelectors(s, wanted.has('Node')).filter((f): f is string => f !== undefined)
        out.served.push({
          ...s,
          groupKind: gk,
          keys: w.keys,
          ...(selectors.length ? { fieldSelectors: selectors } : {}),
        })
      } else out.notServed.push({ groupKind: gk, keys: w.keys })
    }
  } catch (e) {
    // As in a scan: an API that cannot be discovered is an API not reached.
    const { code } = classify(e, 'discovery', conn.server)
    report(
      code === 'KDAC_E_LIST_FAILED' ? 'KDAC_E_CLUSTER_UNREACHABLE' : code,
      `discovery on ${conn.server}: ${errorMessage(e)}`,
    )
  } finally {
    conn.agent.destroy()
  }
  return out
}

/** Builds the live-cluster collector with its tuning. */
export function createKubernetesCollector(options: KubernetesCollectorOptions = {}): Collector {
  const opts = tuning(options)
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

  const failure = (e: unknown, what: string): Failure => classify(e, what, conn.server)

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

  // Fallback kinds are not listed where the cluster serves their successor (Endpoints where it serves
  // EndpointSlices, events.k8s.io Events where it serves v1 Events), unless listing that one fails.
  const superseded = supersededKinds(served, ctx.fallbackKinds)
  const queue = [...served.entries()].filter(([gk]) => !superseded.has(gk))
  const fallBack = (successor: string) => {
    for (const [gk, by] of superseded)
      if (by === successor) {
        superseded.delete(gk)
        queue.push([gk, served.get(gk)!])
      }
  }
  const withNodeEvents = wanted.has('Node')
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
        await listKind(api, conn, s, ctx, opts, withNodeEvents)
        for (const k of wanted.get(gk)?.keys ?? []) sink.collected(k)
      } catch (e) {
        fallBack(gk)
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
  opts: Required<Omit<KubernetesCollectorOptions, 'deadlineMs'>>,
  withNodeEvents: boolean,
): Promise<void> {
  const apiVersion = s.group ? `${s.group}/${s.version}` : 'v1'
  const path = s.group ? `/apis/${s.group}/${s.version}/${s.resource}` : `/api/v1/${s.resource}`
  const source = conn.server + path
  const share = opts.shareSiblings
  const gk = s.group ? `${s.group}/${s.kind}` : s.kind
  const keepManagedFields = ctx.managedFieldsKinds ? ctx.managedFieldsKinds.has(gk) : ctx.keepManagedFields
  const sink = ctx.sink
  const kind = s.kind
  let prev: unknown
  const onItem = (raw: unknown) => {
    if (!raw || typeof raw !== 'object') return
    const item = (share && prev ? shareWith(raw, prev) : raw) as KubeObject
    prev = item
    if (!item.apiVersion) item.apiVersion = apiVersion
    if (!item.kind) item.kind = kind
    // managedFields come last in metadata: deleting the last property keeps the object's fast shape.
    if (!keepManagedFields && item.metadata) delete item.metadata.managedFields
    sink.object(item, source)
  }
  // One after the other (never more LISTs in flight than the kind concurrency); the kind is
  // collected only when every one of them ended.
  for (const selector of listSelectors(s, withNodeEvents))
    await listPages(api, path, selector, opts.pageSize, onItem, !keepManagedFields)
}

/** One LIST, page by page; an expired continue token restarts it (up to 3 times). */
async function listPages(
  api: ApiClient,
  path: string,
  fieldSelector: string | undefined,
  pageSize: number,
  onItem: (item: unknown) => void,
  dropManagedFields: boolean,
): Promise<void> {
  for (let restarts = 0; ; restarts++) {
    let cont: string | undefined
    let first = true
    try {
      do {
        const q = new URLSearchParams({ limit: String(pageSize) })
        if (fieldSelector) q.set('fieldSelector', fieldSelector)
        // The first page may come from the watch cache (no etcd read); `continue` pages may not name a version.
        if (first) q.set('resourceVersion', '0')
        else q.set('continue', cont!)
        const list = await api.getList(`${path}?${q}`, onItem, dropManagedFields)
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
