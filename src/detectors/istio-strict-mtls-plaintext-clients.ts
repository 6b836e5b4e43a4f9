import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { matchesMapSelector } from '../snapshot/selectors.js'
import { paramList } from './lib/k8s.js'
import {
  DATAPLANE_MODE_LABEL,
  annotationsOf,
  firstFew,
  isRunning,
  istioProxyOf,
  meshedPods,
  labelsOf,
  namespaceMesh,
  str,
  type NamespaceMesh,
} from './lib/mesh-gitops.js'

const PA = 'security.istio.io/v1/PeerAuthentication'
const EXCLUDE_INBOUND = 'traffic.sidecar.istio.io/excludeInboundPorts'
const PLAINTEXT_OK = new Set(['PERMISSIVE', 'DISABLE'])
const DIGITS = /^\d+$/

interface Policy {
  obj: KubeObject
  mode: string
  selector?: Record<string, string>
  portModes: Map<number, string>
}

function policyOf(pa: KubeObject): Policy {
  const mode = str(pa.spec?.mtls?.mode)?.toUpperCase() ?? 'UNSET'
  const p: Policy = { obj: pa, mode, portModes: new Map() }
  const ml = pa.spec?.selector?.matchLabels
  if (ml && typeof ml === 'object' && !Array.isArray(ml) && Object.keys(ml).length > 0) p.selector = ml
  const plm = pa.spec?.portLevelMtls
  if (plm && typeof plm === 'object')
    for (const [port, v] of Object.entries(plm)) {
      const m = str((v as { mode?: unknown } | null)?.mode)
      if (m && Number.isFinite(Number(port))) p.portModes.set(Number(port), m.toUpperCase())
    }
  return p
}

function byAge(a: Policy, b: Policy): number {
  const ta = a.obj.metadata.creationTimestamp ?? ''
  const tb = b.obj.metadata.creationTimestamp ?? ''
  return ta < tb ? -1 : ta > tb ? 1 : a.obj.metadata.name.localeCompare(b.obj.metadata.name)
}

/** The target ports (numbers) a Service sends to on a pod, resolving named ports. */
function targetPorts(svc: KubeObject, pod: KubeObject): number[] {
  const out: number[] = []
  const ports = svc.spec?.ports
  if (!Array.isArray(ports)) return out
  for (const p of ports) {
    const t = p?.targetPort ?? p?.port
    if (typeof t === 'number') out.push(t)
    else if (typeof t === 'string') {
      if (DIGITS.test(t)) out.push(Number(t))
      else
        for (const c of Array.isArray(pod.spec?.containers) ? pod.spec.containers : [])
          for (const cp of Array.isArray(c?.ports) ? c.ports : [])
            if (cp?.name === t && typeof cp.containerPort === 'number') out.push(cp.containerPort)
    }
  }
  return out
}

export default defineDetector({
  meta: {
    id: 'istio-strict-mtls-plaintext-clients',
    title: 'STRICT mTLS covers Services that clients outside the mesh may call',
    description:
      'A STRICT PeerAuthentication makes the sidecars (or ztunnel) of the workloads it covers refuse every connection that is not Istio mutual TLS. Clients without a sidecar (pods in namespaces outside the mesh, monitoring, batch jobs, anything reached through a NodePort or LoadBalancer Service) then get their connections reset. kubedac cannot see who calls whom, so it reports where STRICT meets clients that cannot speak mTLS: Services of type NodePort or LoadBalancer in front of STRICT workloads (a sure problem), and STRICT Services in a cluster that also runs pods outside the mesh (a hint to check the callers).',
    severity: 'info',
    category: 'mesh',
    requires: [PA, 'v1/Service', 'v1/Pod'],
    optional: ['v1/Namespace'],
    messages: {
      exposedOutsideMesh:
        'Service {{name}} ({{type}}) lets clients from outside the mesh reach its pods directly, but PeerAuthentication {{policy}} requires mutual TLS there ({{ports}}): their plaintext connections are refused.',
      plaintextCallers:
        'PeerAuthentication {{name}} requires mutual TLS {{scope}} for {{count}} Service(s) ({{services}}), while pods without a sidecar run in {{callerNamespaces}}: if any of them calls these Services, its connections are refused.',
    },
    remediation:
      'Find the callers without a sidecar and test one: `kubectl exec -n <caller-namespace> <pod> -- curl -sv http://<service>.{{ns}}:<port>/` (a reset connection means mTLS is required). Then bring the callers into the mesh (`kubectl label namespace <caller-namespace> istio-injection=enabled` and restart them), or allow plaintext where it is needed with a workload PeerAuthentication and `portLevelMtls: {<port>: {mode: PERMISSIVE}}`, or expose the Service through an Istio ingress gateway instead of a NodePort/LoadBalancer. See the policies with `kubectl get peerauthentication -A`.',
    references: [
      'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
      'https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/',
      'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
    ],
    params: {
      rootNamespace: {
        default: 'istio-system',
        description:
          "Istio's root namespace: a PeerAuthentication there without a selector applies mesh-wide.",
      },
      ignoreNamespaces: {
        default: ['kube-system', 'kube-public', 'kube-node-lease', 'istio-system'],
        description: 'Namespaces whose pods without a sidecar are not counted as possible plaintext callers.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const policies = snapshot.list(PA).map(policyOf)
    if (!policies.some((p) => p.mode === 'STRICT' || [...p.portModes.values()].includes('STRICT'))) return
    const root = String(params.rootNamespace)
    const ignore = new Set(paramList(params.ignoreNamespaces))
    let mesh: Policy | undefined
    const nsWide = new Map<string, Policy>()
    const selective = new Map<string, Policy[]>()
    for (const p of [...policies].sort(byAge)) {
      const ns = p.obj.metadata.namespace ?? ''
      if (p.selector) {
        const list = selective.get(ns)
        if (list) list.push(p)
        else selective.set(ns, [p])
      } else if (ns === root) mesh ??= p
      else if (!nsWide.has(ns)) nsWide.set(ns, p)
    }
    // Workload policy, then namespace, then mesh; UNSET inherits from the level above.
    const effective = (pod: KubeObject): Policy | undefined => {
      const ns = pod.metadata.namespace ?? ''
      const labels = labelsOf(pod)
      for (const p of selective.get(ns) ?? [])
        if (p.mode !== 'UNSET' && matchesMapSelector(p.selector, labels)) return p
      const n = nsWide.get(ns)
      if (n && n.mode !== 'UNSET') return n
      return mesh && mesh.mode !== 'UNSET' ? mesh : undefined
    }
    const namespaces: ReadonlyMap<string, NamespaceMesh> = snapshot.has('v1/Namespace')
      ? namespaceMesh(snapshot)
      : new Map()

    // Meshed pods by namespace: sidecars (shared index), plus every pod of an ambient namespace.
    const meshedByNs = new Map<string, KubeObject[]>()
    const push = (ns: string, pod: KubeObject) => {
      const list = meshedByNs.get(ns)
      if (list) list.push(pod)
      else meshedByNs.set(ns, [pod])
    }
    // Pods with a proxy per namespace, and the running sidecar pods; pods come grouped by namespace.
    const proxies = new Map<string, number>()
    let lastNs: string | undefined
    let count = 0
    let list: KubeObject[] = []
    for (const m of meshedPods(snapshot)) {
      const ns = m.pod.metadata.namespace ?? ''
      if (ns !== lastNs) {
        if (lastNs !== undefined) proxies.set(lastNs, count)
        lastNs = ns
        count = proxies.get(ns) ?? 0
        list = meshedByNs.get(ns) ?? []
        if (!meshedByNs.has(ns)) meshedByNs.set(ns, list)
      }
      count++
      if (!m.gateway && isRunning(m.pod)) list.push(m.pod)
    }
    if (lastNs !== undefined) proxies.set(lastNs, count)
    for (const ns of namespaces.values())
      if (ns.ambient)
        for (const pod of snapshot.list('v1/Pod', ns.name))
          if (isRunning(pod) && pod.spec?.hostNetwork !== true && !istioProxyOf(pod.spec)) push(ns.name, pod)
    const groups = new Map<Policy, KubeObject[]>()
    // Meshed pods by namespace, label key and value, built per key on first use: Services of a
    // namespace select on one or two keys, so each pod is indexed once or twice instead of being
    // matched against every Service.
    const byLabel = new Map<string, Map<unknown, KubeObject[]>>()
    const candidates = (ns: string, key: string, value: unknown): KubeObject[] | undefined => {
      const k = `${ns}\u0000${key}`
      let idx = byLabel.get(k)
      if (!idx) {
        idx = new Map()
        for (const p of meshedByNs.get(ns) ?? []) {
          const v = labelsOf(p)[key]
          if (v === undefined) continue
          const list = idx.get(v)
          if (list) list.push(p)
          else idx.set(v, [p])
        }
        byLabel.set(k, idx)
      }
      return idx.get(value)
    }
    for (const svc of snapshot.list('v1/Service')) {
      const selector = svc.spec?.selector
      if (!selector || typeof selector !== 'object' || Array.isArray(selector)) continue
      const ns = svc.metadata.namespace ?? ''
      if (!meshedByNs.has(ns)) continue
      let first: string | undefined
      for (const k in selector) {
        first = k
        break
      }
      if (first === undefined) continue
      const pod = candidates(ns, first, selector[first])?.find((p) =>
        matchesMapSelector(selector, labelsOf(p)),
      )
      if (!pod) continue
      const policy = effective(pod)
      if (!policy) continue
      const excluded = new Set(
        (str(annotationsOf(pod)[EXCLUDE_INBOUND]) ?? '')
          .split(',')
          .map((s) => Number(s.trim()))
          .filter((n) => Number.isFinite(n) && n > 0),
      )
      const ports = targetPorts(svc, pod)
      const strictPorts = ports.filter((port) => {
        if (excluded.has(port)) return false
        const m = policy.portModes.get(port)
        return m ? !PLAINTEXT_OK.has(m) && m !== 'UNSET' : policy.mode === 'STRICT'
      })
      if (strictPorts.length === 0) continue
      const type = str(svc.spec?.type) ?? 'ClusterIP'
      if (type === 'NodePort' || type === 'LoadBalancer') {
        report({
          object: svc,
          messageId: 'exposedOutsideMesh',
          data: {
            type,
            policy: `${policy.obj.metadata.namespace}/${policy.obj.metadata.name}`,
            ports: `port${strictPorts.length > 1 ? 's' : ''} ${strictPorts.join(', ')}`,
            ns,
          },
          evidence: {
            service: { type, ports: svc.spec?.ports },
            policy: {
              name: policy.obj.metadata.name,
              namespace: policy.obj.metadata.namespace,
              mode: policy.mode,
            },
            pod: pod.metadata.name,
          },
        })
        continue
      }
      const list = groups.get(policy)
      if (list) list.push(svc)
      else groups.set(policy, [svc])
    }
    if (groups.size === 0) return
    // Namespaces running pods outside the mesh: one is enough per namespace. A namespace whose pods all
    // carry a proxy is skipped without looking at them (known from the shared index).
    const callerNs = new Set<string>()
    const scan = (pods: readonly KubeObject[]) => {
      for (const pod of pods) {
        const ns = pod.metadata.namespace ?? ''
        if (callerNs.has(ns) || ignore.has(ns) || istioProxyOf(pod.spec)) continue
        if (!isRunning(pod) || pod.spec?.hostNetwork === true) continue
        if (namespaces.get(ns)?.ambient || labelsOf(pod)[DATAPLANE_MODE_LABEL] === 'ambient') continue
        callerNs.add(ns)
      }
    }
    if (namespaces.size > 0)
      for (const ns of namespaces.keys()) {
        if (ignore.has(ns)) continue
        const pods = snapshot.list('v1/Pod', ns)
        if (pods.length > (proxies.get(ns) ?? 0)) scan(pods)
      }
    else scan(snapshot.list('v1/Pod'))
    if (callerNs.size === 0) return
    const callers = firstFew([...callerNs].sort())
    for (const [policy, svcs] of groups) {
      const ns = policy.obj.metadata.namespace ?? ''
      const scope = policy.selector
        ? `for workloads matching ${Object.entries(policy.selector)
            .map(([k, v]) => `${k}=${v}`)
            .join(',')}`
        : ns === root
          ? 'mesh-wide'
          : `in namespace ${ns}`
      const names = svcs.map((s) => `${s.metadata.namespace}/${s.metadata.name}`).sort()
      report({
        object: policy.obj,
        messageId: 'plaintextCallers',
        data: {
          scope,
          count: svcs.length,
          services: firstFew(names),
          callerNamespaces: callers,
          ns: svcs[0]?.metadata.namespace ?? ns,
        },
        evidence: {
          mode: policy.mode,
          services: names.slice(0, 20),
          namespacesWithoutSidecars: [...callerNs].sort().slice(0, 20),
        },
      })
    }
  },
})
