import type { KubeObject, ObjectRef } from '../../core/types.js'
import { refOf } from '../../core/kinds.js'
import { eventTime, type Snapshot } from '../../snapshot/snapshot.js'
import { ageMs, parseQuantity } from './k8s.js'

// Helpers shared by the scheduling/quota and storage detectors. Indexes several detectors use are
// memoized on the snapshot under `scheduling-storage/<name>`; every detector that reads one declares
// the kinds its computation reads (listed beside each helper).

// ---------------------------------------------------------------------------------------------
// ResourceQuota

/** One resource of a ResourceQuota's status, with its numbers parsed. */
export interface QuotaUse {
  /** The resource as the quota names it: `requests.cpu`, `pods`, `count/deployments.apps`. */
  resource: string
  /** As the API server wrote them, for messages. */
  used: string
  hard: string
  /** used / hard. */
  ratio: number
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number' && Number.isFinite(v)) return String(v)
  return undefined
}

/**
 * The resources of a quota with both a hard limit and a usage in its status, in the quota's order.
 * A hard limit of 0 forbids the resource outright (a common "no LoadBalancers here" policy): that
 * is a prohibition, not a quota running out, so it is left out. A quota without status (a rendered
 * manifest, or one the quota controller has not counted yet) has none.
 */
export function quotaUses(quota: KubeObject): QuotaUse[] {
  const out: QuotaUse[] = []
  const st = quota.status
  if (!st || typeof st !== 'object') return out
  const hard: unknown = st.hard
  const used: unknown = st.used
  if (!hard || typeof hard !== 'object' || !used || typeof used !== 'object') return out
  for (const [resource, h] of Object.entries(hard as Record<string, unknown>)) {
    const hardText = text(h)
    const usedText = text((used as Record<string, unknown>)[resource])
    if (hardText === undefined || usedText === undefined) continue
    const hv = parseQuantity(hardText)
    const uv = parseQuantity(usedText)
    if (!(hv > 0) || !(uv >= 0)) continue
    out.push({ resource, used: usedText, hard: hardText, ratio: uv / hv })
  }
  return out
}

const RESOURCE_WORDS: Record<string, string> = {
  cpu: 'CPU requests',
  memory: 'memory requests',
  'requests.cpu': 'CPU requests',
  'requests.memory': 'memory requests',
  'limits.cpu': 'CPU limits',
  'limits.memory': 'memory limits',
  'requests.ephemeral-storage': 'ephemeral storage requests',
  'limits.ephemeral-storage': 'ephemeral storage limits',
  'ephemeral-storage': 'ephemeral storage requests',
  'requests.storage': 'storage requested by PersistentVolumeClaims',
  pods: 'pods',
  persistentvolumeclaims: 'PersistentVolumeClaims',
  services: 'Services',
  'services.loadbalancers': 'LoadBalancer Services',
  'services.nodeports': 'NodePort Services',
  configmaps: 'ConfigMaps',
  secrets: 'Secrets',
  replicationcontrollers: 'ReplicationControllers',
  resourcequotas: 'ResourceQuotas',
}
const CLASS_SCOPED = '.storageclass.storage.k8s.io/'

/** A quota resource in plain words: `limits.memory` → `memory limits`. */
export function quotaResourceWords(resource: string): string {
  const known = RESOURCE_WORDS[resource]
  if (known) return known
  const at = resource.indexOf(CLASS_SCOPED)
  if (at > 0) {
    const cls = resource.slice(0, at)
    const what = resource.slice(at + CLASS_SCOPED.length)
    return what === 'persistentvolumeclaims'
      ? `PersistentVolumeClaims of StorageClass ${cls}`
      : `storage requested in StorageClass ${cls}`
  }
  if (resource.startsWith('count/')) return `${resource.slice(6)} objects`
  if (resource.startsWith('requests.')) return `${resource.slice(9)} requests`
  if (resource.startsWith('limits.')) return `${resource.slice(7)} limits`
  return resource
}

// ---------------------------------------------------------------------------------------------
// FailedCreate events: the controllers' record of objects the API server refused.

/** The kinds whose controllers record FailedCreate events, for naming the workload behind one. */
export const CREATOR_KINDS: string[] = [
  'apps/v1/ReplicaSet',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'batch/v1/Job',
]
const CREATOR_KEY: Record<string, string> = {
  ReplicaSet: 'apps/v1/ReplicaSet',
  StatefulSet: 'apps/v1/StatefulSet',
  DaemonSet: 'apps/v1/DaemonSet',
  Job: 'batch/v1/Job',
}

/** The object an event is about, as the event names it. */
export interface InvolvedObject {
  apiVersion?: string
  kind?: string
  namespace?: string
  name?: string
  uid?: string
}

/** The object an event is about (`involvedObject`, or `regarding` in events.k8s.io). */
export function involvedOf(e: KubeObject): InvolvedObject | undefined {
  const r = e as Record<string, unknown>
  const io = (r.involvedObject ?? r.regarding) as InvolvedObject | undefined
  return io && typeof io === 'object' && typeof io.name === 'string' ? io : undefined
}

/** An event's message (`message`, or `note` in events.k8s.io), or ''. */
export function eventMessage(e: KubeObject): string {
  const r = e as Record<string, unknown>
  const m = r.message ?? r.note
  return typeof m === 'string' ? m : ''
}

/**
 * FailedCreate events by namespace, oldest first. Reads `v1/Event`: a detector using it declares
 * `v1/Event` (optional or required).
 */
export function failedCreateEvents(snapshot: Snapshot): Map<string, KubeObject[]> {
  return snapshot.memo('scheduling-storage/failedCreateEvents', () => {
    const m = new Map<string, KubeObject[]>()
    if (!snapshot.has('v1/Event')) return m
    for (const e of snapshot.list('v1/Event')) {
      if ((e as Record<string, unknown>).reason !== 'FailedCreate') continue
      const ns = involvedOf(e)?.namespace ?? e.metadata.namespace ?? ''
      const list = m.get(ns)
      if (list) list.push(e)
      else m.set(ns, [e])
    }
    for (const list of m.values()) list.sort((a, b) => eventTime(a).localeCompare(eventTime(b)))
    return m
  })
}

/**
 * The workload an event's object belongs to: the object itself when collected, rolled up to its
 * root owner (ReplicaSet → Deployment, Job → CronJob); otherwise a reference built from the event.
 * Reads {@link CREATOR_KINDS}: declare them (optional).
 */
export function workloadOfEvent(
  snapshot: Snapshot,
  e: KubeObject,
): { object: KubeObject | ObjectRef; ref: ObjectRef; involved?: KubeObject } | undefined {
  const io = involvedOf(e)
  if (!io || typeof io.kind !== 'string') return undefined
  const ns = typeof io.namespace === 'string' ? io.namespace : e.metadata.namespace
  const key = CREATOR_KEY[io.kind]
  const found = key && snapshot.has(key) ? snapshot.get(key, ns, io.name as string) : undefined
  if (found) {
    const root = snapshot.rootOwner(found)
    return { object: root, ref: refOf(root), involved: found }
  }
  const ref: ObjectRef = {
    apiVersion: typeof io.apiVersion === 'string' ? io.apiVersion : 'v1',
    kind: io.kind,
    name: io.name as string,
  }
  if (ns) ref.namespace = ns
  if (typeof io.uid === 'string' && io.uid) ref.uid = io.uid
  return { object: ref, ref }
}

/** `Kind name` of a reference, for messages. */
export function describeRef(ref: { kind: string; name: string }): string {
  return `${ref.kind} ${ref.name}`
}

/** Names for a message: `a, b and c`, or the first few and how many more. */
export function nameList(names: readonly string[], max = 3): string {
  if (names.length === 0) return ''
  if (names.length === 1) return names[0] as string
  if (names.length <= max) return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`
}

/** Whether an event happened within `windowMs` of `now` (an event without a time counts as recent). */
export function eventWithin(e: KubeObject, now: Date, windowMs: number): boolean {
  const age = ageMs(eventTime(e), now)
  return age === undefined || age <= windowMs
}

// ---------------------------------------------------------------------------------------------
// LimitRange defaults

/** What the namespace's LimitRanges give a container that sets nothing itself. */
export interface ContainerDefaults {
  /** Resources a container gets a request for (defaultRequest, default, or max). */
  requests: Set<string>
  /** Resources a container gets a limit for (default, or max). */
  limits: Set<string>
}

const NO_DEFAULTS: ContainerDefaults = { requests: new Set(), limits: new Set() }

function keysOf(v: unknown): string[] {
  return v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []
}

/**
 * Container defaults per namespace from the LimitRanges. The API server fills a LimitRange's
 * `default` from `max` and `defaultRequest` from `default` when they are unset, and admission then
 * gives every container without its own values those defaults: rendered LimitRanges may show only
 * `max`, so max counts too. Reads `v1/LimitRange`: declare it (optional).
 */
export function limitRangeDefaults(snapshot: Snapshot, namespace: string): ContainerDefaults {
  const all = snapshot.memo('scheduling-storage/limitRangeDefaults', () => {
    const m = new Map<string, ContainerDefaults>()
    if (!snapshot.has('v1/LimitRange')) return m
    for (const lr of snapshot.list('v1/LimitRange')) {
      const limits: unknown = lr.spec?.limits
      if (!Array.isArray(limits)) continue
      const ns = lr.metadata.namespace ?? ''
      let d = m.get(ns)
      if (!d) m.set(ns, (d = { requests: new Set(), limits: new Set() }))
      for (const l of limits) {
        if (!l || typeof l !== 'object' || l.type !== 'Container') continue
        for (const r of [...keysOf(l.default), ...keysOf(l.max)]) {
          d.limits.add(r)
          d.requests.add(r)
        }
        for (const r of keysOf(l.defaultRequest)) d.requests.add(r)
      }
    }
    return m
  })
  return all.get(namespace) ?? NO_DEFAULTS
}

// ---------------------------------------------------------------------------------------------
// Configuration checks of pod templates

/** Namespaces a hygiene check skips, from its `excludeNamespaces` parameter. */
export function excludedNamespaces(value: unknown): Set<string> {
  if (Array.isArray(value)) return new Set(value.map(String))
  if (typeof value === 'string')
    return new Set(
      value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
  return new Set()
}

/** A pod that has finished (Succeeded, Failed) holds no resources: its settings no longer matter. */
export function isFinishedPod(o: KubeObject): boolean {
  if (o.kind !== 'Pod') return false
  const phase = o.status?.phase
  return phase === 'Succeeded' || phase === 'Failed'
}

/** `container`, `init container` or `sidecar container`, for messages. */
export function containerWords(kind: 'init' | 'app', sidecar: boolean): string {
  return sidecar ? 'sidecar container' : kind === 'init' ? 'init container' : 'container'
}

/** Whether a resources map (`requests`, `limits`) sets a resource. */
export function sets(map: unknown, resource: string): boolean {
  if (!map || typeof map !== 'object') return false
  const v = (map as Record<string, unknown>)[resource]
  return typeof v === 'string' || typeof v === 'number'
}

// ---------------------------------------------------------------------------------------------
// StorageClasses

/** The annotation that marks a StorageClass default (and its beta predecessor, still honoured). */
export const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
]

/** Whether a StorageClass is marked default. */
export function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations
  if (!a || typeof a !== 'object') return false
  for (const k of DEFAULT_CLASS_ANNOTATIONS) if (a[k] === 'true') return true
  return false
}

/**
 * The StorageClass a PVC asks for: `spec.storageClassName`, or the old beta annotation; `''` asks
 * for no class (a pre-created volume); undefined leaves the choice to the default class.
 */
export function claimClassOf(pvc: KubeObject): string | undefined {
  const name: unknown = pvc.spec?.storageClassName
  if (typeof name === 'string') return name
  const beta = pvc.metadata.annotations?.['volume.beta.kubernetes.io/storage-class']
  return typeof beta === 'string' ? beta : undefined
}

/** The StorageClasses marked default, newest first (Kubernetes ≥1.26 gives new claims the newest). */
export function defaultClasses(classes: readonly KubeObject[]): KubeObject[] {
  return classes
    .filter(isDefaultClass)
    .sort((a, b) =>
      String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? '')),
    )
}

// ---------------------------------------------------------------------------------------------
// Fixture builders for this group's test cases

/** A PersistentVolumeClaim for test cases; `phase` undefined leaves out status (a rendered manifest). */
export function pvcFixture(
  name: string,
  opts: {
    namespace?: string
    storageClassName?: string | null
    phase?: string
    created?: string
    annotations?: Record<string, string>
    volumeName?: string
    size?: string
    status?: Record<string, unknown>
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const spec: Record<string, unknown> = {
    accessModes: ['ReadWriteOnce'],
    resources: { requests: { storage: opts.size ?? '10Gi' } },
    volumeMode: 'Filesystem',
  }
  if (opts.storageClassName !== null) spec.storageClassName = opts.storageClassName ?? 'standard'
  if (opts.volumeName) spec.volumeName = opts.volumeName
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-pvc-${ns}-${name}`,
      creationTimestamp: opts.created ?? '2026-03-01T11:00:00Z',
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    },
    spec,
    ...(opts.phase ? { status: { phase: opts.phase, ...(opts.status ?? {}) } } : {}),
  }
}

/** A StorageClass for test cases. */
export function storageClassFixture(
  name: string,
  opts: {
    isDefault?: boolean
    bindingMode?: 'Immediate' | 'WaitForFirstConsumer'
    provisioner?: string
    created?: string
  } = {},
): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      uid: `uid-storageclass-${name}`,
      creationTimestamp: opts.created ?? '2026-01-01T00:00:00Z',
      ...(opts.isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    provisioner: opts.provisioner ?? 'ebs.csi.aws.com',
    reclaimPolicy: 'Delete',
    volumeBindingMode: opts.bindingMode ?? 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
  }
}

/** A LimitRange for test cases, with one `Container` entry. */
export function limitRangeFixture(
  name: string,
  container: Record<string, Record<string, string>>,
  namespace = 'default',
  more: Record<string, unknown>[] = [],
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'LimitRange',
    metadata: { name, namespace, uid: `uid-limitrange-${namespace}-${name}` },
    spec: { limits: [{ type: 'Container', ...container }, ...more] },
  }
}
