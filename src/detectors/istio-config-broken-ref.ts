import type { KubeObject } from '../core/types.js'
import { defineDetector, type ReportInput } from '../detect/define.js'
import { str } from './lib/mesh-gitops.js'

const VS = 'networking.istio.io/v1/VirtualService'
const DR = 'networking.istio.io/v1/DestinationRule'
const GW = 'networking.istio.io/v1/Gateway'
const SE = 'networking.istio.io/v1/ServiceEntry'

// `<service>.<namespace>.svc` with any cluster domain after it.
const SVC_HOST =
  /^([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.([a-z0-9](?:[-a-z0-9]*[a-z0-9])?)\.svc(?:\.[a-z0-9.-]+)?$/

/** The Service a host names, or undefined when it is external, wildcard or ambiguous (not checked). */
function serviceOf(host: string, ns: string): { ns: string; name: string } | undefined {
  if (!host || host.includes('*')) return undefined
  if (!host.includes('.')) return { ns, name: host }
  const m = SVC_HOST.exec(host)
  return m ? { ns: m[2]!, name: m[1]! } : undefined
}

// Hosts declared by ServiceEntries: exact names, and `*.suffix` wildcards.
interface Declared {
  exact: Set<string>
  suffixes: string[]
}

function declaredHost(d: Declared, host: string): boolean {
  if (d.exact.has(host)) return true
  for (const s of d.suffixes) if (host.endsWith(s)) return true
  return false
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

/** Where a VirtualService sends traffic: every destination host (with its subset) of its routes and mirrors. */
function destinations(vs: KubeObject): { host: string; subset?: string }[] {
  const out: { host: string; subset?: string }[] = []
  const push = (d: unknown) => {
    const host = str((d as { host?: unknown } | undefined)?.host)
    if (!host) return
    const subset = str((d as { subset?: unknown }).subset)
    out.push(subset ? { host, subset } : { host })
  }
  for (const proto of ['http', 'tcp', 'tls']) {
    for (const rule of asList(vs.spec?.[proto])) {
      const r = rule as Record<string, unknown> | null
      if (!r || typeof r !== 'object') continue
      for (const route of asList(r.route)) push((route as { destination?: unknown } | null)?.destination)
      if (proto === 'http') {
        push(r.mirror)
        for (const m of asList(r.mirrors)) push((m as { destination?: unknown } | null)?.destination)
      }
    }
  }
  return out
}

/** The gateways a VirtualService binds to, top-level and per match. */
function gatewaysOf(vs: KubeObject): string[] {
  const out = new Set<string>()
  for (const g of asList(vs.spec?.gateways)) if (typeof g === 'string') out.add(g)
  for (const proto of ['http', 'tcp', 'tls'])
    for (const rule of asList(vs.spec?.[proto]))
      for (const match of asList((rule as { match?: unknown } | null)?.match))
        for (const g of asList((match as { gateways?: unknown } | null)?.gateways))
          if (typeof g === 'string') out.add(g)
  return [...out]
}

/** `ns/name` of a gateway reference: `name` (the VirtualService's namespace), `ns/name`, or the legacy `name.ns.svc…`. */
function gatewayRef(ref: string, ns: string): { ns: string; name: string } | undefined {
  if (ref === 'mesh' || !ref) return undefined
  const slash = ref.indexOf('/')
  if (slash >= 0) return { ns: ref.slice(0, slash), name: ref.slice(slash + 1) }
  const dot = ref.indexOf('.')
  if (dot < 0) return { ns, name: ref }
  const parts = ref.split('.')
  return parts.length >= 2 ? { ns: parts[1]!, name: parts[0]! } : undefined
}

export default defineDetector({
  meta: {
    id: 'istio-config-broken-ref',
    title: 'Istio routing rule refers to a Service, subset or Gateway that does not exist',
    description:
      'Istio accepts a VirtualService or DestinationRule that names something that does not exist, and says nothing. A route to a missing Service or DestinationRule subset fails every request it matches (HTTP 503), a VirtualService bound to a missing Gateway is not served there, and a DestinationRule for a missing host applies its TLS and load-balancing settings to nothing. Typos, renamed Services and half-deleted releases are the usual causes.',
    severity: 'warning',
    category: 'mesh',
    requires: ['v1/Service'],
    requiresAny: [VS, DR],
    optional: [GW, SE],
    messages: {
      vsHost:
        'VirtualService {{name}} routes to {{ref}}, but there is no Service {{refName}} in namespace {{refNamespace}}: requests on that route fail.',
      vsSubset:
        'VirtualService {{name}} routes to subset {{subset}} of {{ref}}, but no DestinationRule for that host defines it: requests on that route fail with 503.',
      vsGateway:
        'VirtualService {{name}} is bound to gateway {{ref}}, which does not exist: its routes are not served there.',
      vsDelegate:
        'VirtualService {{name}} delegates to VirtualService {{ref}}, which does not exist: requests matching that route get no route.',
      drHost:
        'DestinationRule {{name}} applies to {{ref}}, but there is no Service {{refName}} in namespace {{refNamespace}}: its traffic policy applies to nothing.',
    },
    remediation:
      'Fix the reference or create what it names: {{confirm}}, and `kubectl get {{ownKind}} {{name}} -n {{namespace}} -o yaml` shows where it is used. `istioctl analyze -n {{namespace}}` lists every broken reference. Name Services of other namespaces by their full host, `<service>.<namespace>.svc.cluster.local`.',
    references: [
      'https://istio.io/latest/docs/reference/config/networking/virtual-service/',
      'https://istio.io/latest/docs/reference/config/networking/destination-rule/',
      'https://istio.io/latest/docs/reference/config/analysis/ist0101/',
      'https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/',
    ],
  },
  detect({ snapshot, report }) {
    const declared: Declared = { exact: new Set(), suffixes: [] }
    for (const se of snapshot.list(SE))
      for (const h of asList(se.spec?.hosts))
        if (typeof h === 'string') {
          if (h.startsWith('*')) declared.suffixes.push(h.slice(1))
          else declared.exact.add(h)
        }
    const hasService = (ref: { ns: string; name: string }, ownNs: string): boolean | undefined => {
      if (snapshot.get('v1/Service', ref.ns, ref.name)) return true
      // Another namespace without a single Service was probably not collected: do not guess.
      if (ref.ns !== ownNs && snapshot.list('v1/Service', ref.ns).length === 0) return undefined
      return false
    }
    const checkGateways = snapshot.has(GW)
    const checkSubsets = snapshot.has(DR)
    // Subsets defined per Service (`ns/name`) or per raw host for external ones.
    let subsets: Map<string, Set<string>> | undefined
    const subsetIndex = (): Map<string, Set<string>> => {
      if (subsets) return subsets
      subsets = new Map()
      for (const dr of snapshot.list(DR)) {
        const host = str(dr.spec?.host)
        if (!host) continue
        const svc = serviceOf(host, dr.metadata.namespace ?? '')
        const k = svc ? `${svc.ns}/${svc.name}` : host
        let set = subsets.get(k)
        if (!set) subsets.set(k, (set = new Set()))
        for (const s of asList(dr.spec?.subsets)) {
          const n = str((s as { name?: unknown } | null)?.name)
          if (n) set.add(n)
        }
      }
      return subsets
    }
    const emit = (
      obj: KubeObject,
      messageId: string,
      key: string,
      data: ReportInput['data'],
      evidence: object,
    ) =>
      report({
        object: obj,
        messageId,
        key,
        data: {
          ownKind: obj.kind === 'VirtualService' ? 'virtualservice' : 'destinationrule',
          confirm:
            messageId === 'vsSubset'
              ? `\`kubectl get destinationrules.networking.istio.io -n ${data?.refNamespace} -o yaml\` shows the subsets defined for ${data?.ref}`
              : `\`kubectl get ${data?.refKind} ${data?.refName} -n ${data?.refNamespace}\` confirms it is missing`,
          ...data,
        },
        evidence: { reference: key, ...evidence },
      })

    for (const vs of snapshot.list(VS)) {
      const ns = vs.metadata.namespace ?? ''
      const seen = new Set<string>()
      for (const d of destinations(vs)) {
        if (declaredHost(declared, d.host)) continue
        const svc = serviceOf(d.host, ns)
        if (!svc) continue
        const exists = hasService(svc, ns)
        if (exists === false) {
          const key = `host:${d.host}`
          if (seen.has(key)) continue
          seen.add(key)
          emit(
            vs,
            'vsHost',
            key,
            { ref: d.host, refKind: 'service', refName: svc.name, refNamespace: svc.ns },
            { host: d.host },
          )
          continue
        }
        if (exists && d.subset && checkSubsets) {
          const defined = subsetIndex().get(`${svc.ns}/${svc.name}`)
          if (defined?.has(d.subset)) continue
          const key = `subset:${d.host}/${d.subset}`
          if (seen.has(key)) continue
          seen.add(key)
          emit(
            vs,
            'vsSubset',
            key,
            {
              ref: d.host,
              subset: d.subset,
              refNamespace: svc.ns,
            },
            { host: d.host, subset: d.subset, subsetsDefined: defined ? [...defined] : [] },
          )
        }
      }
      if (checkGateways)
        for (const g of gatewaysOf(vs)) {
          const ref = gatewayRef(g, ns)
          if (!ref || snapshot.get(GW, ref.ns, ref.name)) continue
          emit(
            vs,
            'vsGateway',
            `gateway:${ref.ns}/${ref.name}`,
            {
              ref: `${ref.ns}/${ref.name}`,
              refKind: 'gateways.networking.istio.io',
              refName: ref.name,
              refNamespace: ref.ns,
            },
            { gateway: g },
          )
        }
      for (const rule of asList(vs.spec?.http)) {
        const del = (rule as { delegate?: { name?: unknown; namespace?: unknown } } | null)?.delegate
        const name = str(del?.name)
        if (!name) continue
        const dns = str(del?.namespace) ?? ns
        if (snapshot.get(VS, dns, name)) continue
        const key = `delegate:${dns}/${name}`
        if (seen.has(key)) continue
        seen.add(key)
        emit(
          vs,
          'vsDelegate',
          key,
          {
            ref: `${dns}/${name}`,
            refKind: 'virtualservices.networking.istio.io',
            refName: name,
            refNamespace: dns,
          },
          { delegate: { name, namespace: dns } },
        )
      }
    }
    for (const dr of snapshot.list(DR)) {
      const ns = dr.metadata.namespace ?? ''
      const host = str(dr.spec?.host)
      if (!host || declaredHost(declared, host)) continue
      const svc = serviceOf(host, ns)
      if (!svc || hasService(svc, ns) !== false) continue
      emit(
        dr,
        'drHost',
        `host:${host}`,
        { ref: host, refKind: 'service', refName: svc.name, refNamespace: svc.ns },
        { host },
      )
    }
  },
})
