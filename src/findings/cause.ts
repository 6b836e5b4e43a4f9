import type { Finding, KubeObject } from '../core/types.js'
import { conditionOf, containersOf, hpaConditionsOf, podTemplateSpecOf } from '../detectors/lib/k8s.js'
import { podIsReady } from '../detectors/lib/pods-workloads.js'
import { quotaUses } from '../detectors/lib/scheduling-storage.js'
import type { Snapshot } from '../snapshot/snapshot.js'

// Incidents page once per cause, not once per symptom. A cause is an object of the cluster (or the
// cluster itself) found from a finding by rules that read the snapshot: the owner graph, and a few
// known chains where one broken thing shows up as findings on many others. Rules only ever move a
// finding to a cause the snapshot proves; when in doubt the finding stays its own cause.

/** Which rule chose a cause. */
export type CauseRule =
  /** A cluster-level finding (object kind `Cluster`). */
  | 'cluster'
  /** Pods failing because the node they run on (or the nodes they cannot go to) is NotReady or under pressure. */
  | 'node'
  /** A workload that cannot create pods because its namespace's ResourceQuota is used up. */
  | 'quota'
  /** An HPA (or a namespace being deleted) blocked by an unavailable aggregated API. */
  | 'apiservice'
  /** A Service without endpoints because the one workload behind it is failing. */
  | 'service'
  /** The top of the owner chain (Pod → ReplicaSet → Deployment, Job → CronJob). */
  | 'owner'
  /** The finding's own object. */
  | 'object'

/** The root cause of a finding: one object (or the cluster) that many findings may share. */
export interface Cause {
  /** Stable within a cluster: `Kind/namespace/name` (`Deployment/shop/web`, `Node//node-3`, `Cluster//prod-eu-1`). */
  key: string
  kind: string
  namespace?: string
  name: string
  /** The cause in plain words, the same for every finding with this key in one snapshot. */
  reason: string
  rule: CauseRule
}

/** The key of a cause: `Kind/namespace/name`, with an empty namespace for cluster-scoped objects. */
export function causeKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}/${namespace ?? ''}/${name}`
}

// Symptoms a sick node produces in the pods on it (or in the pods that cannot be placed).
const NODE_SYMPTOMS: ReadonlySet<string> = new Set([
  'pod-not-ready',
  'pod-stuck-terminating',
  'pod-stuck-creating',
  'pod-disruption-target',
  'pod-unschedulable',
  'pod-failed-evicted',
  'deployment-replicas-unavailable',
  'statefulset-rollout-stuck',
  'daemonset-rollout-stuck',
  'service-no-endpoints',
  'service-notready-endpoints',
])

// Symptoms of a workload whose pods the API server refuses (FailedCreate, ReplicaFailure).
const QUOTA_SYMPTOMS: ReadonlySet<string> = new Set([
  'deployment-replica-failure',
  'deployment-replicas-unavailable',
  'deployment-progress-deadline',
  'statefulset-rollout-stuck',
  'daemonset-rollout-stuck',
  'job-overrunning',
  'cronjob-not-running',
  'hpa-replicas-mismatch',
  'hpa-cannot-scale',
])

const APISERVICE_SYMPTOMS: ReadonlySet<string> = new Set([
  'hpa-metrics-unavailable',
  'namespace-stuck-terminating',
])

const SERVICE_SYMPTOMS: ReadonlySet<string> = new Set(['service-no-endpoints', 'service-notready-endpoints'])

// The APIServices an HPA reads for each ScalingActive=False reason (as hpa-metrics-unavailable reads them).
const METRICS_API: Record<string, readonly string[]> = {
  FailedGetResourceMetric: ['v1beta1.metrics.k8s.io'],
  FailedGetContainerResourceMetric: ['v1beta1.metrics.k8s.io'],
  FailedGetPodsMetric: ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'],
  FailedGetObjectMetric: ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'],
  FailedGetExternalMetric: ['v1beta1.external.metrics.k8s.io'],
}

const APISERVICE = 'apiregistration.k8s.io/v1/APIService'
const QUOTA = 'v1/ResourceQuota'
const NODE = 'v1/Node'
const EXCEEDED_QUOTA = /exceeded quota: ([a-z0-9]([-a-z0-9.]*[a-z0-9])?)/
// Scheduler clauses that blame unhealthy nodes: the taints the node lifecycle controller and the
// kubelet set, and the older "node(s) were not ready" wording.
const UNHEALTHY_NODE_CLAUSE =
  /node\.kubernetes\.io\/(not-ready|unreachable|memory-pressure|disk-pressure|pid-pressure|network-unavailable)|node\(s\) (were|was) not ready|node\(s\) had (memory|disk|pid) pressure/i

/** The object a finding names, as the snapshot holds it. */
export function objectOf(finding: Finding, snapshot: Snapshot): KubeObject | undefined {
  const o = finding.object
  if (o.kind === 'Cluster') return undefined
  return snapshot.get(`${o.apiVersion}/${o.kind}`, o.namespace, o.name)
}

/**
 * The root cause of a finding, for grouping findings into incidents: a cluster-level finding → the
 * cluster; an HPA without metrics (or a namespace stuck deleting) while the aggregated API it needs
 * is unavailable → the APIService; a workload whose pods are refused by a used-up ResourceQuota →
 * the quota; pods failing on (or kept off) nodes that are NotReady or under pressure → the node; a
 * Service without endpoints because its one workload fails → the workload; anything else → the top
 * of its owner chain, or the object itself.
 */
export function causeOf(finding: Finding, snapshot: Snapshot): Cause {
  if (finding.object.kind === 'Cluster') return clusterCause(finding.object.name || snapshot.cluster)
  const obj = objectOf(finding, snapshot)
  if (obj) {
    const d = finding.detector
    if (APISERVICE_SYMPTOMS.has(d)) {
      const api = apiServiceBehind(obj, snapshot)
      if (api) return describe('APIService', undefined, api, snapshot, 'apiservice')
    }
    if (QUOTA_SYMPTOMS.has(d)) {
      const quota = quotaBlocking(workloadOf(obj, snapshot), snapshot)
      if (quota) return describe('ResourceQuota', obj.metadata.namespace, quota, snapshot, 'quota')
    }
    if (NODE_SYMPTOMS.has(d)) {
      const node = nodeBehind(finding, obj, snapshot)
      if (node) return describe('Node', undefined, node, snapshot, 'node')
    }
    if (SERVICE_SYMPTOMS.has(d) && obj.kind === 'Service') {
      const w = workloadBehindService(obj, snapshot)
      if (w) return fromObject(w, snapshot, 'service')
    }
    const root = snapshot.rootOwner(obj)
    return fromObject(root, snapshot, root === obj ? 'object' : 'owner')
  }
  const o = finding.object
  return describe(o.kind, o.namespace, o.name, snapshot, 'object')
}

function clusterCause(cluster: string): Cause {
  return {
    key: causeKey('Cluster', undefined, cluster),
    kind: 'Cluster',
    name: cluster,
    reason: `cluster ${cluster}`,
    rule: 'cluster',
  }
}

function fromObject(obj: KubeObject, snapshot: Snapshot, rule: CauseRule): Cause {
  const ns = obj.metadata.namespace
  return describe(obj.kind, typeof ns === 'string' && ns ? ns : undefined, obj.metadata.name, snapshot, rule)
}

// The reason depends on the cause alone (its kind, name and state in the snapshot), never on the
// finding that led to it, so every finding of one incident tells the same story.
function describe(
  kind: string,
  namespace: string | undefined,
  name: string,
  snapshot: Snapshot,
  rule: CauseRule,
): Cause {
  const cause: Cause = { key: causeKey(kind, namespace, name), kind, name, reason: '', rule }
  if (namespace) cause.namespace = namespace
  const plain = `${kind} ${namespace ? namespace + '/' : ''}${name}`
  switch (kind) {
    case 'Node': {
      const t = nodeTrouble(name, snapshot)
      cause.reason = t ? `node ${name} ${t.words}` : plain
      break
    }
    case 'ResourceQuota': {
      const q = snapshot.get(QUOTA, namespace, name)
      const full = q ? quotaUses(q).filter((u) => u.ratio >= 1) : []
      cause.reason = full.length
        ? `ResourceQuota ${name} in namespace ${namespace ?? ''} is used up (${full.map((u) => `${u.resource} ${u.used} of ${u.hard}`).join(', ')})`
        : q || snapshot.has(QUOTA)
          ? plain
          : `ResourceQuota ${name} in namespace ${namespace ?? ''} refuses new pods (exceeded quota)`
      break
    }
    case 'APIService': {
      const api = snapshot.get(APISERVICE, undefined, name)
      const avail = api ? conditionOf(api, 'Available') : undefined
      cause.reason = !api
        ? snapshot.has(APISERVICE)
          ? `APIService ${name} is not installed`
          : plain
        : avail && avail.status !== 'True'
          ? `APIService ${name} is unavailable (${avail.reason ?? 'no reason given'})`
          : plain
      break
    }
    default:
      cause.reason = plain
  }
  return cause
}

// ---------------------------------------------------------------------------------------------
// Nodes

interface Trouble {
  /** Lower is worse: a missing or NotReady node before one under pressure. */
  rank: number
  words: string
}

/** What is wrong with a node, or undefined when it is healthy (or unknown to the snapshot). */
function nodeTrouble(name: string, snapshot: Snapshot): Trouble | undefined {
  const node = snapshot.get(NODE, undefined, name)
  if (!node) return snapshot.has(NODE) ? { rank: 0, words: 'no longer exists' } : undefined
  const ready = conditionOf(node, 'Ready')
  if (ready?.status === 'Unknown') return { rank: 1, words: 'is NotReady (its kubelet stopped reporting)' }
  if (ready?.status === 'False') return { rank: 1, words: 'is NotReady' }
  if (conditionOf(node, 'NetworkUnavailable')?.status === 'True')
    return { rank: 2, words: 'has no network (NetworkUnavailable)' }
  for (const [type, words] of [
    ['MemoryPressure', 'is under memory pressure'],
    ['DiskPressure', 'is under disk pressure'],
    ['PIDPressure', 'is under PID pressure'],
  ] as const)
    if (conditionOf(node, type)?.status === 'True') return { rank: 3, words }
  return undefined
}

/** The pods a finding is about: the rolled-up pods in its evidence, the pod itself, or the object's pods that are not ready. */
function affectedPods(finding: Finding, obj: KubeObject, snapshot: Snapshot): KubeObject[] {
  const ns = obj.metadata.namespace
  // Roll-up writes the pod names beside their count; other detectors' `pods` evidence is theirs.
  const named = finding.evidence.pods
  if (Array.isArray(named) && named.length && typeof finding.evidence.podCount === 'number') {
    const out: KubeObject[] = []
    for (const n of named) {
      const p = typeof n === 'string' ? snapshot.get('v1/Pod', ns, n) : undefined
      if (p) out.push(p)
    }
    return out
  }
  if (obj.kind === 'Pod') return [obj]
  if (obj.kind === 'Namespace')
    return snapshot
      .list('v1/Pod', obj.metadata.name)
      .filter((p) => p.status?.phase === 'Failed' && p.status?.reason === 'Evicted')
  return snapshot.podsFor(obj).filter((p) => p.status?.phase !== 'Succeeded' && !podIsReady(p))
}

/**
 * The node behind a finding: every affected pod that has a node runs on a troubled one, and every
 * pending one is kept off nodes because they are unhealthy. The node with most affected pods wins
 * (the worst trouble, then the name, on a tie); a workload with one pod failing on a healthy node
 * is its own problem.
 */
function nodeBehind(finding: Finding, obj: KubeObject, snapshot: Snapshot): string | undefined {
  if (obj.kind === 'Node') return undefined
  const pods = affectedPods(finding, obj, snapshot)
  if (!pods.length) return undefined
  const votes = new Map<string, { n: number; t: Trouble }>()
  let pendingVotes = 0
  for (const p of pods) {
    const nodeName: unknown = p.spec?.nodeName
    if (typeof nodeName === 'string' && nodeName) {
      const t = nodeTrouble(nodeName, snapshot)
      if (!t) return undefined
      const v = votes.get(nodeName)
      if (v) v.n++
      else votes.set(nodeName, { n: 1, t })
      continue
    }
    const scheduled = conditionOf(p, 'PodScheduled')
    if (scheduled?.status !== 'False' || !UNHEALTHY_NODE_CLAUSE.test(scheduled.message ?? ''))
      return undefined
    pendingVotes++
  }
  if (pendingVotes) {
    // Pending pods cannot say which node they would have gone to: they side with the worst node in trouble.
    const worst = troubledNodes(snapshot)[0]
    if (!worst) return undefined
    const v = votes.get(worst.name)
    if (v) v.n += pendingVotes
    else votes.set(worst.name, { n: pendingVotes, t: worst.t })
  }
  let best: [string, { n: number; t: Trouble }] | undefined
  for (const e of votes)
    if (
      !best ||
      e[1].n > best[1].n ||
      (e[1].n === best[1].n &&
        (e[1].t.rank < best[1].t.rank || (e[1].t.rank === best[1].t.rank && e[0] < best[0])))
    )
      best = e
  return best?.[0]
}

function troubledNodes(snapshot: Snapshot): { name: string; t: Trouble }[] {
  return snapshot.memo('cause/troubledNodes', () => {
    const out: { name: string; t: Trouble }[] = []
    for (const n of snapshot.list(NODE)) {
      const t = nodeTrouble(n.metadata.name, snapshot)
      if (t) out.push({ name: n.metadata.name, t })
    }
    return out.sort((a, b) => a.t.rank - b.t.rank || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  })
}

// ---------------------------------------------------------------------------------------------
// Quotas

/** The workload behind an object: an HPA's scale target, else the object; then its root owner. */
function workloadOf(obj: KubeObject, snapshot: Snapshot): KubeObject {
  if (obj.kind === 'HorizontalPodAutoscaler') {
    const t = obj.spec?.scaleTargetRef
    const ns = obj.metadata.namespace
    if (t && typeof t.kind === 'string' && typeof t.name === 'string') {
      const apiVersion = typeof t.apiVersion === 'string' ? t.apiVersion : 'apps/v1'
      const target = snapshot.get(`${apiVersion}/${t.kind}`, ns, t.name)
      if (target) return snapshot.rootOwner(target)
    }
    return obj
  }
  return snapshot.rootOwner(obj)
}

/** Why the API server refused the workload's pods, newest first: ReplicaFailure conditions and FailedCreate events. */
function refusals(workload: KubeObject, snapshot: Snapshot): string[] {
  const objects = [workload]
  // Deployment → ReplicaSets, CronJob → Jobs: the controllers that create the pods record the
  // refusals. Looked up in the namespace rather than with childrenOf, whose first call indexes the
  // owner references of the whole cluster.
  const child =
    workload.kind === 'Deployment'
      ? 'apps/v1/ReplicaSet'
      : workload.kind === 'CronJob'
        ? 'batch/v1/Job'
        : undefined
  if (child)
    for (const c of snapshot.list(child, workload.metadata.namespace ?? ''))
      if (
        c.metadata.ownerReferences?.some(
          (r) => r?.kind === workload.kind && r.name === workload.metadata.name,
        )
      )
        objects.push(c)
  const out: { at: string; text: string }[] = []
  for (const o of objects) {
    const c = conditionOf(o, 'ReplicaFailure')
    if (c?.status === 'True' && c.message) out.push({ at: c.lastTransitionTime ?? '', text: c.message })
    for (const e of snapshot.eventsFor(o)) {
      const r = e as Record<string, unknown>
      if (r.reason !== 'FailedCreate') continue
      const text = typeof r.message === 'string' ? r.message : typeof r.note === 'string' ? r.note : ''
      const at = [r.lastTimestamp, r.eventTime, r.firstTimestamp].find((t) => typeof t === 'string')
      if (text) out.push({ at: typeof at === 'string' ? at : '', text })
    }
  }
  return out.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).map((x) => x.text)
}

/**
 * The ResourceQuota refusing a workload's pods: named by a refusal ("exceeded quota: compute") and,
 * when quotas were collected, used up now for some resource (a refusal of a quota that has room
 * again is history). Without collected quotas the refusal alone is the proof.
 */
function quotaBlocking(workload: KubeObject, snapshot: Snapshot): string | undefined {
  const ns = workload.metadata.namespace
  if (!ns) return undefined
  for (const text of refusals(workload, snapshot)) {
    const m = EXCEEDED_QUOTA.exec(text)
    if (!m) continue
    const name = m[1] as string
    if (!snapshot.has(QUOTA)) return name
    const q = snapshot.get(QUOTA, ns, name)
    if (q && quotaUses(q).some((u) => u.ratio >= 1)) return name
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Aggregated APIs

function unavailable(api: KubeObject): boolean {
  const c = conditionOf(api, 'Available')
  return !!c && c.status !== 'True'
}

/** The aggregated API an HPA cannot read its metrics from, or a terminating namespace cannot discover. */
function apiServiceBehind(obj: KubeObject, snapshot: Snapshot): string | undefined {
  if (!snapshot.has(APISERVICE)) return undefined
  if (obj.kind === 'HorizontalPodAutoscaler') {
    const c = hpaConditionsOf(obj).find((x) => x.type === 'ScalingActive')
    const names = c?.status === 'False' && c.reason ? METRICS_API[c.reason] : undefined
    if (!names) return undefined
    const found = names.map((n) => snapshot.get(APISERVICE, undefined, n)).find((a) => a !== undefined)
    // No metrics API at all is one cause for every HPA that needs it, as much as a broken one.
    if (!found) return names[0]
    return unavailable(found) ? found.metadata.name : undefined
  }
  if (obj.kind === 'Namespace') {
    const c = conditionOf(obj, 'NamespaceDeletionDiscoveryFailure')
    if (c?.status !== 'True') return undefined
    const down = snapshot.list(APISERVICE).filter(unavailable)
    const named = down.find((a) => {
      const g = a.spec?.group
      const v = a.spec?.version
      return typeof g === 'string' && typeof v === 'string' && (c.message ?? '').includes(`${g}/${v}`)
    })
    if (named) return named.metadata.name
    return down.length === 1 ? down[0]!.metadata.name : undefined
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Services

/** The one workload whose pods a Service selects (its failing pods when it has some), if there is one. */
function workloadBehindService(svc: KubeObject, snapshot: Snapshot): KubeObject | undefined {
  const pods = snapshot.podsFor(svc)
  const failing = pods.filter((p) => !podIsReady(p))
  const roots = new Set((failing.length ? failing : pods).map((p) => snapshot.rootOwner(p)))
  if (roots.size !== 1) return undefined
  const root: KubeObject | undefined = roots.values().next().value
  return root && root.kind !== 'Pod' ? root : undefined
}

// ---------------------------------------------------------------------------------------------
// Across the fleet

/**
 * A key that means the same thing on every cluster, so that one problem on many clusters becomes
 * one fleet incident ("N clusters have X"): `kubelet-version:1.27` (the oldest kubelet minor of
 * node-version-skew), `image:<ref>` (an image that cannot be pulled, crash-loops or is OOM-killed),
 * `registry:<host>` (a registry that rate-limits or cannot be reached), `addon:istio-proxy@<version>`,
 * `apiservice:<name>`, `webhook:<configuration>`, `api:<apiVersion>/<Kind>` (a removed API still in
 * use). Undefined when a finding has no meaning beyond its cluster.
 */
export function fleetKeyOf(finding: Finding, snapshot: Snapshot): string | undefined {
  const ev = finding.evidence
  switch (finding.detector) {
    case 'node-version-skew': {
      const v = oldestKubelet(snapshot)
      return v ? `kubelet-version:${v}` : undefined
    }
    case 'image-pull-failure': {
      const image = typeof ev.image === 'string' ? normalizeImage(ev.image) : undefined
      if (!image) return undefined
      return finding.messageId === 'rateLimited' || finding.messageId === 'network'
        ? `registry:${registryOf(image)}`
        : `image:${image}`
    }
    case 'container-crashloop':
    case 'container-oomkilled': {
      const obj = objectOf(finding, snapshot)
      const image = obj && typeof ev.container === 'string' ? imageOf(obj, ev.container) : undefined
      return image ? `image:${normalizeImage(image)}` : undefined
    }
    case 'istio-proxy-version-skew': {
      const v = typeof ev.proxyImage === 'string' ? tagOf(ev.proxyImage) : undefined
      return v ? `addon:istio-proxy@${v}` : undefined
    }
    case 'apiservice-unavailable':
      return `apiservice:${finding.object.name}`
    case 'hpa-metrics-unavailable': {
      const obj = objectOf(finding, snapshot)
      const api = obj ? apiServiceBehind(obj, snapshot) : undefined
      return api ? `apiservice:${api}` : undefined
    }
    case 'webhook-backend-down':
      return `webhook:${finding.object.name}`
    case 'deprecated-api-version': {
      const api = typeof ev.lastAppliedApiVersion === 'string' ? ev.lastAppliedApiVersion : ev.apiVersion
      return typeof api === 'string' ? `api:${api}/${finding.object.kind}` : undefined
    }
    default:
      return undefined
  }
}

// `v1.27.3`, `v1.29.3-eks-ae9a62a`, `v1.28.5+k3s1`: grouped by minor, as node-version-skew judges them.
const KUBELET_MINOR = /^v?(\d+)\.(\d+)/

function oldestKubelet(snapshot: Snapshot): string | undefined {
  let best: [number, number] | undefined
  for (const n of snapshot.list(NODE)) {
    const v: unknown = n.status?.nodeInfo?.kubeletVersion
    const m = typeof v === 'string' ? KUBELET_MINOR.exec(v) : null
    if (!m) continue
    const cur: [number, number] = [Number(m[1]), Number(m[2])]
    if (!best || cur[0] < best[0] || (cur[0] === best[0] && cur[1] < best[1])) best = cur
  }
  return best ? `${best[0]}.${best[1]}` : undefined
}

function imageOf(obj: KubeObject, container: string): string | undefined {
  const c = containersOf(podTemplateSpecOf(obj)).find((x) => x.name === container)
  const image: unknown = c?.spec.image
  return typeof image === 'string' ? image : undefined
}

/** The registry host of an image reference (`docker.io` when it names none). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/')
  const first = slash < 0 ? '' : image.slice(0, slash)
  return first && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io'
}

/**
 * An image reference as the runtime resolves it, so the same image reads the same everywhere:
 * `nginx` → `docker.io/library/nginx:latest`.
 */
export function normalizeImage(image: string): string {
  let ref = image.trim()
  if (!ref) return ref
  const host = registryOf(ref)
  let path = ref.startsWith(host + '/') ? ref.slice(host.length + 1) : ref
  if (host === 'docker.io' && !path.includes('/')) path = `library/${path}`
  ref = `${host}/${path}`
  const lastSlash = ref.lastIndexOf('/')
  if (!ref.includes('@') && !ref.slice(lastSlash + 1).includes(':')) ref += ':latest'
  return ref
}

function tagOf(image: string): string | undefined {
  if (image.includes('@')) return undefined
  const lastSlash = image.lastIndexOf('/')
  const colon = image.indexOf(':', lastSlash + 1)
  return colon < 0 ? undefined : image.slice(colon + 1) || undefined
}

/**
 * The labels of the object a finding names, for silence matchers: `{}` for an object without
 * labels, undefined when the snapshot does not hold it (or for a cluster-level finding).
 */
export function objectLabelsOf(finding: Finding, snapshot: Snapshot): Record<string, string> | undefined {
  const obj = objectOf(finding, snapshot)
  if (!obj) return undefined
  const labels = obj.metadata.labels
  if (!labels || typeof labels !== 'object') return {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string') out[k] = v
  return out
}
