import http from 'node:http'
import https from 'node:https'
import { KubeConfig } from '@kubernetes/client-node'
import { parse } from 'yaml'
import { ERRORS, errorMessage } from '../core/errors.js'
import type { ScanError } from '../core/types.js'
import type { ClusterTarget } from './define.js'
import { loadInCluster, loadKubeConfig } from './kubeconfig.js'

/** The Cluster API group, and the versions of its `Cluster` kind kubedac reads, best first. */
export const CAPI_GROUP = 'cluster.x-k8s.io'
export const CAPI_VERSIONS = ['v1beta2', 'v1beta1'] as const

/** A Cluster API management cluster to discover workload clusters from (`--capi-kubeconfig`, fleet `clusterAPI:`). */
export interface CapiSource {
  /** Kubeconfig file(s) of the management cluster; default: `KUBECONFIG`, `~/.kube/config`, in-cluster. */
  kubeconfig?: string
  /** Its context; default: the current one. */
  context?: string
  /** Use the pod's service account (kubedac runs in the management cluster). */
  inCluster?: boolean
  /** Only Clusters in this namespace; default: all namespaces. */
  namespace?: string
  /** Labels every discovered cluster gets; a Cluster's own labels take precedence. */
  labels?: Record<string, string>
}

/** Tuning of the management-cluster requests. */
export interface CapiOptions {
  /** Longest wait for one request, in ms; default 30 s. */
  requestTimeoutMs?: number
  /** Retries on 429, 5xx, resets and timeouts; default 3. */
  maxRetries?: number
}

/** The fields kubedac reads from a `clusters.cluster.x-k8s.io` object. */
export interface CapiCluster {
  metadata: {
    name: string
    namespace?: string
    labels?: Record<string, string>
    deletionTimestamp?: string
  }
  status?: { phase?: string }
}

/** The version of `cluster.x-k8s.io` to read: the server's preferred one if kubedac knows it, else the best it knows. */
export function chooseCapiVersion(group: {
  versions?: { version: string }[]
  preferredVersion?: { version: string }
}): string | undefined {
  const served = new Set((group.versions ?? []).map((v) => v.version))
  const pref = group.preferredVersion?.version
  if (pref && (CAPI_VERSIONS as readonly string[]).includes(pref) && served.has(pref)) return pref
  return CAPI_VERSIONS.find((v) => served.has(v))
}

/** Why a Cluster is not scanned (being deleted, or not yet Provisioned); undefined when it may be. */
export function notScannable(c: CapiCluster): string | undefined {
  if (c.metadata.deletionTimestamp) return 'is being deleted'
  const phase = c.status?.phase
  // No phase yet (or Unknown): the kubeconfig Secret decides. Any other phase than Provisioned means no API to read.
  if (phase && phase !== 'Provisioned' && phase !== 'Unknown') return `is in phase ${phase}, not Provisioned`
  return undefined
}

// Only inline credentials: a kubeconfig read from a Secret must not make kubedac read local files
// (token-file could send kubedac's own token to any server) or run commands (exec, auth-provider).
const CLUSTER_KEYS = new Set([
  'server',
  'certificate-authority-data',
  'insecure-skip-tls-verify',
  'tls-server-name',
  'proxy-url',
  'disable-compression',
  'extensions',
])
const USER_KEYS = new Set(['token', 'client-certificate-data', 'client-key-data', 'username', 'password'])
const CONTEXT_KEYS = new Set(['cluster', 'user', 'namespace', 'extensions'])

type Entry = Record<string, unknown>

function entries(doc: Entry, key: string, inner: string, allowed: Set<string>): [string, Entry][] {
  const list = doc[key] ?? []
  if (!Array.isArray(list)) throw new Error(`${key} is not a list`)
  return list.map((e: unknown, i): [string, Entry] => {
    const el = (e ?? {}) as Entry
    if (typeof el.name !== 'string' || !el.name) throw new Error(`${key}[${i}].name is missing`)
    const body = (el[inner] ?? {}) as Entry
    if (typeof body !== 'object' || Array.isArray(body)) throw new Error(`${key}[${i}].${inner} is not a map`)
    for (const k of Object.keys(body))
      if (!allowed.has(k))
        throw new Error(
          `${key}[${i}].${inner}.${k} is not allowed in a Cluster API kubeconfig (only inline credentials: no files, exec or auth providers)`,
        )
    return [el.name, body]
  })
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/**
 * Parses a workload cluster's kubeconfig as read from its Secret. It must be self-contained (inline
 * certificates and tokens only): anything naming a file or a command is refused. Error messages
 * name fields, never values, so no credential can reach a report.
 */
export function parseWorkloadKubeconfig(text: string): KubeConfig {
  let doc: unknown
  try {
    doc = parse(text, { uniqueKeys: true, merge: false, maxAliasCount: 0 })
  } catch {
    throw new Error('not valid YAML')
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new Error('not a kubeconfig (no map)')
  const d = doc as Entry
  const kc = new KubeConfig()
  const clusters = entries(d, 'clusters', 'cluster', CLUSTER_KEYS).map(([name, c]) => {
    const server = str(c.server)
    if (!server) throw new Error(`cluster ${JSON.stringify(name)} has no server`)
    return {
      name,
      server: server.replace(/\/$/, ''),
      caData: str(c['certificate-authority-data']),
      skipTLSVerify: c['insecure-skip-tls-verify'] === true,
      tlsServerName: str(c['tls-server-name']),
      proxyUrl: str(c['proxy-url']),
    }
  })
  const users = entries(d, 'users', 'user', USER_KEYS).map(([name, u]) => ({
    name,
    token: str(u.token),
    certData: str(u['client-certificate-data']),
    keyData: str(u['client-key-data']),
    username: str(u.username),
    password: str(u.password),
  }))
  const contexts = entries(d, 'contexts', 'context', CONTEXT_KEYS).map(([name, c]) => ({
    name,
    cluster: str(c.cluster) ?? '',
    user: str(c.user) ?? '',
    namespace: str(c.namespace),
  }))
  const current = str(d['current-context']) ?? contexts[0]?.name ?? ''
  kc.loadFromOptions({ clusters, users, contexts, currentContext: current })
  if (!kc.getCurrentContext() || !kc.getContextObject(current)) throw new Error('no usable current context')
  if (!kc.getCurrentCluster()) throw new Error(`context ${JSON.stringify(current)} names no known cluster`)
  return kc
}

interface Mgmt {
  /** `capi:<where>` for sources and messages. */
  source: string
  get(path: string): Promise<{ status: number; body: string }>
  redact(s: string): string
}

const TRANSIENT = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ECONNABORTED'])

async function connectMgmt(src: CapiSource, opts: CapiOptions): Promise<Mgmt> {
  let kc: KubeConfig
  if (src.inCluster) kc = loadInCluster()
  else {
    kc = loadKubeConfig(src.kubeconfig)
    if (src.context !== undefined) {
      if (!kc.getContextObject(src.context))
        throw new Error(`context ${JSON.stringify(src.context)} not found in the management kubeconfig`)
      kc.setCurrentContext(src.context)
    }
  }
  const cluster = kc.getCurrentCluster()
  if (!cluster) throw new Error('the management kubeconfig names no cluster')
  const base = new URL(cluster.server)
  const server = `${base.protocol}//${base.host}${base.pathname.replace(/\/+$/, '')}`
  const first: https.RequestOptions = {}
  await kc.applyToHTTPSOptions(first)
  const agent = first.agent as http.Agent & { keepAlive?: boolean }
  agent.keepAlive = true
  // A set: headers are taken again for every request, mostly the same token.
  const secrets = new Set<string>()
  const timeout = opts.requestTimeoutMs ?? 30_000
  const retries = opts.maxRetries ?? 3
  const once = async (path: string): Promise<{ status: number; body: string; retryAfter?: number }> => {
    // Headers again on every request: exec plugins and token files rotate credentials.
    const o: https.RequestOptions = {}
    await kc.applyToHTTPSOptions(o)
    const headers: Record<string, string> = { accept: 'application/json' }
    for (const [k, v] of Object.entries(o.headers ?? {})) {
      if (v === undefined) continue
      const value = Array.isArray(v) ? v.join(', ') : String(v)
      headers[k] = value
      if (/^authorization$/i.test(k)) secrets.add(value).add(value.slice(value.indexOf(' ') + 1))
    }
    if (o.auth) secrets.add(o.auth)
    const url = new URL(server + path)
    const mod = url.protocol === 'https:' ? https : http
    return new Promise((resolve, reject) => {
      const req = mod.request(
        url,
        { method: 'GET', agent, headers, ...(o.auth ? { auth: o.auth } : {}), timeout },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('error', reject)
          res.on('end', () => {
            const ra = Number(res.headers['retry-after'])
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks).toString(),
              ...(Number.isFinite(ra) && ra >= 0 ? { retryAfter: Math.min(ra, 30) * 1000 } : {}),
            })
          })
        },
      )
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`no answer within ${timeout} ms`), { code: 'ETIMEDOUT' })),
      )
      req.on('error', reject)
      req.end()
    })
  }
  const get = async (path: string) => {
    for (let attempt = 0; ; attempt++) {
      const backoff = 250 * 2 ** attempt * (0.5 + Math.random())
      try {
        const r = await once(path)
        if ((r.status === 429 || r.status >= 500) && attempt < retries) {
          await new Promise((res) => setTimeout(res, r.retryAfter ?? backoff))
          continue
        }
        return r
      } catch (e) {
        const code = (e as { code?: string }).code ?? ''
        if (!TRANSIENT.has(code) || attempt >= retries)
          throw new Error(`GET ${path}: ${errorMessage(e)}`, { cause: e })
        await new Promise((res) => setTimeout(res, backoff))
      }
    }
  }
  const where = src.inCluster
    ? 'in-cluster'
    : `${src.kubeconfig ?? 'kubeconfig'}${src.context ? `#${src.context}` : ''}`
  return {
    source: `capi:${where}`,
    get,
    redact: (s) =>
      [...secrets].filter((x) => x.length >= 4).reduce((m, x) => m.split(x).join('[redacted]'), s),
  }
}

/** The reason in an API server's Status body, or a short HTTP description. */
function statusText(r: { status: number; body: string }): string {
  try {
    const st = JSON.parse(r.body) as { kind?: string; reason?: string; message?: string }
    if (st?.kind === 'Status')
      return `HTTP ${r.status}${st.reason ? ` ${st.reason}` : ''}: ${st.message ?? ''}`
  } catch {
    // not JSON
  }
  return `HTTP ${r.status}`
}

/** Reads a workload cluster's kubeconfig from `<name>-kubeconfig` (key `value`): the one Secret kubedac reads. */
async function readKubeconfigSecret(mgmt: Mgmt, namespace: string, cluster: string): Promise<KubeConfig> {
  const name = `${cluster}-kubeconfig`
  const what = `Secret ${namespace}/${name}`
  const r = await mgmt.get(
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
  )
  if (r.status === 404) throw new Error(`Cluster API: ${what} not found (kubeconfig not generated yet?)`)
  if (r.status === 401 || r.status === 403)
    throw new Error(
      `Cluster API: not allowed to get ${what} (${statusText(r)}); bind the opt-in kubedac-capi-secrets role (deploy/capi-rbac.yaml) in namespace ${namespace}`,
    )
  if (r.status !== 200) throw new Error(`Cluster API: cannot get ${what}: ${statusText(r)}`)
  let value: unknown
  try {
    value = (JSON.parse(r.body) as { data?: Record<string, unknown> }).data?.value
  } catch {
    throw new Error(`Cluster API: ${what}: the answer is not JSON`)
  }
  if (typeof value !== 'string' || !value) throw new Error(`Cluster API: ${what} has no key "value"`)
  try {
    return parseWorkloadKubeconfig(Buffer.from(value, 'base64').toString('utf8'))
  } catch (e) {
    throw new Error(`Cluster API: ${what} key "value" is not a usable kubeconfig: ${errorMessage(e)}`, {
      cause: e,
    })
  }
}

/** Turns Cluster objects into targets; each target's credentials are read from its Secret only when it is scanned. */
export function capiTargetsFrom(
  clusters: CapiCluster[],
  source: Pick<CapiSource, 'labels'>,
  loader: (namespace: string, name: string) => Promise<KubeConfig>,
): ClusterTarget[] {
  const counts = new Map<string, number>()
  for (const c of clusters) counts.set(c.metadata.name, (counts.get(c.metadata.name) ?? 0) + 1)
  const targets = clusters.map((c): ClusterTarget => {
    const ns = c.metadata.namespace ?? 'default'
    const id = `${ns}/${c.metadata.name}`
    // Named after the Cluster; the same name in two namespaces is told apart by the namespace.
    const name = (counts.get(c.metadata.name) ?? 0) > 1 ? id : c.metadata.name
    const reason = notScannable(c)
    const labels = { ...(source.labels ?? {}), ...(c.metadata.labels ?? {}) }
    return {
      name,
      source: `capi:${id}`,
      ...(Object.keys(labels).length ? { labels } : {}),
      kube: {
        context: `capi:${id}`,
        load: reason
          ? () => Promise.reject(new Error(`Cluster API: Cluster ${id} ${reason}; not scanned`))
          : () => loader(ns, c.metadata.name),
      },
    }
  })
  return targets.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

/**
 * Discovers the workload clusters of a Cluster API management cluster: lists `clusters.cluster.x-k8s.io`
 * (v1beta2 or v1beta1) and returns one live target per Cluster, labelled with the Cluster's labels.
 * Each target reads its `<name>-kubeconfig` Secret when scanned, keeps it in memory only, and is
 * reported unreachable with the reason when the Cluster is not provisioned or the Secret is missing.
 * Never throws: a management cluster that cannot be read is an error entry.
 */
export async function capiTargets(
  src: CapiSource,
  opts: CapiOptions = {},
): Promise<{ targets: ClusterTarget[]; errors: ScanError[] }> {
  let mgmt: Mgmt | undefined
  const fail = (detail: string) => {
    const source = mgmt?.source ?? `capi:${src.inCluster ? 'in-cluster' : (src.kubeconfig ?? 'kubeconfig')}`
    const message = `${source}: ${ERRORS.KDAC_E_CAPI}: ${detail}`
    return {
      targets: [],
      errors: [{ source, code: 'KDAC_E_CAPI' as const, message: mgmt ? mgmt.redact(message) : message }],
    }
  }
  try {
    mgmt = await connectMgmt(src, opts)
  } catch (e) {
    return fail(errorMessage(e))
  }
  try {
    const g = await mgmt.get(`/apis/${CAPI_GROUP}`)
    if (g.status === 404)
      return fail(`the API server does not serve ${CAPI_GROUP} (is Cluster API installed?)`)
    if (g.status !== 200) return fail(`discovery of ${CAPI_GROUP}: ${statusText(g)}`)
    const version = chooseCapiVersion(JSON.parse(g.body) as Parameters<typeof chooseCapiVersion>[0])
    if (!version) return fail(`${CAPI_GROUP} is served, but in none of ${CAPI_VERSIONS.join(', ')}`)
    const base = src.namespace
      ? `/apis/${CAPI_GROUP}/${version}/namespaces/${encodeURIComponent(src.namespace)}/clusters`
      : `/apis/${CAPI_GROUP}/${version}/clusters`
    const clusters: CapiCluster[] = []
    let cont: string | undefined
    do {
      const q = new URLSearchParams({ limit: '500' })
      if (cont) q.set('continue', cont)
      const r = await mgmt.get(`${base}?${q}`)
      if (r.status !== 200) return fail(`listing clusters.${CAPI_GROUP}/${version}: ${statusText(r)}`)
      const list = JSON.parse(r.body) as { items?: CapiCluster[]; metadata?: { continue?: string } }
      for (const c of list.items ?? []) if (c?.metadata?.name) clusters.push(c)
      cont = list.metadata?.continue || undefined
    } while (cont)
    const m = mgmt
    return {
      targets: capiTargetsFrom(clusters, src, (ns, name) => readKubeconfigSecret(m, ns, name)),
      errors: [],
    }
  } catch (e) {
    return fail(errorMessage(e))
  }
}
