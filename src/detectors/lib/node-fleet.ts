import type { KubeObject } from '../../core/types.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import { conditionOf, humanBytes, paramList, parseQuantity } from './k8s.js'
import { podTemplates } from './workloads.js'

// Specs are untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

/** Platform namespaces (the same defaults as cluster-idle): their objects are not a team's workloads. */
export const SYSTEM_NAMESPACES: string[] = [
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'istio-system',
  'monitoring',
  'cert-manager',
  'argocd',
  'flux-system',
  'gatekeeper-system',
  'ingress-nginx',
  'calico-system',
  'tigera-operator',
]

/** Namespace prefixes that mark system namespaces too. */
export const SYSTEM_NAMESPACE_PREFIXES: string[] = ['kube-']

/** The two parameters every detector that skips system namespaces declares. */
export const SYSTEM_NAMESPACE_PARAMS = {
  systemNamespaces: {
    default: SYSTEM_NAMESPACES,
    description: 'Namespaces of platform components, not workloads. Setting it replaces the list.',
  },
  systemNamespacePrefixes: {
    default: SYSTEM_NAMESPACE_PREFIXES,
    description: 'Namespaces starting with one of these are system namespaces too.',
  },
}

/** A test for system namespaces built from the detector's parameters (once per run, not per object). */
export function systemNamespaceTest(params: Record<string, unknown>): (ns: unknown) => boolean {
  const names = new Set(paramList(params.systemNamespaces as string[] | string | undefined))
  const prefixes = paramList(params.systemNamespacePrefixes as string[] | string | undefined)
  return (ns) => typeof ns === 'string' && (names.has(ns) || prefixes.some((p) => ns.startsWith(p)))
}

/** Whether a pod has finished (Succeeded or Failed): it holds no node resources any more. */
export function isTerminal(pod: KubeObject): boolean {
  const phase = pod.status?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

const CONTROL_PLANE_LABELS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master']

/** Whether a node is labelled as a control-plane node. */
export function isControlPlane(node: KubeObject): boolean {
  const labels = node.metadata.labels
  if (!labels || typeof labels !== 'object') return false
  for (const l of CONTROL_PLANE_LABELS) if (l in labels) return true
  return false
}

/** Whether a node's Ready condition is True. */
export function isReady(node: KubeObject): boolean {
  return conditionOf(node, 'Ready')?.status === 'True'
}

/**
 * Whether a pod belongs to its node rather than to the cluster: a DaemonSet pod (one per node) or a
 * static pod's mirror (owned by the Node, or annotated by the kubelet). Such pods do not move when
 * the node goes, and do not make a node "used".
 */
export function isNodeBound(pod: KubeObject): boolean {
  const refs = pod.metadata.ownerReferences
  if (Array.isArray(refs) && refs.length > 0) {
    for (const r of refs) if (r && (r.kind === 'DaemonSet' || r.kind === 'Node')) return true
    // The kubelet makes the Node a mirror pod's owner; another owner means it is not one.
    return false
  }
  const ann = pod.metadata.annotations
  return !!ann && typeof ann === 'object' && 'kubernetes.io/config.mirror' in ann
}

/** CPU (cores) and memory (bytes). */
export interface Resources {
  cpu: number
  memory: number
}

// Requests repeat across a fleet (`100m`, `128Mi`): parse each text once. The cache only ever holds
// values of a pure function, so it cannot leak state between scans; it is cleared if it grows large.
const QUANTITIES = new Map<string, number>()

function quantity(q: unknown): number {
  if (typeof q === 'number') return q
  if (typeof q !== 'string') return NaN
  let v = QUANTITIES.get(q)
  if (v === undefined) {
    v = parseQuantity(q)
    if (QUANTITIES.size >= 10_000) QUANTITIES.clear()
    QUANTITIES.set(q, v)
  }
  return v
}

// A container's (or a pod's, for pod-level resources) request of one resource; a limit stands in for
// a missing request, as the API server copies it (manifests may not have been through the API server).
function requestIn(r: Loose, resource: keyof Resources): number {
  let v = quantity(r.requests?.[resource])
  if (Number.isNaN(v) && r.limits) v = quantity(r.limits[resource])
  return v > 0 && Number.isFinite(v) ? v : 0
}

/** Adds what a pod asks the scheduler for (containers, native sidecars, the init peak, overhead) to `into`. */
export function addPodRequests(spec: Loose, into: Resources): void {
  if (!spec || typeof spec !== 'object') return
  const ov = spec.overhead
  if (ov && typeof ov === 'object') {
    const c = quantity(ov.cpu)
    const m = quantity(ov.memory)
    if (c > 0 && Number.isFinite(c)) into.cpu += c
    if (m > 0 && Number.isFinite(m)) into.memory += m
  }
  // Pod-level resources, where set, are the pod's request.
  const pr = spec.resources
  if (pr && typeof pr === 'object') {
    const c = requestIn(pr, 'cpu')
    const m = requestIn(pr, 'memory')
    if (c > 0 || m > 0) {
      into.cpu += c
      into.memory += m
      return
    }
  }
  const app = appRequests(spec.containers)
  const init = spec.initContainers
  if (!Array.isArray(init) || init.length === 0) {
    into.cpu += app.cpu
    into.memory += app.memory
    return
  }
  let sideCpu = 0
  let sideMem = 0
  let peakCpu = 0
  let peakMem = 0
  for (const c of init) {
    const r = c?.resources
    if (!r || typeof r !== 'object') continue
    const vc = requestIn(r, 'cpu')
    const vm = requestIn(r, 'memory')
    // A native sidecar runs beside everything after it; a plain init container runs alone before the app.
    if (c.restartPolicy === 'Always') {
      sideCpu += vc
      sideMem += vm
    } else {
      peakCpu = Math.max(peakCpu, sideCpu + vc)
      peakMem = Math.max(peakMem, sideMem + vm)
    }
  }
  into.cpu += Math.max(sideCpu + app.cpu, peakCpu)
  into.memory += Math.max(sideMem + app.memory, peakMem)
}

function appRequests(containers: unknown): Resources {
  const out = { cpu: 0, memory: 0 }
  if (!Array.isArray(containers)) return out
  for (const c of containers) {
    const r = c?.resources
    if (!r || typeof r !== 'object') continue
    out.cpu += requestIn(r, 'cpu')
    out.memory += requestIn(r, 'memory')
  }
  return out
}

/** A node's allocatable CPU, memory and pods; NaN where it does not say. */
export function allocatableOf(node: KubeObject): Resources & { pods: number } {
  const a = node.status?.allocatable
  if (!a || typeof a !== 'object') return { cpu: NaN, memory: NaN, pods: NaN }
  return { cpu: parseQuantity(a.cpu), memory: parseQuantity(a.memory), pods: parseQuantity(a.pods) }
}

/** Requests of the cluster's non-terminal pods, split by whether they would move if their node went. */
export interface RequestIndex {
  /** Every non-terminal pod, scheduled or pending. */
  all: Resources
  /** Pods that would need room elsewhere if their node went: not DaemonSet or mirror pods, not on a control-plane node. */
  movable: Resources
  /** Per node: requests of its DaemonSet and mirror pods, which stay with it. */
  nodeBound: Map<string, Resources>
  /** Non-terminal pods counted. */
  pods: number
  /** Non-terminal pods that request none of the resource (BestEffort for it): the sums say nothing of them. */
  withoutRequest: Resources
}

interface PodIndex {
  byNode: Map<string, KubeObject[]>
  requests: RequestIndex
}

// One pass over the pods for every node and capacity detector: pods by node, and their requests.
function podIndex(snapshot: Snapshot): PodIndex {
  return snapshot.memo('node-fleet/pods', () => {
    const controlPlane = new Set<string>()
    for (const n of snapshot.list('v1/Node')) if (isControlPlane(n)) controlPlane.add(n.metadata.name)
    const byNode = new Map<string, KubeObject[]>()
    const idx: RequestIndex = {
      all: { cpu: 0, memory: 0 },
      movable: { cpu: 0, memory: 0 },
      nodeBound: new Map(),
      pods: 0,
      withoutRequest: { cpu: 0, memory: 0 },
    }
    const r: Resources = { cpu: 0, memory: 0 }
    for (const pod of snapshot.list('v1/Pod')) {
      if (isTerminal(pod)) continue
      r.cpu = 0
      r.memory = 0
      addPodRequests(pod.spec, r)
      idx.pods++
      idx.all.cpu += r.cpu
      idx.all.memory += r.memory
      if (r.cpu === 0) idx.withoutRequest.cpu++
      if (r.memory === 0) idx.withoutRequest.memory++
      const nodeName = pod.spec?.nodeName
      if (typeof nodeName !== 'string' || !nodeName) {
        // Pending: it needs room somewhere.
        idx.movable.cpu += r.cpu
        idx.movable.memory += r.memory
        continue
      }
      const list = byNode.get(nodeName)
      if (list) list.push(pod)
      else byNode.set(nodeName, [pod])
      if (isNodeBound(pod)) {
        const b = idx.nodeBound.get(nodeName)
        if (b) {
          b.cpu += r.cpu
          b.memory += r.memory
        } else idx.nodeBound.set(nodeName, { cpu: r.cpu, memory: r.memory })
      } else if (!controlPlane.has(nodeName)) {
        idx.movable.cpu += r.cpu
        idx.movable.memory += r.memory
      }
    }
    return { byNode, requests: idx }
  })
}

/**
 * Non-terminal pods by the node they are bound to (`spec.nodeName`), built once per snapshot and
 * shared by the node detectors. Users declare `v1/Pod` and `v1/Node`.
 */
export function podsByNode(snapshot: Snapshot): ReadonlyMap<string, KubeObject[]> {
  return podIndex(snapshot).byNode
}

/** The cluster's pod requests, summed once per snapshot; users declare `v1/Pod` and `v1/Node`. */
export function requestIndex(snapshot: Snapshot): RequestIndex {
  return podIndex(snapshot).requests
}

/** CPU cores for people: `3.2`, `0.25`. */
export function cores(v: number): string {
  return String(Math.round(v * 100) / 100)
}

/** A ratio as a whole percentage: `12%`. */
export function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 100) : 0
}

// Adds the ConfigMaps and claims that a pod spec's volumes name (plain and projected).
function addVolumeReferences(volumes: unknown, namespace: string, refs: SpecReferences): void {
  if (!Array.isArray(volumes)) return
  for (const v of volumes) {
    if (!v || typeof v !== 'object') continue
    const claim = v.persistentVolumeClaim?.claimName
    if (typeof claim === 'string') refs.claims.add(namespace + '/' + claim)
    const cm = v.configMap?.name
    if (typeof cm === 'string') refs.configMaps.add(namespace + '/' + cm)
    const sources = v.projected?.sources
    if (Array.isArray(sources))
      for (const s of sources) {
        const n = s?.configMap?.name
        if (typeof n === 'string') refs.configMaps.add(namespace + '/' + n)
      }
  }
}

// Adds the ConfigMaps that a pod spec's containers read through env and envFrom, and its volumes.
function addSpecReferences(spec: Loose, namespace: string, refs: SpecReferences): void {
  if (!spec || typeof spec !== 'object') return
  addVolumeReferences(spec.volumes, namespace, refs)
  for (const field of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[field]
    if (!Array.isArray(list)) continue
    for (const c of list) {
      if (!c || typeof c !== 'object') continue
      if (Array.isArray(c.env))
        for (const e of c.env) {
          const n = e?.valueFrom?.configMapKeyRef?.name
          if (typeof n === 'string') refs.configMaps.add(namespace + '/' + n)
        }
      if (Array.isArray(c.envFrom))
        for (const e of c.envFrom) {
          const n = e?.configMapRef?.name
          if (typeof n === 'string') refs.configMaps.add(namespace + '/' + n)
        }
    }
  }
}

/** A worker node that can take pods, with what is left for workloads after its DaemonSet and static pods. */
export interface PoolNode {
  name: string
  /** allocatable minus the requests of the pods bound to this node (DaemonSets, static pods). */
  free: Resources
  allocatable: Resources
}

/**
 * The nodes workloads can be scheduled on: not control-plane, Ready, not cordoned, with a readable
 * allocatable. Built once per snapshot; users declare `v1/Node` and `v1/Pod`.
 */
export function workerPool(snapshot: Snapshot): readonly PoolNode[] {
  return snapshot.memo('node-fleet/workerPool', () => {
    const { nodeBound } = requestIndex(snapshot)
    const out: PoolNode[] = []
    for (const n of snapshot.list('v1/Node')) {
      if (isControlPlane(n) || !isReady(n) || n.spec?.unschedulable === true) continue
      const a = allocatableOf(n)
      if (!Number.isFinite(a.cpu) && !Number.isFinite(a.memory)) continue
      const cpu = Number.isFinite(a.cpu) ? a.cpu : 0
      const memory = Number.isFinite(a.memory) ? a.memory : 0
      const bound = nodeBound.get(n.metadata.name)
      out.push({
        name: n.metadata.name,
        allocatable: { cpu, memory },
        free: {
          cpu: Math.max(0, cpu - (bound?.cpu ?? 0)),
          memory: Math.max(0, memory - (bound?.memory ?? 0)),
        },
      })
    }
    return out
  })
}

/** The capacity left for workloads if the largest node of the pool failed: Σ free minus the largest free. */
export function afterLosingLargest(
  pool: readonly PoolNode[],
  resource: keyof Resources,
): { total: number; largest: PoolNode | undefined; remaining: number } {
  let total = 0
  let largest: PoolNode | undefined
  for (const n of pool) {
    total += n.free[resource]
    if (!largest || n.free[resource] > largest.free[resource]) largest = n
  }
  return { total, largest, remaining: total - (largest?.free[resource] ?? 0) }
}

/** A quantity of a resource for people: `12.5 cores`, `48Gi`. */
export function amount(resource: keyof Resources, v: number): string {
  return resource === 'cpu' ? `${cores(v)} cores` : humanBytes(v)
}

/** The ConfigMaps and PersistentVolumeClaims the cluster's pod specs refer to, as `namespace/name`. */
export interface SpecReferences {
  configMaps: Set<string>
  claims: Set<string>
}

/**
 * What every pod spec refers to: workload templates (old ReplicaSets included, as rollbacks need
 * them) in full, and the volumes of every pod (admission webhooks inject volumes, and StatefulSet
 * pods carry their claims only there). Users declare every kind of `WORKLOAD_KINDS`.
 */
export function specReferences(snapshot: Snapshot): SpecReferences {
  return snapshot.memo('node-fleet/specReferences', () => {
    const refs: SpecReferences = { configMaps: new Set(), claims: new Set() }
    for (const t of podTemplates(snapshot)) addSpecReferences(t.spec, t.namespace, refs)
    for (const rs of snapshot.list('apps/v1/ReplicaSet'))
      addSpecReferences(rs.spec?.template?.spec, rs.metadata.namespace ?? '', refs)
    for (const pod of snapshot.list('v1/Pod'))
      addVolumeReferences(pod.spec?.volumes, pod.metadata.namespace ?? '', refs)
    return refs
  })
}
