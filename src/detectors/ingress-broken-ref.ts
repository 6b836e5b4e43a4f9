import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { ageMs, parseDuration } from './lib/k8s.js'
import {
  INGRESS,
  INGRESS_CLASS,
  SECRET,
  SERVICE,
  ingressBackends,
  nameList,
  timeOf,
} from './lib/networking.js'

// Specs are untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

const CERT_MANAGER = ['cert-manager.io/cluster-issuer', 'cert-manager.io/issuer']

function hasServicePort(svc: KubeObject, port: string | number): boolean {
  const ports: Loose = svc.spec?.ports
  if (!Array.isArray(ports)) return false
  for (const p of ports) {
    if (!p || typeof p !== 'object') continue
    if (typeof port === 'number' ? p.port === port : p.name === port) return true
  }
  return false
}

function servicePortsText(svc: KubeObject): string {
  const ports: Loose = svc.spec?.ports
  if (!Array.isArray(ports) || ports.length === 0) return 'none'
  return ports
    .filter((p: Loose) => p && typeof p === 'object' && typeof p.port === 'number')
    .map((p: Loose) => (typeof p.name === 'string' && p.name ? `${p.name} (${p.port})` : String(p.port)))
    .join(', ')
}

export default defineDetector({
  meta: {
    id: 'ingress-broken-ref',
    title: 'Ingress refers to something that does not exist',
    description:
      'An Ingress routes hosts and paths to Services, is served by the controller of its IngressClass, and terminates TLS with the certificate in a Secret. When a backend Service or its port does not exist, the controller answers those paths with 503 (or 404); when the IngressClass does not exist, no controller serves the Ingress at all; when the TLS Secret is missing, the controller serves its default, untrusted certificate and browsers refuse the site.',
    severity: 'warning',
    category: 'networking',
    requires: [INGRESS],
    requiresAny: [SERVICE, INGRESS_CLASS, SECRET],
    messages: {
      serviceMissing:
        'Ingress {{name}} sends {{routes}} to Service {{service}}, which does not exist in namespace {{namespace}}: those requests fail (503).',
      portMissing:
        'Ingress {{name}} sends {{routes}} to port {{port}} of Service {{service}}, which has no such port (it has {{ports}}): those requests fail (503).',
      classMissing:
        'Ingress {{name}} asks for IngressClass {{class}}, which does not exist: no ingress controller serves it.',
      tlsSecretMissing:
        'Ingress {{name}} terminates TLS for {{hosts}} with Secret {{secret}}, which does not exist in namespace {{namespace}}: clients get the controller default certificate and refuse the connection.',
      tlsSecretPending:
        'Ingress {{name}} terminates TLS for {{hosts}} with Secret {{secret}}, which cert-manager has not created: its certificate was never issued, so clients get an untrusted default certificate.',
    },
    remediation:
      'Check what the Ingress refers to: `kubectl describe ingress {{name}} -n {{namespace}}` (backends show <error: endpoints "…" not found> for a missing Service), `kubectl get service,secret -n {{namespace}}` and `kubectl get ingressclass`. Fix the name or port in the Ingress (better in Git), or create what it refers to; for a certificate issued by cert-manager, see why it is not ready: `kubectl describe certificate -n {{namespace}}`.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/ingress/',
      'https://kubernetes.io/docs/concepts/services-networking/ingress/#tls',
      'https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class',
    ],
    params: {
      certManagerGrace: {
        default: '10m',
        description:
          'How old an Ingress whose TLS Secret cert-manager issues must be before a missing Secret counts (issuance takes a few minutes).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const grace = parseDuration(params.certManagerGrace)
    const withServices = snapshot.has(SERVICE)
    const withClasses = snapshot.has(INGRESS_CLASS)
    const withSecrets = snapshot.has(SECRET)
    for (const ing of snapshot.list(INGRESS)) {
      const ns = ing.metadata.namespace ?? ''
      if (withServices) {
        // One finding per missing Service and per missing port, with every route that uses it.
        const missing = new Map<string, string[]>()
        const badPort = new Map<string, { service: KubeObject; port: string | number; routes: string[] }>()
        for (const b of ingressBackends(ing)) {
          const svc = snapshot.get(SERVICE, ns, b.service)
          if (!svc) {
            const l = missing.get(b.service)
            if (l) l.push(b.route)
            else missing.set(b.service, [b.route])
            continue
          }
          // An ExternalName Service may have no ports; controllers use the Ingress port as it is.
          if (b.port === undefined || svc.spec?.type === 'ExternalName' || hasServicePort(svc, b.port))
            continue
          const key = `${b.service}:${b.port}`
          const e = badPort.get(key)
          if (e) e.routes.push(b.route)
          else badPort.set(key, { service: svc, port: b.port, routes: [b.route] })
        }
        for (const [service, routes] of missing)
          report({
            object: ing,
            key: `service/${service}`,
            messageId: 'serviceMissing',
            data: { service, routes: nameList(routes) },
            evidence: { service, routes: routes.slice(0, 10) },
          })
        for (const [key, e] of badPort)
          report({
            object: ing,
            key: `port/${key}`,
            messageId: 'portMissing',
            data: {
              service: e.service.metadata.name,
              port: String(e.port),
              ports: servicePortsText(e.service),
              routes: nameList(e.routes),
            },
            evidence: {
              service: e.service.metadata.name,
              port: e.port,
              servicePorts: Array.isArray(e.service.spec?.ports) ? e.service.spec.ports.slice(0, 10) : [],
              routes: e.routes.slice(0, 10),
            },
          })
      }
      const className: unknown = ing.spec?.ingressClassName
      if (withClasses && typeof className === 'string' && className) {
        if (!snapshot.get(INGRESS_CLASS, undefined, className)) {
          const classes = snapshot.list(INGRESS_CLASS).map((c) => c.metadata.name)
          report({
            object: ing,
            key: `class/${className}`,
            messageId: 'classMissing',
            data: { class: className },
            evidence: { ingressClassName: className, existingClasses: classes.slice(0, 10) },
          })
        }
      }
      const tls: Loose = ing.spec?.tls
      if (withSecrets && Array.isArray(tls)) {
        const annotations = ing.metadata.annotations ?? {}
        const certManager = CERT_MANAGER.some((a) => typeof annotations[a] === 'string')
        const age = ageMs(timeOf(ing.metadata.creationTimestamp), now)
        const seen = new Set<string>()
        for (const t of tls) {
          const secret: unknown = t?.secretName
          // No secretName: the controller's default certificate is used on purpose.
          if (typeof secret !== 'string' || !secret || seen.has(secret)) continue
          seen.add(secret)
          // Only the Secret's existence is looked at, never its data.
          if (snapshot.get(SECRET, ns, secret)) continue
          if (certManager && age !== undefined && age < grace) continue
          const hosts = Array.isArray(t.hosts) ? t.hosts.filter((h: unknown) => typeof h === 'string') : []
          report({
            object: ing,
            key: `tls/${secret}`,
            messageId: certManager ? 'tlsSecretPending' : 'tlsSecretMissing',
            data: { secret, hosts: hosts.length ? nameList(hosts) : 'its hosts' },
            evidence: {
              secretName: secret,
              hosts: hosts.slice(0, 10),
              ...(certManager ? { issuer: CERT_MANAGER.map((a) => annotations[a]).find(Boolean) } : {}),
            },
          })
        }
      }
    }
  },
})
