import type { KubeObject } from '../../core/types.js'
import { matchesMapSelector, matchesSelector } from '../../snapshot/selectors.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import type { Params } from '../../detect/define.js'
import { paramList } from './k8s.js'
import { templateContainers, type PodTemplate, type TemplateContainer } from './workloads.js'

// Specs are untyped JSON; these helpers read them defensively and hand values on as they are.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

// ---------------------------------------------------------------------------------------------
// Namespaces and workload shapes

/** Namespaces whose workloads are cluster add-ons: hygiene checks leave them alone by default. */
export const SYSTEM_NAMESPACES: string[] = ['kube-system', 'kube-public', 'kube-node-lease']

/** The `excludeNamespaces` parameter shared by the hygiene detectors of this group. */
export const EXCLUDE_NAMESPACES_PARAM = {
  default: SYSTEM_NAMESPACES,
  description:
    'Namespaces not checked: cluster add-ons whose manifests the platform vendor owns (a list, or comma-separated).',
}

/** The excluded namespaces as a set, from the `excludeNamespaces` parameter. */
export function excludedNamespaces(params: Params): Set<string> {
  return new Set(paramList(params.excludeNamespaces))
}

/** Containers a service mesh injects into pods: their probes are the mesh vendor's choice, not the app team's. */
export const MESH_PROXIES: ReadonlySet<string> = new Set(['istio-proxy', 'linkerd-proxy'])

const BATCH_OWNERS = new Set(['Job', 'CronJob'])

/**
 * Whether a template's pods run until deleted (a Deployment, StatefulSet, DaemonSet, ReplicaSet or a
 * long-running bare pod), as opposed to run-to-completion pods of Jobs and CronJobs.
 */
export function isLongRunning(t: PodTemplate): boolean {
  const kind = t.owner.kind
  if (BATCH_OWNERS.has(kind)) return false
  if (kind === 'Pod') {
    const refs = t.owner.metadata.ownerReferences
    if (Array.isArray(refs) && refs.some((r) => r && BATCH_OWNERS.has(r.kind))) return false
  }
  const rp = t.spec?.restartPolicy
  return rp === undefined || rp === 'Always'
}

/** `spec.replicas` of a Deployment or StatefulSet (the API default is 1); undefined when unreadable. */
export function replicasOf(obj: KubeObject): number | undefined {
  const r = obj.spec?.replicas
  if (r === undefined || r === null) return 1
  return typeof r === 'number' && Number.isFinite(r) ? r : undefined
}

/** `Kind/name` for messages. */
export function kindName(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.name}`
}

// ---------------------------------------------------------------------------------------------
// HPAs (optional: `autoscaling/v2/HorizontalPodAutoscaler` must be declared by the caller)

/** The smallest `minReplicas` of the HPAs scaling each workload, by `namespace/Kind/name`. */
export function hpaMinByTarget(snapshot: Snapshot): Map<string, { hpa: KubeObject; min: number }> {
  return snapshot.memo('reliability/hpaMinByTarget', () => {
    const out = new Map<string, { hpa: KubeObject; min: number }>()
    if (!snapshot.has('autoscaling/v2/HorizontalPodAutoscaler')) return out
    for (const hpa of snapshot.list('autoscaling/v2/HorizontalPodAutoscaler')) {
      const ref = hpa.spec?.scaleTargetRef
      if (!ref || typeof ref.kind !== 'string' || typeof ref.name !== 'string') continue
      const raw = hpa.spec?.minReplicas
      const min = typeof raw === 'number' && Number.isFinite(raw) ? raw : 1
      const key = `${hpa.metadata.namespace ?? ''}/${ref.kind}/${ref.name}`
      const prev = out.get(key)
      if (!prev || min < prev.min) out.set(key, { hpa, min })
    }
    return out
  })
}

/** The HPA scaling a workload, if any. */
export function hpaFor(snapshot: Snapshot, obj: KubeObject): { hpa: KubeObject; min: number } | undefined {
  return hpaMinByTarget(snapshot).get(`${obj.metadata.namespace ?? ''}/${obj.kind}/${obj.metadata.name}`)
}

// ---------------------------------------------------------------------------------------------
// Services in front of pod templates (callers declare `v1/Service` and WORKLOAD_KINDS)

/** Services with a selector, by namespace. */
function servicesByNamespace(snapshot: Snapshot): Map<string, KubeObject[]> {
  return snapshot.memo('reliability/servicesByNamespace', () => {
    const out = new Map<string, KubeObject[]>()
    for (const svc of snapshot.list('v1/Service')) {
      const sel = svc.spec?.selector
      if (!sel || typeof sel !== 'object' || Object.keys(sel).length === 0) continue
      const ns = svc.metadata.namespace ?? ''
      const list = out.get(ns)
      if (list) list.push(svc)
      else out.set(ns, [svc])
    }
    return out
  })
}

/**
 * The Services whose endpoints would hold a template's pods: same namespace, selector matching the
 * template's labels. Services that publish not-ready addresses are left out: readiness does not gate them.
 */
export function servicesFor(snapshot: Snapshot, t: PodTemplate): KubeObject[] {
  const list = servicesByNamespace(snapshot).get(t.namespace)
  if (!list) return []
  let out: KubeObject[] | undefined
  for (const svc of list) {
    if (svc.spec?.publishNotReadyAddresses === true) continue
    if (!matchesMapSelector(svc.spec.selector, t.labels)) continue
    ;(out ??= []).push(svc)
  }
  return out ?? []
}

function containerHasPort(c: Loose, target: unknown): boolean {
  const ports = c?.ports
  if (!Array.isArray(ports)) return false
  for (const p of ports) {
    if (!p || typeof p !== 'object') continue
    if (typeof target === 'string' ? p.name === target : p.containerPort === target) return true
  }
  return false
}

/**
 * The app containers that serve a template's Services: those declaring a port the Services target.
 * When none declares one (ports are optional in a pod spec), every app container may be the one.
 * Init containers and native sidecars are never counted.
 */
export function servingContainers(spec: unknown, services: KubeObject[]): TemplateContainer[] {
  const app = templateContainers(spec).filter((c) => c.kind === 'app')
  if (app.length <= 1) return app
  const hit = new Set<string>()
  for (const svc of services) {
    const ports = svc.spec?.ports
    if (!Array.isArray(ports)) continue
    for (const p of ports) {
      if (!p || typeof p !== 'object') continue
      const target = p.targetPort ?? p.port
      for (const c of app) if (containerHasPort(c.c, target)) hit.add(c.name)
    }
  }
  return hit.size === 0 ? app : app.filter((c) => hit.has(c.name))
}

/** Names of Services, for messages: `web` or `web, web-headless`. */
export function serviceNames(services: KubeObject[]): string {
  return services.map((s) => s.metadata.name).join(', ')
}

// ---------------------------------------------------------------------------------------------
// Probes

/** Resolves a probe's port (a number, or a name declared by the container) to a number when it can. */
function probePort(port: unknown, container: Loose): string {
  if (typeof port === 'string' && Array.isArray(container?.ports)) {
    for (const p of container.ports)
      if (p && p.name === port && typeof p.containerPort === 'number') return String(p.containerPort)
  }
  return String(port)
}

/**
 * What a probe asks, without its timings: `http HTTP  8080 /healthz []`, `tcp  5432`, `exec ["pg_isready"]`.
 * Two probes with the same handler get the same answer from the app. Undefined for no handler.
 */
export function probeHandler(probe: unknown, container: Loose): string | undefined {
  if (!probe || typeof probe !== 'object') return undefined
  const p = probe as Loose
  if (p.httpGet && typeof p.httpGet === 'object') {
    const h = p.httpGet
    const path = typeof h.path === 'string' && h.path !== '' ? h.path : '/'
    const headers = Array.isArray(h.httpHeaders) ? JSON.stringify(h.httpHeaders) : '[]'
    return `http ${h.scheme ?? 'HTTP'} ${h.host ?? ''} ${probePort(h.port, container)} ${path} ${headers}`
  }
  if (p.tcpSocket && typeof p.tcpSocket === 'object')
    return `tcp ${p.tcpSocket.host ?? ''} ${probePort(p.tcpSocket.port, container)}`
  if (p.grpc && typeof p.grpc === 'object')
    return `grpc ${probePort(p.grpc.port, container)} ${p.grpc.service ?? ''}`
  if (p.exec && typeof p.exec === 'object') return `exec ${JSON.stringify(p.exec.command ?? [])}`
  return undefined
}

/** The handler of a probe for evidence: the one field that says what it asks. */
export function probeEvidence(probe: unknown): Record<string, unknown> | undefined {
  if (!probe || typeof probe !== 'object') return undefined
  const p = probe as Loose
  for (const f of ['httpGet', 'tcpSocket', 'grpc', 'exec'])
    if (p[f] && typeof p[f] === 'object') {
      const out: Record<string, unknown> = { [f]: p[f] }
      for (const t of ['initialDelaySeconds', 'periodSeconds', 'failureThreshold', 'timeoutSeconds'])
        if (typeof p[t] === 'number') out[t] = p[t]
      return out
    }
  return undefined
}

/** A short description of a probe handler for messages: `HTTP GET :8080/healthz`, `TCP :5432`, `exec pg_isready`. */
export function describeProbe(probe: unknown, container: Loose): string {
  const p = probe as Loose
  if (p?.httpGet && typeof p.httpGet === 'object')
    return `HTTP GET :${probePort(p.httpGet.port, container)}${typeof p.httpGet.path === 'string' ? p.httpGet.path : '/'}`
  if (p?.tcpSocket && typeof p.tcpSocket === 'object') return `TCP :${probePort(p.tcpSocket.port, container)}`
  if (p?.grpc && typeof p.grpc === 'object') return `gRPC :${probePort(p.grpc.port, container)}`
  if (p?.exec && typeof p.exec === 'object' && Array.isArray(p.exec.command))
    return `exec ${p.exec.command.map(String).join(' ').slice(0, 80)}`
  return 'the same check'
}

// ---------------------------------------------------------------------------------------------
// Graceful shutdown

/** The API default for `terminationGracePeriodSeconds`. */
export const DEFAULT_GRACE_SECONDS = 30

// `sleep 5`, `/bin/sleep 5s`, `sh -c "sleep 10 && nginx -s quit"`: the seconds a preStop exec waits.
const SLEEP_CMD = /(?:^|[\s;&|(/])sleep\s+(\d+(?:\.\d+)?)([smh]?)(?=$|[\s;&|)])/

/**
 * How long a container's preStop hook waits, in seconds: the `sleep` action, or an exec running
 * `sleep N`. Undefined when there is no preStop or its duration cannot be known (an HTTP call, a script).
 */
export function preStopSleepSeconds(container: Loose): number | undefined {
  const pre = container?.lifecycle?.preStop
  if (!pre || typeof pre !== 'object') return undefined
  if (pre.sleep && typeof pre.sleep === 'object' && typeof pre.sleep.seconds === 'number')
    return pre.sleep.seconds
  const cmd = pre.exec?.command
  if (!Array.isArray(cmd)) return undefined
  const m = SLEEP_CMD.exec(cmd.filter((x) => typeof x === 'string').join(' '))
  if (!m) return undefined
  const n = Number(m[1])
  return m[2] === 'm' ? n * 60 : m[2] === 'h' ? n * 3600 : n
}

/** Whether a container has any preStop hook. */
export function hasPreStop(container: Loose): boolean {
  const pre = container?.lifecycle?.preStop
  return !!pre && typeof pre === 'object' && Object.keys(pre).length > 0
}

// ---------------------------------------------------------------------------------------------
// Images

/** Why an image reference is mutable: `untagged`, `latest`, or undefined when pinned (a tag or a digest). */
export function mutableImage(image: unknown): 'untagged' | 'latest' | undefined {
  if (typeof image !== 'string' || image === '') return undefined
  if (image.includes('@')) return undefined
  const slash = image.lastIndexOf('/')
  const colon = image.indexOf(':', slash + 1)
  if (colon < 0) return 'untagged'
  return image.slice(colon + 1) === 'latest' ? 'latest' : undefined
}

// ---------------------------------------------------------------------------------------------
// References from pod specs to other objects

/** A kind of object a pod spec refers to by name. */
export type RefKind = 'ConfigMap' | 'Secret' | 'PersistentVolumeClaim'

/** One reference from a pod spec: which object, whether the pod can start without it, and from where. */
export interface SpecRef {
  name: string
  optional: boolean
  /** `volume config`, `env DB_URL of container app`, `envFrom of container app`, `imagePullSecrets`. */
  from: string
  /** A key the reference needs inside a ConfigMap or Secret. */
  key?: string
  pullSecret?: boolean
}

function push(out: SpecRef[], name: unknown, optional: unknown, from: string, key?: unknown): void {
  if (typeof name !== 'string' || name === '') return
  const r: SpecRef = { name, optional: optional === true, from }
  if (typeof key === 'string' && key !== '') r.key = key
  out.push(r)
}

/**
 * The references of a pod spec to objects of one kind: volumes (projected ones too), env and envFrom
 * of init and app containers, and for Secrets the image pull secrets. PVC claims of a StatefulSet's
 * volumeClaimTemplates are not references: the controller creates them.
 */
export function specRefs(spec: Loose, kind: RefKind, claimTemplates?: Set<string>): SpecRef[] {
  const out: SpecRef[] = []
  if (!spec || typeof spec !== 'object') return out
  const volField = kind === 'ConfigMap' ? 'configMap' : kind === 'Secret' ? 'secret' : undefined
  if (Array.isArray(spec.volumes))
    for (const v of spec.volumes) {
      if (!v || typeof v !== 'object') continue
      const vname = typeof v.name === 'string' ? v.name : '?'
      if (kind === 'PersistentVolumeClaim') {
        const pvc = v.persistentVolumeClaim
        if (pvc && typeof pvc === 'object' && !claimTemplates?.has(vname))
          push(out, pvc.claimName, false, `volume ${vname}`)
        continue
      }
      const src = v[volField as string]
      if (src && typeof src === 'object') {
        const name = kind === 'Secret' ? src.secretName : src.name
        const before = out.length
        push(out, name, src.optional, `volume ${vname}`)
        if (out.length > before && Array.isArray(src.items))
          for (const it of src.items) push(out, name, src.optional, `volume ${vname}`, it?.key)
      }
      const sources = v.projected?.sources
      if (Array.isArray(sources))
        for (const s of sources) {
          const ps = s?.[volField as string]
          if (!ps || typeof ps !== 'object') continue
          const before = out.length
          push(out, ps.name, ps.optional, `volume ${vname}`)
          if (out.length > before && Array.isArray(ps.items))
            for (const it of ps.items) push(out, ps.name, ps.optional, `volume ${vname}`, it?.key)
        }
    }
  if (kind === 'PersistentVolumeClaim') return out
  const keyRef = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef'
  const fromRef = kind === 'ConfigMap' ? 'configMapRef' : 'secretRef'
  for (const { c, name: cname } of templateContainers(spec)) {
    if (Array.isArray(c.env))
      for (const e of c.env) {
        const ref = e?.valueFrom?.[keyRef]
        if (ref && typeof ref === 'object')
          push(
            out,
            ref.name,
            ref.optional,
            `env ${typeof e.name === 'string' ? e.name : '?'} of container ${cname}`,
            ref.key,
          )
      }
    if (Array.isArray(c.envFrom))
      for (const e of c.envFrom) {
        const ref = e?.[fromRef]
        if (ref && typeof ref === 'object') push(out, ref.name, ref.optional, `envFrom of container ${cname}`)
      }
  }
  if (kind === 'Secret' && Array.isArray(spec.imagePullSecrets))
    for (const s of spec.imagePullSecrets) {
      const before = out.length
      push(out, s?.name, false, 'imagePullSecrets')
      if (out.length > before) (out[out.length - 1] as SpecRef).pullSecret = true
    }
  return out
}

/** References grouped by the object they name, in first-seen order. */
export function refsByName(refs: SpecRef[]): Map<string, SpecRef[]> {
  const out = new Map<string, SpecRef[]>()
  for (const r of refs) {
    const list = out.get(r.name)
    if (list) list.push(r)
    else out.set(r.name, [r])
  }
  return out
}

/** Where an object is referenced from, for messages: `volume config` or `env A of container app (and 2 more)`. */
export function describeUses(refs: SpecRef[]): string {
  const places = [...new Set(refs.map((r) => r.from))]
  return places.length > 1 ? `${places[0]} (and ${places.length - 1} more)` : (places[0] ?? 'the pod spec')
}

/**
 * Whether a template will still start pods, so that a missing reference matters: not a pod that has
 * finished, nor a Job that has completed or failed for good.
 */
export function startsPods(t: PodTemplate): boolean {
  const o = t.owner
  if (o.kind === 'Pod') {
    const phase = o.status?.phase
    return phase !== 'Succeeded' && phase !== 'Failed'
  }
  if (o.kind === 'Job') {
    const conds = o.status?.conditions
    if (Array.isArray(conds))
      for (const c of conds)
        if (c && (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True') return false
  }
  return true
}

/** Names of a StatefulSet's volumeClaimTemplates (its pods' claims are created from them). */
export function claimTemplateNames(owner: KubeObject): Set<string> | undefined {
  if (owner.kind !== 'StatefulSet') return undefined
  const vct = owner.spec?.volumeClaimTemplates
  if (!Array.isArray(vct)) return undefined
  const out = new Set<string>()
  for (const v of vct) if (typeof v?.metadata?.name === 'string') out.add(v.metadata.name)
  return out
}

/** Namespaces holding at least one object of a kind (a namespace with none was likely not collected). */
export function namespacesWith(snapshot: Snapshot, kind: string): Set<string> {
  return snapshot.memo(`reliability/namespacesWith/${kind}`, () => {
    const out = new Set<string>()
    for (const o of snapshot.list(kind)) out.add(o.metadata.namespace ?? '')
    return out
  })
}

// ---------------------------------------------------------------------------------------------
// PodDisruptionBudgets

function emptySelector(sel: Loose): boolean {
  const ml = sel.matchLabels
  const me = sel.matchExpressions
  return (
    (!ml || typeof ml !== 'object' || Object.keys(ml).length === 0) && (!Array.isArray(me) || me.length === 0)
  )
}

/** Whether a PDB selects pods with these labels (policy/v1: an empty selector selects all; v1beta1: none). */
export function pdbSelects(pdb: KubeObject, labels: Record<string, string> | undefined): boolean {
  const sel = pdb.spec?.selector
  if (!sel || typeof sel !== 'object') return false
  if (pdb.apiVersion === 'policy/v1beta1' && emptySelector(sel)) return false
  return matchesSelector(sel, labels)
}

/** PDBs by namespace (callers declare `policy/v1/PodDisruptionBudget`). */
export function pdbsByNamespace(snapshot: Snapshot): Map<string, KubeObject[]> {
  return snapshot.memo('reliability/pdbsByNamespace', () => {
    const out = new Map<string, KubeObject[]>()
    for (const pdb of snapshot.list('policy/v1/PodDisruptionBudget')) {
      const ns = pdb.metadata.namespace ?? ''
      const list = out.get(ns)
      if (list) list.push(pdb)
      else out.set(ns, [pdb])
    }
    return out
  })
}

/** Which pods each PDB selects, and which PDBs select each pod (callers declare PDBs and `v1/Pod`). */
export interface PdbIndex {
  podsOf: Map<KubeObject, KubeObject[]>
  /** Only pods selected by two or more PDBs. */
  shared: Map<KubeObject, KubeObject[]>
}

// PDBs of one namespace arranged for lookup by a pod's labels: most select on matchLabels, so a pod
// is only tested against the budgets one of its labels could satisfy.
interface PdbLookup {
  byLabel: Map<string, Map<string, KubeObject[]>>
  /** Budgets without a matchLabels entry to look up by (expressions only, empty, none): tested on every pod. */
  always: KubeObject[]
}

function pdbLookup(pdbs: KubeObject[]): PdbLookup {
  const byLabel = new Map<string, Map<string, KubeObject[]>>()
  const always: KubeObject[] = []
  for (const pdb of pdbs) {
    const ml = pdb.spec?.selector?.matchLabels
    const first =
      ml && typeof ml === 'object' ? Object.entries(ml).find(([, v]) => typeof v === 'string') : undefined
    if (!first) {
      always.push(pdb)
      continue
    }
    const [k, v] = first as [string, string]
    let values = byLabel.get(k)
    if (!values) byLabel.set(k, (values = new Map()))
    const list = values.get(v)
    if (list) list.push(pdb)
    else values.set(v, [pdb])
  }
  return { byLabel, always }
}

/** The PDB ↔ pod index, computed once per snapshot. */
export function pdbIndex(snapshot: Snapshot): PdbIndex {
  return snapshot.memo('reliability/pdbIndex', () => {
    const podsOf = new Map<KubeObject, KubeObject[]>()
    const shared = new Map<KubeObject, KubeObject[]>()
    for (const [ns, pdbs] of pdbsByNamespace(snapshot)) {
      for (const pdb of pdbs) podsOf.set(pdb, [])
      const { byLabel, always } = pdbLookup(pdbs)
      // Reused for every pod: nothing is allocated for the usual pod that one budget or none selects.
      const hits: KubeObject[] = []
      for (const pod of snapshot.list('v1/Pod', ns)) {
        const labels = pod.metadata.labels
        hits.length = 0
        for (const pdb of always) if (pdbSelects(pdb, labels)) hits.push(pdb)
        if (labels && typeof labels === 'object')
          for (const k in labels) {
            const candidates = byLabel.get(k)?.get(labels[k] as string)
            if (candidates) for (const pdb of candidates) if (pdbSelects(pdb, labels)) hits.push(pdb)
          }
        for (const pdb of hits) (podsOf.get(pdb) as KubeObject[]).push(pod)
        if (hits.length > 1) shared.set(pod, hits.slice())
      }
    }
    return { podsOf, shared }
  })
}

// ---------------------------------------------------------------------------------------------
// Removed API versions

/** An API version of a kind that Kubernetes stopped serving. */
export interface RemovedApi {
  apiVersion: string
  kind: string
  /** The release that stopped serving it: `v1.22`. */
  removedIn: string
  /** What to use instead (`networking.k8s.io/v1`), or undefined when the API is gone without a successor. */
  replacement?: string
  /** For an API without a successor: what replaces it, in words. */
  instead?: string
}

const r = (apiVersion: string, kinds: string[], removedIn: string, replacement: string): RemovedApi[] =>
  kinds.map((kind) => ({ apiVersion, kind, removedIn, replacement }))
const PSA = 'Pod Security Admission (the pod-security.kubernetes.io/enforce label on namespaces)'

/** From the Kubernetes deprecated API migration guide (kubernetes.io/docs/reference/using-api/deprecation-guide/). */
export const REMOVED_APIS: RemovedApi[] = [
  // v1.16
  ...r('extensions/v1beta1', ['Deployment', 'DaemonSet', 'ReplicaSet'], 'v1.16', 'apps/v1'),
  ...r('apps/v1beta1', ['Deployment', 'StatefulSet'], 'v1.16', 'apps/v1'),
  ...r('apps/v1beta2', ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'], 'v1.16', 'apps/v1'),
  ...r('extensions/v1beta1', ['NetworkPolicy'], 'v1.16', 'networking.k8s.io/v1'),
  { apiVersion: 'extensions/v1beta1', kind: 'PodSecurityPolicy', removedIn: 'v1.16', instead: PSA },
  // v1.22
  ...r(
    'admissionregistration.k8s.io/v1beta1',
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    'v1.22',
    'admissionregistration.k8s.io/v1',
  ),
  ...r('apiextensions.k8s.io/v1beta1', ['CustomResourceDefinition'], 'v1.22', 'apiextensions.k8s.io/v1'),
  ...r('apiregistration.k8s.io/v1beta1', ['APIService'], 'v1.22', 'apiregistration.k8s.io/v1'),
  ...r('certificates.k8s.io/v1beta1', ['CertificateSigningRequest'], 'v1.22', 'certificates.k8s.io/v1'),
  ...r('coordination.k8s.io/v1beta1', ['Lease'], 'v1.22', 'coordination.k8s.io/v1'),
  ...r('extensions/v1beta1', ['Ingress'], 'v1.22', 'networking.k8s.io/v1'),
  ...r('networking.k8s.io/v1beta1', ['Ingress', 'IngressClass'], 'v1.22', 'networking.k8s.io/v1'),
  ...r(
    'rbac.authorization.k8s.io/v1beta1',
    ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
    'v1.22',
    'rbac.authorization.k8s.io/v1',
  ),
  ...r('scheduling.k8s.io/v1beta1', ['PriorityClass'], 'v1.22', 'scheduling.k8s.io/v1'),
  ...r(
    'storage.k8s.io/v1beta1',
    ['CSIDriver', 'CSINode', 'StorageClass', 'VolumeAttachment'],
    'v1.22',
    'storage.k8s.io/v1',
  ),
  // v1.25
  ...r('batch/v1beta1', ['CronJob'], 'v1.25', 'batch/v1'),
  ...r('discovery.k8s.io/v1beta1', ['EndpointSlice'], 'v1.25', 'discovery.k8s.io/v1'),
  ...r('events.k8s.io/v1beta1', ['Event'], 'v1.25', 'events.k8s.io/v1'),
  ...r('autoscaling/v2beta1', ['HorizontalPodAutoscaler'], 'v1.25', 'autoscaling/v2'),
  ...r('policy/v1beta1', ['PodDisruptionBudget'], 'v1.25', 'policy/v1'),
  { apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', removedIn: 'v1.25', instead: PSA },
  ...r('node.k8s.io/v1beta1', ['RuntimeClass'], 'v1.25', 'node.k8s.io/v1'),
  // v1.26
  ...r(
    'flowcontrol.apiserver.k8s.io/v1beta1',
    ['FlowSchema', 'PriorityLevelConfiguration'],
    'v1.26',
    'flowcontrol.apiserver.k8s.io/v1',
  ),
  ...r('autoscaling/v2beta2', ['HorizontalPodAutoscaler'], 'v1.26', 'autoscaling/v2'),
  // v1.27
  ...r('storage.k8s.io/v1beta1', ['CSIStorageCapacity'], 'v1.27', 'storage.k8s.io/v1'),
  // v1.29, v1.32
  ...r(
    'flowcontrol.apiserver.k8s.io/v1beta2',
    ['FlowSchema', 'PriorityLevelConfiguration'],
    'v1.29',
    'flowcontrol.apiserver.k8s.io/v1',
  ),
  ...r(
    'flowcontrol.apiserver.k8s.io/v1beta3',
    ['FlowSchema', 'PriorityLevelConfiguration'],
    'v1.32',
    'flowcontrol.apiserver.k8s.io/v1',
  ),
]

/** {@link REMOVED_APIS} by `apiVersion/Kind`. */
export const REMOVED_API_INDEX: ReadonlyMap<string, RemovedApi> = new Map(
  REMOVED_APIS.map((a) => [`${a.apiVersion}/${a.kind}`, a]),
)

/**
 * Kind keys to declare: every removed version, and the current version of each kind (an object served
 * as `networking.k8s.io/v1` may have been last applied as `extensions/v1beta1`).
 */
export const REMOVED_API_KIND_KEYS: string[] = [
  ...new Set([
    ...REMOVED_APIS.map((a) => `${a.apiVersion}/${a.kind}`),
    ...REMOVED_APIS.filter((a) => a.replacement).map((a) => `${a.replacement}/${a.kind}`),
  ]),
]

/** `v1.22` or `1.29.3` → [1, 22]; undefined when unreadable. */
export function minorVersion(v: unknown): [number, number] | undefined {
  if (typeof v !== 'string') return undefined
  const m = /^v?(\d+)\.(\d+)/.exec(v.trim())
  return m ? [Number(m[1]), Number(m[2])] : undefined
}

// ---------------------------------------------------------------------------------------------
// Fixture builders for this group's cases

/** A Service selecting `selector`, with one port (targetPort defaults to the port). */
export function service(
  name: string,
  selector: Record<string, string>,
  opts: {
    namespace?: string
    port?: number
    targetPort?: number | string
    publishNotReadyAddresses?: boolean
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, uid: `uid-service-${ns}-${name}` },
    spec: {
      selector,
      ports: [{ port: opts.port ?? 80, targetPort: opts.targetPort ?? 8080, protocol: 'TCP' }],
      ...(opts.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}),
    },
  }
}

/** A workload of `kind` (Deployment, StatefulSet, DaemonSet, Job, CronJob) with this pod spec and `app: name` labels. */
export function workload(
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Job' | 'CronJob',
  name: string,
  podSpec: Record<string, unknown>,
  opts: {
    namespace?: string
    replicas?: number | null
    labels?: Record<string, string>
    spec?: Record<string, unknown>
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const labels = opts.labels ?? { app: name }
  const template = { metadata: { labels }, spec: podSpec }
  const apiVersion = kind === 'Job' || kind === 'CronJob' ? 'batch/v1' : 'apps/v1'
  let spec: Record<string, unknown>
  if (kind === 'CronJob') spec = { schedule: '0 2 * * *', jobTemplate: { spec: { template } } }
  else if (kind === 'Job') spec = { template }
  else {
    spec = { selector: { matchLabels: labels }, template }
    if (kind !== 'DaemonSet' && opts.replicas !== null) spec.replicas = opts.replicas ?? 2
    if (kind === 'StatefulSet') spec.serviceName = name
  }
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: ns,
      uid: `uid-${kind.toLowerCase()}-${ns}-${name}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: { ...spec, ...(opts.spec ?? {}) },
  }
}

/** A container for fixtures: `app` serving HTTP on 8080 with both probes, unless overridden. */
export function container(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'app',
    image: 'registry.example.com/app:1.4.2',
    ports: [{ name: 'http', containerPort: 8080 }],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5 },
    livenessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 10 },
    lifecycle: { preStop: { sleep: { seconds: 5 } } },
    ...overrides,
  }
}

/** A PodDisruptionBudget (policy/v1) for fixtures; `status` as the disruption controller writes it. */
export function pdb(
  name: string,
  opts: {
    namespace?: string
    selector?: Record<string, unknown> | null
    minAvailable?: number | string
    maxUnavailable?: number | string
    status?: Record<string, unknown>
    apiVersion?: string
  } = {},
): KubeObject {
  const ns = opts.namespace ?? 'default'
  const spec: Record<string, unknown> = {}
  if (opts.selector !== null) spec.selector = opts.selector ?? { matchLabels: { app: name } }
  if (opts.minAvailable !== undefined) spec.minAvailable = opts.minAvailable
  if (opts.maxUnavailable !== undefined) spec.maxUnavailable = opts.maxUnavailable
  if (opts.minAvailable === undefined && opts.maxUnavailable === undefined) spec.maxUnavailable = 1
  return {
    apiVersion: opts.apiVersion ?? 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: {
      name,
      namespace: ns,
      uid: `uid-pdb-${ns}-${name}`,
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec,
    ...(opts.status ? { status: opts.status } : {}),
  }
}

/** A namespaced object with only metadata (a ConfigMap, Secret, ServiceAccount, PVC) for reference checks. */
export function named(
  apiVersionKind: 'v1/ConfigMap' | 'v1/Secret' | 'v1/ServiceAccount' | 'v1/PersistentVolumeClaim',
  name: string,
  extra: Record<string, unknown> = {},
  namespace = 'default',
): KubeObject {
  const kind = apiVersionKind.slice(3)
  return {
    apiVersion: 'v1',
    kind,
    metadata: { name, namespace, uid: `uid-${kind.toLowerCase()}-${namespace}-${name}` },
    ...extra,
  }
}
