import type { KubeObject } from '../../core/types.js'
import { matchesMapSelector } from '../../snapshot/selectors.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import { parseQuantity, podTemplateSpecOf } from './k8s.js'

// Specs are untyped JSON; these helpers read them defensively and hand them on.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

/** The kind key every HPA detector requires. */
export const HPA = 'autoscaling/v2/HorizontalPodAutoscaler'

/**
 * The kinds an HPA can scale whose pod template kubedac reads. Detectors that resolve targets
 * declare them as `requiresAny`, and all declare the same list, since they share the memoized index.
 */
export const TARGET_KINDS: string[] = [
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/ReplicaSet',
  'argoproj.io/v1alpha1/Rollout',
]

// scaleTargetRef.kind → the kind key to look it up by, and the API groups it may be served from.
const TARGET_BY_KIND: Record<string, { key: string; groups: string[] }> = {
  Deployment: { key: 'apps/v1/Deployment', groups: ['apps', 'extensions'] },
  StatefulSet: { key: 'apps/v1/StatefulSet', groups: ['apps'] },
  ReplicaSet: { key: 'apps/v1/ReplicaSet', groups: ['apps', 'extensions'] },
  Rollout: { key: 'argoproj.io/v1alpha1/Rollout', groups: ['argoproj.io'] },
}

/** Where an HPA's scale target stands in the snapshot. */
export type TargetLookup =
  | { status: 'found'; target: KubeObject; kindKey: string }
  /** The kind was collected in full, and the object is not there. */
  | { status: 'missing'; kindKey: string; kind: string; name: string }
  /** A kind kubedac does not read (a CRD), one that was not collected, or a malformed reference. */
  | { status: 'unknown' }

const UNKNOWN: TargetLookup = { status: 'unknown' }

/** The kind key of an HPA's scale target, when it is one of {@link TARGET_KINDS}. */
export function targetKindKey(hpa: KubeObject): string | undefined {
  const ref = hpa.spec?.scaleTargetRef
  if (!ref || typeof ref !== 'object' || typeof ref.kind !== 'string' || typeof ref.name !== 'string')
    return undefined
  if (!Object.prototype.hasOwnProperty.call(TARGET_BY_KIND, ref.kind)) return undefined
  const t = TARGET_BY_KIND[ref.kind] as { key: string; groups: string[] }
  if (typeof ref.apiVersion === 'string') {
    const slash = ref.apiVersion.indexOf('/')
    const group = slash < 0 ? '' : ref.apiVersion.slice(0, slash)
    if (!t.groups.includes(group)) return undefined
  }
  return t.key
}

/** Finds an HPA's scale target; the caller must declare {@link TARGET_KINDS}. */
export function resolveTarget(snapshot: Snapshot, hpa: KubeObject): TargetLookup {
  const key = targetKindKey(hpa)
  if (!key || !snapshot.has(key)) return UNKNOWN
  const ref = hpa.spec.scaleTargetRef
  const target = snapshot.get(key, hpa.metadata.namespace ?? '', ref.name)
  if (target) return { status: 'found', target, kindKey: key }
  return { status: 'missing', kindKey: key, kind: ref.kind, name: ref.name }
}

/** A workload scaled by one or more HPAs, with its pod template. */
export interface ScaledWorkload {
  target: KubeObject
  /** The HPAs that target it (two is already a problem, reported by hpa-metrics-unavailable). */
  hpas: KubeObject[]
  /** The pod template's spec; undefined when the target has none (a Rollout with a workloadRef). */
  spec: Loose
  /** The pod template's labels. */
  labels: Record<string, string>
  namespace: string
}

/**
 * Every workload an HPA scales, once, in HPA order. Shared through `snapshot.memo` by the
 * autoscaling detectors; each declares {@link HPA} and {@link TARGET_KINDS}.
 */
export function scaledWorkloads(snapshot: Snapshot): readonly ScaledWorkload[] {
  return snapshot.memo('autoscaling/scaledWorkloads', () => {
    const byTarget = new Map<KubeObject, ScaledWorkload>()
    for (const hpa of snapshot.list(HPA)) {
      const r = resolveTarget(snapshot, hpa)
      if (r.status !== 'found') continue
      const seen = byTarget.get(r.target)
      if (seen) {
        seen.hpas.push(hpa)
        continue
      }
      const spec = podTemplateSpecOf(r.target)
      const labels: unknown = r.target.spec?.template?.metadata?.labels
      byTarget.set(r.target, {
        target: r.target,
        hpas: [hpa],
        spec: spec && typeof spec === 'object' ? spec : undefined,
        labels: labels && typeof labels === 'object' ? (labels as Record<string, string>) : {},
        namespace: r.target.metadata.namespace ?? '',
      })
    }
    return [...byTarget.values()]
  })
}

/** `Kind/name` of an object, for messages. */
export function refText(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.name}`
}

/** The names of the HPAs, for messages: `web` or `web, web-2`. */
export function hpaNames(hpas: readonly KubeObject[]): string {
  return hpas.map((h) => h.metadata.name).join(', ')
}

/** A resource an HPA scales on, read from its metrics. */
export interface ScaledResource {
  /** `cpu`, `memory`. */
  resource: string
  /** Set for a ContainerResource metric: the one container it watches. */
  container?: string
  /** `Utilization` (a percentage of requests) or `AverageValue`/`Value` (absolute). */
  type: string
  /** The metric as written, for evidence. */
  metric: unknown
}

/**
 * The resources (CPU, memory) an HPA scales on: `Resource` and `ContainerResource` metrics of v2
 * and v2beta1, `targetCPUUtilizationPercentage` of v1, and the API server's default (80% CPU) for a
 * manifest without metrics.
 */
export function scaledResources(hpa: KubeObject): ScaledResource[] {
  const spec = hpa.spec
  if (!spec || typeof spec !== 'object') return []
  const out: ScaledResource[] = []
  if (typeof spec.targetCPUUtilizationPercentage === 'number')
    out.push({
      resource: 'cpu',
      type: 'Utilization',
      metric: { targetCPUUtilizationPercentage: spec.targetCPUUtilizationPercentage },
    })
  const metrics: unknown = spec.metrics
  if (Array.isArray(metrics)) {
    for (const m of metrics) {
      if (!m || typeof m !== 'object') continue
      if (m.type === 'Resource' && typeof m.resource?.name === 'string') {
        const r = m.resource
        const type =
          typeof r.targetAverageUtilization === 'number'
            ? 'Utilization'
            : typeof r.target?.type === 'string'
              ? r.target.type
              : 'AverageValue'
        out.push({ resource: r.name, type, metric: m })
      } else if (m.type === 'ContainerResource' && typeof m.containerResource?.name === 'string') {
        const cr = m.containerResource
        if (typeof cr.container !== 'string') continue
        const type =
          typeof cr.targetAverageUtilization === 'number'
            ? 'Utilization'
            : typeof cr.target?.type === 'string'
              ? cr.target.type
              : 'AverageValue'
        out.push({ resource: cr.name, container: cr.container, type, metric: m })
      }
    }
  }
  if (
    out.length === 0 &&
    spec.targetCPUUtilizationPercentage === undefined &&
    (!Array.isArray(metrics) || metrics.length === 0)
  )
    out.push({ resource: 'cpu', type: 'Utilization', metric: { defaulted: 'cpu utilization 80%' } })
  return out
}

/** A container that runs for the pod's whole life: a regular container or a native sidecar. */
export interface RunningContainer {
  name: string
  c: Loose
  sidecar: boolean
}

/** The containers that run beside each other in a pod: regular ones and native sidecars (`restartPolicy: Always`). */
export function runningContainers(spec: Loose): RunningContainer[] {
  const out: RunningContainer[] = []
  if (!spec || typeof spec !== 'object') return out
  if (Array.isArray(spec.initContainers))
    for (const c of spec.initContainers)
      if (c && typeof c === 'object' && typeof c.name === 'string' && c.restartPolicy === 'Always')
        out.push({ name: c.name, c, sidecar: true })
  if (Array.isArray(spec.containers))
    for (const c of spec.containers)
      if (c && typeof c === 'object' && typeof c.name === 'string')
        out.push({ name: c.name, c, sidecar: false })
  return out
}

/** A container's request for a resource (a limit stands in for a missing request, as the API server defaults it); NaN if none. */
export function requestOf(c: Loose, resource: string): number {
  const res = c?.resources
  if (!res || typeof res !== 'object') return NaN
  const r = parseQuantity(res.requests?.[resource])
  return Number.isNaN(r) ? parseQuantity(res.limits?.[resource]) : r
}

/** A container's limit for a resource; NaN if none. */
export function limitOf(c: Loose, resource: string): number {
  const res = c?.resources
  if (!res || typeof res !== 'object') return NaN
  return parseQuantity(res.limits?.[resource])
}

/**
 * What one pod of a template requests (cores, bytes), as the scheduler counts it: the running
 * containers together, or the largest one-off init container if that is more.
 */
export function podRequests(spec: Loose): { cpu: number; memory: number } {
  let cpu = 0
  let memory = 0
  for (const { c } of runningContainers(spec)) {
    const rc = requestOf(c, 'cpu')
    const rm = requestOf(c, 'memory')
    if (rc > 0) cpu += rc
    if (rm > 0) memory += rm
  }
  if (spec && Array.isArray(spec.initContainers))
    for (const c of spec.initContainers) {
      if (!c || typeof c !== 'object' || c.restartPolicy === 'Always') continue
      const rc = requestOf(c, 'cpu')
      const rm = requestOf(c, 'memory')
      if (rc > cpu) cpu = rc
      if (rm > memory) memory = rm
    }
  return { cpu, memory }
}

/** Whether an object is a rendered manifest rather than something read from a cluster (no status, never created). */
export function isManifest(obj: KubeObject): boolean {
  return (
    // `helm template` and `kubectl create --dry-run` write `creationTimestamp: null`.
    (obj.status === undefined || obj.status === null) &&
    (obj.metadata.creationTimestamp === undefined || obj.metadata.creationTimestamp === null) &&
    (obj.metadata.resourceVersion === undefined || obj.metadata.resourceVersion === null)
  )
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

/** Who keeps putting a static `spec.replicas` on an HPA's target, and the value, when the snapshot shows it. */
export interface StaticReplicas {
  /** `lastApplied`, `managedFields` or `manifest`. */
  source: 'lastApplied' | 'managedFields' | 'manifest'
  /** The value the tool applies. */
  value: number
  /** The tool, for messages: `Argo CD`, `kubectl apply`, or a field manager's name. */
  tool: string
  /** The fields that prove it. */
  evidence: Record<string, unknown>
}

function fieldsOwnReplicas(entry: Loose): boolean {
  const spec = entry?.fieldsV1?.['f:spec']
  return !!spec && typeof spec === 'object' && spec['f:replicas'] !== undefined
}

function toolOf(obj: KubeObject, fallback: string): string {
  const a = obj.metadata.annotations
  if (a && typeof a === 'object') {
    if (a['argocd.argoproj.io/tracking-id'] !== undefined) return 'Argo CD'
    if (a['meta.helm.sh/release-name'] !== undefined) return 'Helm'
  }
  const l = obj.metadata.labels
  if (l && typeof l === 'object') {
    if (l['kustomize.toolkit.fluxcd.io/name'] !== undefined) return 'Flux'
    if (l['helm.toolkit.fluxcd.io/name'] !== undefined) return 'Flux'
  }
  return fallback
}

const FLUX_MANAGERS = /^(kustomize-controller|helm-controller)$/
const ARGO_MANAGERS = /^argocd/

function managerTool(obj: KubeObject, manager: string): string {
  if (FLUX_MANAGERS.test(manager)) return `Flux (${manager})`
  if (ARGO_MANAGERS.test(manager)) return `Argo CD (${manager})`
  return toolOf(obj, manager)
}

/**
 * Whether a workload's `spec.replicas` is owned by something that applies a fixed value: a
 * server-side apply manager (not in `ignoreManagers`) that owns `f:spec.f:replicas`, the
 * client-side `kubectl apply` annotation holding `spec.replicas` (kubectl, Argo CD by default), or a
 * rendered manifest that sets it. Update-operation managers are not counted: they own every field
 * of an object they created, including a defaulted `replicas: 1` that no manifest holds.
 */
export function staticReplicasOf(
  obj: KubeObject,
  ignoreManagers: readonly string[],
): StaticReplicas | undefined {
  const current: unknown = obj.spec?.replicas
  const mf: unknown = obj.metadata.managedFields
  if (Array.isArray(mf)) {
    for (const entry of mf) {
      if (!entry || typeof entry !== 'object' || entry.operation !== 'Apply') continue
      const manager = typeof entry.manager === 'string' ? entry.manager : ''
      if (ignoreManagers.includes(manager) || !fieldsOwnReplicas(entry)) continue
      if (typeof current !== 'number') continue
      const ev: Record<string, unknown> = { manager, operation: 'Apply', fields: 'f:spec.f:replicas' }
      if (typeof entry.time === 'string') ev.time = entry.time
      return {
        source: 'managedFields',
        value: current,
        tool: managerTool(obj, manager || 'an unnamed field manager'),
        evidence: { managedField: ev, specReplicas: current },
      }
    }
  }
  const raw = obj.metadata.annotations?.[LAST_APPLIED]
  if (typeof raw === 'string' && raw.includes('"replicas"')) {
    let applied: Loose
    try {
      applied = JSON.parse(raw)
    } catch {
      applied = undefined
    }
    const v: unknown = applied?.spec?.replicas
    if (typeof v === 'number')
      return {
        source: 'lastApplied',
        value: v,
        tool: toolOf(obj, 'kubectl apply'),
        evidence: { lastAppliedReplicas: v, annotation: LAST_APPLIED, specReplicas: current },
      }
  }
  if (isManifest(obj) && typeof current === 'number')
    return {
      source: 'manifest',
      value: current,
      tool: 'the manifest',
      evidence: { specReplicas: current },
    }
  return undefined
}

/**
 * The containers that serve traffic: regular containers that declare ports, or all regular
 * containers when none declares any (ports are informational, and many manifests leave them out).
 */
export function servingContainers(spec: Loose): RunningContainer[] {
  const app = runningContainers(spec).filter((c) => !c.sidecar)
  const withPorts = app.filter((c) => Array.isArray(c.c.ports) && c.c.ports.length > 0)
  return withPorts.length > 0 ? withPorts : app
}

/**
 * The Services whose selector picks pods with these labels, in a namespace. Services are indexed
 * once per snapshot by one pair of their selector, so a lookup only verifies a few candidates; a
 * detector using it declares `v1/Service` (required or optional).
 */
export function servicesSelecting(
  snapshot: Snapshot,
  namespace: string,
  labels: Record<string, string>,
): KubeObject[] {
  const index = snapshot.memo('autoscaling/servicesBySelectorPair', () => {
    const m = new Map<string, KubeObject[]>()
    for (const svc of snapshot.list('v1/Service')) {
      const sel: unknown = svc.spec?.selector
      if (!sel || typeof sel !== 'object') continue
      for (const k in sel as Record<string, unknown>) {
        const key = `${svc.metadata.namespace ?? ''}\0${k}\0${String((sel as Record<string, unknown>)[k])}`
        const list = m.get(key)
        if (list) list.push(svc)
        else m.set(key, [svc])
        break
      }
    }
    return m
  })
  const out: KubeObject[] = []
  for (const k in labels) {
    const candidates = index.get(`${namespace}\0${k}\0${labels[k]}`)
    if (!candidates) continue
    for (const svc of candidates)
      if (!out.includes(svc) && matchesMapSelector(svc.spec?.selector, labels)) out.push(svc)
  }
  return out
}

// Fixture builders for the autoscaling detectors' cases.

/** A container for fixtures: `app`, with the given fields. */
export function fxContainer(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { name: 'app', image: 'registry.example.com/app:1.0', ...extra }
}

/**
 * A Deployment and its ReplicaSet (as {@link deployment} in fixtures.ts builds them) whose pod
 * template holds `podSpec` (default: one container from {@link fxContainer}), with extra metadata.
 */
export function fxWorkload(
  name: string,
  opts: {
    namespace?: string
    podSpec?: Record<string, unknown>
    replicas?: number
    metadata?: Record<string, unknown>
    status?: Record<string, unknown>
  } = {},
): KubeObject[] {
  const ns = opts.namespace ?? 'default'
  const rs = `${name}-7d9f8b6c5d`
  const depUid = `uid-deployment-${ns}-${name}`
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name,
        namespace: ns,
        uid: depUid,
        generation: 1,
        creationTimestamp: '2026-01-01T00:00:00Z',
        ...(opts.metadata ?? {}),
      },
      spec: {
        replicas: opts.replicas ?? 2,
        selector: { matchLabels: { app: name } },
        template: {
          metadata: { labels: { app: name } },
          spec: opts.podSpec ?? { containers: [fxContainer()] },
        },
      },
      status: opts.status ?? {
        observedGeneration: 1,
        replicas: opts.replicas ?? 2,
        readyReplicas: opts.replicas ?? 2,
        availableReplicas: opts.replicas ?? 2,
        updatedReplicas: opts.replicas ?? 2,
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rs,
        namespace: ns,
        uid: `uid-replicaset-${ns}-${rs}`,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: depUid, controller: true }],
      },
      spec: { replicas: opts.replicas ?? 2, selector: { matchLabels: { app: name } } },
      status: { replicas: opts.replicas ?? 2 },
    },
  ]
}

/** A PodDisruptionBudget selecting `app: <app>`. */
export function fxPdb(
  name: string,
  app: string,
  spec: { minAvailable?: number | string; maxUnavailable?: number | string },
  namespace = 'default',
): KubeObject {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name,
      namespace,
      uid: `uid-pdb-${namespace}-${name}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: { selector: { matchLabels: { app } }, ...spec },
    status: { currentHealthy: 2, desiredHealthy: 2, disruptionsAllowed: 0, expectedPods: 2 },
  }
}

/** A Service selecting `app: <app>`. */
export function fxService(name: string, app: string, namespace = 'default'): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace,
      uid: `uid-service-${namespace}-${name}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
  }
}
