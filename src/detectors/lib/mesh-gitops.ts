import type { KubeObject } from '../../core/types.js'
import type { Snapshot } from '../../snapshot/snapshot.js'
import type { ContainerStatus } from './k8s.js'

// Specs and statuses are untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

/** The sidecar container Istio injects. */
export const ISTIO_PROXY = 'istio-proxy'
/** Namespace label turning injection on (`enabled`) or off for the default revision. */
export const INJECTION_LABEL = 'istio-injection'
/** Namespace (or pod) label choosing a control-plane revision or revision tag. */
export const REV_LABEL = 'istio.io/rev'
/** Namespace (or pod) label putting workloads in ambient mode. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode'
/** Pod label (or legacy annotation) opting in or out of injection. */
export const INJECT_LABEL = 'sidecar.istio.io/inject'
/** Annotation the injector writes on the pods it changed (JSON with the revision). */
export const SIDECAR_STATUS = 'sidecar.istio.io/status'

/** Namespaces Istio's injector never touches. */
export const NEVER_INJECTED: ReadonlySet<string> = new Set([
  'kube-system',
  'kube-public',
  'kube-node-lease',
  'local-path-storage',
])

/** The kinds {@link controlPlane} reads: every detector calling it declares both (optional is enough). */
export const CONTROL_PLANE_KINDS = [
  'apps/v1/Deployment',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
]

const EMPTY: Record<string, string> = Object.freeze({}) as Record<string, string>

/** An object's labels, or an empty map when they are missing or not a map. */
export function labelsOf(o: { metadata?: { labels?: unknown } } | undefined): Record<string, string> {
  const l = o?.metadata?.labels
  return l && typeof l === 'object' && !Array.isArray(l) ? (l as Record<string, string>) : EMPTY
}

/** An object's annotations, or an empty map. */
export function annotationsOf(
  o: { metadata?: { annotations?: unknown } } | undefined,
): Record<string, string> {
  const a = o?.metadata?.annotations
  return a && typeof a === 'object' && !Array.isArray(a) ? (a as Record<string, string>) : EMPTY
}

/** A string field, or undefined when absent or of another type. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined
}

/** How a namespace takes part in the mesh, from its labels. */
export interface NamespaceMesh {
  name: string
  /** `istio-injection` label value, when set. */
  injection?: string
  /** `istio.io/rev` label value, when set. */
  rev?: string
  /** `istio.io/dataplane-mode=ambient`. */
  ambient: boolean
  obj: KubeObject
}

/** Namespaces by name with their mesh labels. Callers declare `v1/Namespace`. */
export function namespaceMesh(snapshot: Snapshot): ReadonlyMap<string, NamespaceMesh> {
  return snapshot.memo('mesh-gitops/namespaces', () => {
    const out = new Map<string, NamespaceMesh>()
    for (const ns of snapshot.list('v1/Namespace')) {
      const l = labelsOf(ns)
      const m: NamespaceMesh = {
        name: ns.metadata.name,
        ambient: l[DATAPLANE_MODE_LABEL] === 'ambient',
        obj: ns,
      }
      const inj = str(l[INJECTION_LABEL])
      const rev = str(l[REV_LABEL])
      if (inj !== undefined) m.injection = inj
      if (rev !== undefined) m.rev = rev
      out.set(m.name, m)
    }
    return out
  })
}

/** The revision a namespace asks sidecars from: `default` for `istio-injection=enabled`, its `istio.io/rev` otherwise. */
export function namespaceWants(ns: NamespaceMesh | undefined): string | undefined {
  if (!ns) return undefined
  // istio-injection wins over istio.io/rev: any value but `enabled` turns injection off.
  if (ns.injection !== undefined) return ns.injection === 'enabled' ? 'default' : undefined
  return ns.rev
}

/** Whether a pod opted out of injection (label, or the older annotation). */
export function optedOut(pod: KubeObject): boolean {
  return labelsOf(pod)[INJECT_LABEL] === 'false' || annotationsOf(pod)[INJECT_LABEL] === 'false'
}

/** The istio-proxy container of a pod spec: a regular container, or a native sidecar (init, restartPolicy Always). */
export function istioProxyOf(spec: Loose): { c: Loose; native: boolean } | undefined {
  if (!spec || typeof spec !== 'object') return undefined
  const cs = spec.containers
  if (Array.isArray(cs)) for (const c of cs) if (c && c.name === ISTIO_PROXY) return { c, native: false }
  const init = spec.initContainers
  if (Array.isArray(init))
    for (const c of init)
      if (c && c.name === ISTIO_PROXY && c.restartPolicy === 'Always') return { c, native: true }
  return undefined
}

/** Whether a pod's istio-proxy is a gateway or waypoint (the proxy is the workload), not a sidecar. */
export function isGatewayProxy(proxy: Loose, pod: KubeObject): boolean {
  const args = proxy?.args
  // Injected proxies run `pilot-agent proxy sidecar|router|waypoint ...`.
  if (Array.isArray(args)) {
    const mode = args[0] === 'proxy' ? args[1] : undefined
    if (mode === 'sidecar') return false
    if (mode === 'router' || mode === 'waypoint') return true
  }
  const l = labelsOf(pod)
  return (
    l['gateway.istio.io/managed'] !== undefined || l['gateway.networking.k8s.io/gateway-name'] !== undefined
  )
}

/** A pod with an Istio proxy, found once per snapshot. */
export interface MeshedPod {
  pod: KubeObject
  proxy: Loose
  /** The proxy runs as a native sidecar (init container with restartPolicy Always). */
  native: boolean
  /** A gateway or waypoint pod: the proxy is the workload. */
  gateway: boolean
}

/** Every pod carrying an istio-proxy container, in one pass shared by the mesh detectors. Callers declare `v1/Pod`. */
export function meshedPods(snapshot: Snapshot): readonly MeshedPod[] {
  return snapshot.memo('mesh-gitops/meshedPods', () => {
    const out: MeshedPod[] = []
    for (const pod of snapshot.list('v1/Pod')) {
      const p = istioProxyOf(pod.spec)
      if (p) out.push({ pod, proxy: p.c, native: p.native, gateway: isGatewayProxy(p.c, pod) })
    }
    return out
  })
}

/** The status of a pod's istio-proxy container, if reported. */
export function proxyStatusOf(pod: KubeObject): ContainerStatus | undefined {
  const st = pod.status
  if (!st || typeof st !== 'object') return undefined
  for (const field of ['containerStatuses', 'initContainerStatuses']) {
    const list = st[field]
    if (Array.isArray(list))
      for (const s of list) if (s && s.name === ISTIO_PROXY) return s as ContainerStatus
  }
  return undefined
}

/** Whether a pod is running and not being deleted. */
export function isRunning(pod: KubeObject): boolean {
  return pod.status?.phase === 'Running' && !pod.metadata.deletionTimestamp
}

const STATUS_REVISION = /"revision"\s*:\s*"([^"]*)"/

/**
 * A reader of the revision that injected a pod: its `istio.io/rev` annotation (recent injectors), else
 * the revision in `sidecar.istio.io/status`, else its `istio.io/rev` label (older injectors, or a pod
 * asking for a revision). Get one per detector run: pods of a template carry the same status text, and
 * each distinct text is parsed once per snapshot.
 */
export function revisionReader(snapshot: Snapshot): (pod: KubeObject) => string | undefined {
  const all = snapshot.memo('mesh-gitops/statusRevisions', () => new Map<string, string | undefined>())
  let last: string | undefined
  let lastRev: string | undefined
  return (pod) => {
    const annotations = annotationsOf(pod)
    const annotated = str(annotations[REV_LABEL])
    if (annotated) return annotated
    const status = annotations[SIDECAR_STATUS]
    if (typeof status === 'string') {
      let rev: string | undefined
      // Pods of a ReplicaSet are listed together: comparing with the previous text is cheaper than hashing it.
      if (status === last) rev = lastRev
      else {
        if (all.has(status)) rev = all.get(status)
        else {
          const m = STATUS_REVISION.exec(status)
          rev = m && m[1] ? m[1] : undefined
          all.set(status, rev)
        }
        last = status
        lastRev = rev
      }
      if (rev) return rev
    }
    return str(labelsOf(pod)[REV_LABEL])
  }
}

/** A parsed Istio version. */
export interface Version {
  major: number
  minor: number
  patch: number
  text: string
}

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?/

/** The tag of an image reference (`docker.io/istio/proxyv2:1.22.3` → `1.22.3`), without a digest. */
export function imageTag(image: unknown): string | undefined {
  if (typeof image !== 'string') return undefined
  const at = image.indexOf('@')
  const ref = at >= 0 ? image.slice(0, at) : image
  const colon = ref.lastIndexOf(':')
  // A colon before the last slash is a registry port, not a tag.
  if (colon < 0 || colon < ref.lastIndexOf('/')) return undefined
  return ref.slice(colon + 1)
}

/** The Istio version an image tag names (`1.22.3`, `1.22.3-distroless`, `1.19.3-asm.4`); undefined otherwise. */
export function imageVersion(image: unknown): Version | undefined {
  const tag = imageTag(image)
  if (!tag) return undefined
  const m = VERSION.exec(tag)
  if (!m) return undefined
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: m[3] === undefined ? 0 : Number(m[3]),
    text: `${m[1]}.${m[2]}${m[3] === undefined ? '' : `.${m[3]}`}`,
  }
}

/** Minor versions `a` is behind `b` (negative when ahead); a major difference counts as 100 per major. */
export function minorsBehind(a: Version, b: Version): number {
  return (b.major - a.major) * 100 + (b.minor - a.minor)
}

/** One istiod Deployment. */
export interface Istiod {
  obj: KubeObject
  revision: string
  version?: Version
}

/** The Istio control plane as the snapshot shows it. */
export interface ControlPlane {
  istiods: Istiod[]
  byRevision: Map<string, Istiod[]>
  /** Revisions with an active injector webhook (`istio-sidecar-injector[-<rev>]`, label istio.io/rev). */
  injectors: Map<string, KubeObject>
  /** Revision tags (`istio-revision-tag-<tag>`, labels istio.io/tag and istio.io/rev) → the revision they point at. */
  tags: Map<string, string>
  /** Some injector serves `istio-injection=enabled` namespaces. */
  defaultServed: boolean
  /** The newest istiod version in the cluster. */
  newest?: Istiod
  deploymentsCollected: boolean
  webhooksCollected: boolean
}

/** Whether a Deployment is an istiod control plane. */
export function isIstiod(d: KubeObject): boolean {
  const name = d.metadata.name
  const l = labelsOf(d)
  if (l.app === 'istiod') return true
  if (name !== 'istiod' && !name.startsWith('istiod-')) return false
  return l[REV_LABEL] !== undefined || d.metadata.namespace === 'istio-system'
}

function istiodRevision(d: KubeObject): string {
  const rev = str(labelsOf(d)[REV_LABEL])
  if (rev) return rev
  const name = d.metadata.name
  return name.startsWith('istiod-') ? name.slice('istiod-'.length) : 'default'
}

function istiodVersion(d: KubeObject): Version | undefined {
  const cs = d.spec?.template?.spec?.containers
  if (!Array.isArray(cs)) return undefined
  const c = cs.find((x: Loose) => x && x.name === 'discovery') ?? cs[0]
  return imageVersion(c?.image)
}

// Whether a webhook entry's selectors say it serves `istio-injection=enabled` namespaces.
function servesInjectionLabel(w: Loose): boolean {
  const sel = w?.namespaceSelector
  if (!sel || typeof sel !== 'object') return false
  if (
    sel.matchLabels &&
    typeof sel.matchLabels === 'object' &&
    sel.matchLabels[INJECTION_LABEL] === 'enabled'
  )
    return true
  const me = sel.matchExpressions
  if (!Array.isArray(me)) return false
  return me.some(
    (e: Loose) =>
      e &&
      e.key === INJECTION_LABEL &&
      e.operator === 'In' &&
      Array.isArray(e.values) &&
      e.values.includes('enabled'),
  )
}

/** The istiod Deployments, injector webhooks and revision tags. Callers declare {@link CONTROL_PLANE_KINDS}. */
export function controlPlane(snapshot: Snapshot): ControlPlane {
  return snapshot.memo('mesh-gitops/controlPlane', () => {
    const cp: ControlPlane = {
      istiods: [],
      byRevision: new Map(),
      injectors: new Map(),
      tags: new Map(),
      defaultServed: false,
      deploymentsCollected: snapshot.has('apps/v1/Deployment'),
      webhooksCollected: snapshot.has('admissionregistration.k8s.io/v1/MutatingWebhookConfiguration'),
    }
    for (const d of snapshot.list('apps/v1/Deployment')) {
      if (!isIstiod(d)) continue
      const i: Istiod = { obj: d, revision: istiodRevision(d) }
      const v = istiodVersion(d)
      if (v) {
        i.version = v
        if (!cp.newest?.version || minorsBehind(cp.newest.version, v) > 0 || newerPatch(v, cp.newest.version))
          cp.newest = i
      }
      cp.istiods.push(i)
      const list = cp.byRevision.get(i.revision)
      if (list) list.push(i)
      else cp.byRevision.set(i.revision, [i])
    }
    for (const w of snapshot.list('admissionregistration.k8s.io/v1/MutatingWebhookConfiguration')) {
      const name = w.metadata.name
      const l = labelsOf(w)
      const tag = str(l['istio.io/tag'])
      const rev = str(l[REV_LABEL])
      const isTag = tag !== undefined || name.startsWith('istio-revision-tag-')
      const isInjector = name.startsWith('istio-sidecar-injector')
      if (!isTag && !isInjector) continue
      // `istioctl tag set default` parks the old default webhook as *-deactivated: it matches nothing.
      if (name.endsWith('-deactivated')) continue
      if (isTag) {
        const t = tag ?? name.slice('istio-revision-tag-'.length)
        cp.tags.set(t, rev ?? 'default')
        if (t === 'default') cp.defaultServed = true
      } else {
        const r =
          rev ??
          (name === 'istio-sidecar-injector' ? 'default' : name.slice('istio-sidecar-injector-'.length))
        cp.injectors.set(r, w)
        if (r === 'default') cp.defaultServed = true
      }
      const hooks = w.webhooks
      if (Array.isArray(hooks) && hooks.some(servesInjectionLabel)) cp.defaultServed = true
    }
    return cp
  })
}

function newerPatch(a: Version, b: Version): boolean {
  return a.major === b.major && a.minor === b.minor && a.patch > b.patch
}

/** Whether the snapshot shows any Istio control plane (istiod or injector webhook). */
export function istioPresent(cp: ControlPlane): boolean {
  return cp.istiods.length > 0 || cp.injectors.size > 0 || cp.tags.size > 0
}

/** The revision a namespace label value (a revision or a tag) resolves to; undefined when none is known. */
export function resolveRevision(cp: ControlPlane, value: string): string | undefined {
  const viaTag = cp.tags.get(value)
  if (viaTag !== undefined) return viaTag
  if (cp.injectors.has(value) || cp.byRevision.has(value)) return value
  return undefined
}

/** The revision that serves `istio-injection=enabled`: the `default` tag's, else the `default` revision; undefined when unknown. */
export function defaultRevision(cp: ControlPlane): string | undefined {
  const viaTag = cp.tags.get('default')
  if (viaTag !== undefined) return viaTag
  if (cp.injectors.has('default') || cp.byRevision.has('default')) return 'default'
  // One control plane and nothing else: it is the default one.
  if (cp.byRevision.size === 1 && cp.injectors.size <= 1 && cp.defaultServed)
    return cp.byRevision.keys().next().value as string
  return undefined
}

/** `kind/namespace/name` of an object, for evidence. */
export function refText(o: KubeObject): string {
  return o.metadata.namespace
    ? `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`
    : `${o.kind}/${o.metadata.name}`
}

/** At most `n` items, with a `…and N more` marker, for messages and evidence. */
export function firstFew(items: readonly string[], n = 5): string {
  if (items.length <= n) return items.join(', ')
  return `${items.slice(0, n).join(', ')} and ${items.length - n} more`
}

// ---- Fixture builders for the test cases of this group ----

/** A Namespace for test cases. */
export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: `uid-namespace-${name}`,
      labels: { 'kubernetes.io/metadata.name': name, ...labels },
      creationTimestamp: '2025-12-01T00:00:00Z',
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  }
}

/** An injected istio-proxy container spec (sidecar mode). */
export function proxyContainer(
  version = '1.22.3',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name: ISTIO_PROXY,
    image: `docker.io/istio/proxyv2:${version}`,
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local'],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    ...extra,
  }
}

/** An istiod Deployment in istio-system; `revision` '' for the default install. */
export function istiodDeployment(
  revision = '',
  version = '1.22.3',
  status: Record<string, unknown> = {
    observedGeneration: 1,
    replicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    updatedReplicas: 1,
    conditions: [
      {
        type: 'Available',
        status: 'True',
        reason: 'MinimumReplicasAvailable',
        lastTransitionTime: '2026-01-01T00:00:00Z',
      },
    ],
  },
): KubeObject {
  const name = revision ? `istiod-${revision}` : 'istiod'
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name,
      namespace: 'istio-system',
      uid: `uid-deployment-istio-system-${name}`,
      generation: 1,
      creationTimestamp: '2025-12-01T00:00:00Z',
      labels: { app: 'istiod', istio: 'pilot', [REV_LABEL]: revision || 'default' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'istiod', [REV_LABEL]: revision || 'default' } },
      template: {
        metadata: { labels: { app: 'istiod', [REV_LABEL]: revision || 'default' } },
        spec: { containers: [{ name: 'discovery', image: `docker.io/istio/pilot:${version}` }] },
      },
    },
    status,
  }
}

/** The injector MutatingWebhookConfiguration of a revision ('' for the default install). */
export function injectorWebhook(revision = ''): KubeObject {
  const name = revision ? `istio-sidecar-injector-${revision}` : 'istio-sidecar-injector'
  const selector = revision
    ? {
        matchExpressions: [
          { key: REV_LABEL, operator: 'In', values: [revision] },
          { key: INJECTION_LABEL, operator: 'DoesNotExist' },
        ],
      }
    : { matchExpressions: [{ key: INJECTION_LABEL, operator: 'In', values: ['enabled'] }] }
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name,
      uid: `uid-mwc-${name}`,
      labels: { app: 'sidecar-injector', [REV_LABEL]: revision || 'default' },
    },
    webhooks: [
      {
        name: 'rev.namespace.sidecar-injector.istio.io',
        clientConfig: {
          service: {
            name: name.replace('istio-sidecar-injector', 'istiod'),
            namespace: 'istio-system',
            path: '/inject',
          },
        },
        namespaceSelector: selector,
        failurePolicy: 'Fail',
      },
    ],
  }
}

/** A revision tag webhook (`istioctl tag set <tag> --revision <revision>`). */
export function revisionTagWebhook(tag: string, revision: string): KubeObject {
  const name = `istio-revision-tag-${tag}`
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, uid: `uid-mwc-${name}`, labels: { 'istio.io/tag': tag, [REV_LABEL]: revision } },
    webhooks: [
      {
        name: 'rev.namespace.sidecar-injector.istio.io',
        clientConfig: { service: { name: `istiod-${revision}`, namespace: 'istio-system', path: '/inject' } },
        namespaceSelector: { matchExpressions: [{ key: REV_LABEL, operator: 'In', values: [tag] }] },
        failurePolicy: 'Fail',
      },
    ],
  }
}

/** The `sidecar.istio.io/status` annotation the injector writes. */
export function sidecarStatus(revision = 'default'): string {
  return JSON.stringify({
    initContainers: ['istio-init'],
    containers: ['istio-proxy'],
    volumes: [
      'workload-socket',
      'istio-envoy',
      'istio-data',
      'istio-podinfo',
      'istio-token',
      'istiod-ca-cert',
    ],
    imagePullSecrets: null,
    revision,
  })
}

/** A copy of an object with labels and annotations merged into its metadata. */
export function withMeta(
  o: KubeObject,
  meta: { labels?: Record<string, string>; annotations?: Record<string, string> },
): KubeObject {
  return {
    ...o,
    metadata: {
      ...o.metadata,
      ...(meta.labels ? { labels: { ...labelsOf(o), ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...annotationsOf(o), ...meta.annotations } } : {}),
    },
  }
}

/** An injected pod spec: the app container plus istio-proxy (a native sidecar when `native`). */
export function injectedSpec(
  version = '1.22.3',
  opts: { native?: boolean; proxy?: Record<string, unknown> } = {},
): Record<string, unknown> {
  const app = { name: 'app', image: 'registry.example.com/app:1.0', ports: [{ containerPort: 8080 }] }
  const init = { name: 'istio-init', image: `docker.io/istio/proxyv2:${version}`, args: ['istio-iptables'] }
  if (opts.native)
    return {
      initContainers: [init, { ...proxyContainer(version, opts.proxy), restartPolicy: 'Always' }],
      containers: [app],
    }
  return { initContainers: [init], containers: [app, proxyContainer(version, opts.proxy)] }
}

const RESTARTABLE = new Set(['Deployment', 'StatefulSet', 'DaemonSet'])

/** How to recreate a pod's workload (so the injector sees it again), as Markdown with the command in backticks. */
export function restartCommand(snapshot: Snapshot, pod: KubeObject): string {
  const root = snapshot.rootOwner(pod)
  const ns = pod.metadata.namespace ?? 'default'
  if (root !== pod && RESTARTABLE.has(root.kind))
    return `\`kubectl rollout restart ${root.kind.toLowerCase()}/${root.metadata.name} -n ${ns}\``
  return `\`kubectl delete pod ${pod.metadata.name} -n ${ns}\` (its controller recreates it; re-apply a bare pod)`
}
