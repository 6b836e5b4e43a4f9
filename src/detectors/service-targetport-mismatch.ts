import { defineDetector } from '../detect/define.js'
import { matchesMapSelector } from '../snapshot/selectors.js'
import { isSidecar } from './lib/k8s.js'
import {
  SERVICE,
  isExternalName,
  kindName,
  nameList,
  selectorArg,
  serviceSelector,
  templatesFor,
} from './lib/networking.js'
import { WORKLOAD_KINDS, type PodTemplate } from './lib/workloads.js'

// Specs are untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

const DIGITS = /^\d+$/

interface DeclaredPort {
  name?: string
  port: number
  protocol: string
}

// The ports a pod template declares, in the containers that can serve traffic: regular containers
// and native sidecars (init containers with restartPolicy Always).
function declaredPorts(spec: Loose): DeclaredPort[] {
  const out: DeclaredPort[] = []
  const scan = (list: unknown, sidecarsOnly: boolean) => {
    if (!Array.isArray(list)) return
    for (const c of list) {
      if (!c || typeof c !== 'object' || (sidecarsOnly && !isSidecar(c))) continue
      if (!Array.isArray(c.ports)) continue
      for (const p of c.ports) {
        if (!p || typeof p !== 'object' || typeof p.containerPort !== 'number') continue
        const d: DeclaredPort = {
          port: p.containerPort,
          protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
        }
        if (typeof p.name === 'string' && p.name) d.name = p.name
        out.push(d)
      }
    }
  }
  scan(spec?.containers, false)
  scan(spec?.initContainers, true)
  return out
}

function portText(d: DeclaredPort): string {
  return `${d.name ? d.name + '/' : ''}${d.port}${d.protocol === 'TCP' ? '' : '/' + d.protocol}`
}

export default defineDetector({
  meta: {
    id: 'service-targetport-mismatch',
    title: 'Service targetPort is not a port of its pods',
    description:
      "A Service port forwards to the pods' targetPort: a port name (looked up in the containers' declared ports) or a number. A name that no container declares gives that Service port no endpoint at all; a number that none of the declared container ports has usually means the Service sends traffic to a port nothing listens on (a port changed in the app but not in the Service). Either way clients get refused or time out although the pods are healthy.",
    severity: 'warning',
    category: 'networking',
    requires: [SERVICE],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      namedPort:
        'Service {{name}} port {{port}} forwards to the named port "{{targetPort}}", but no container of {{workloads}} declares a {{protocol}} port with that name: this Service port has no endpoint.',
      namedPortSome:
        'Service {{name}} port {{port}} forwards to the named port "{{targetPort}}", which {{workloads}} does not declare ({{protocol}}): those pods get no traffic on this port.',
      numericPort:
        'Service {{name}} port {{port}} forwards to port {{targetPort}}, but the containers of {{workloads}} declare only {{declared}}: connections likely reach a port nothing listens on.',
    },
    remediation:
      'Compare the Service ports with the container ports: `kubectl get service {{name}} -n {{namespace}} -o jsonpath="{.spec.ports}"` and `kubectl get pods -n {{namespace}} -l {{selectorArg}} -o jsonpath="{.items[0].spec.containers[*].ports}"`. Set the Service targetPort to the port name or number the container really serves, or declare the port in the pod template (`ports: [{name: http, containerPort: 8080}]`); then test with `kubectl port-forward -n {{namespace}} service/{{name}} 8080:{{port}}`.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/#field-spec-ports',
      'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec',
    ],
  },
  detect({ snapshot, report }) {
    for (const svc of snapshot.list(SERVICE)) {
      if (isExternalName(svc)) continue
      const selector = serviceSelector(svc)
      const ports: Loose = svc.spec?.ports
      if (!selector || !Array.isArray(ports) || ports.length === 0) continue
      const ns = svc.metadata.namespace ?? ''
      // No template at all is service-selector-no-pods' finding.
      const templates = templatesFor(snapshot, ns, (l) => matchesMapSelector(selector, l))
      if (templates.length === 0) continue
      let declared: Map<PodTemplate, DeclaredPort[]> | undefined
      for (const p of ports) {
        if (!p || typeof p !== 'object' || typeof p.port !== 'number') continue
        const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP'
        let target: unknown = p.targetPort ?? p.port
        if (typeof target === 'string' && DIGITS.test(target)) target = Number(target)
        if (typeof target !== 'string' && typeof target !== 'number') continue
        if (target === '' || target === 0) continue
        declared ??= new Map(templates.map((t) => [t, declaredPorts(t.spec)]))
        const key = typeof p.name === 'string' && p.name ? p.name : String(p.port)
        const servicePort = { name: p.name, port: p.port, targetPort: target, protocol }
        const evidenceOf = (list: PodTemplate[]) =>
          list.slice(0, 3).map((t) => ({
            workload: kindName(t.owner),
            ports: (declared!.get(t) ?? []).map(portText),
          }))
        const data = {
          port: key === String(p.port) ? String(p.port) : `${key} (${p.port})`,
          targetPort: String(target),
          protocol,
          selectorArg: selectorArg(selector),
        }
        if (typeof target === 'string') {
          const lacking = templates.filter(
            (t) => !declared!.get(t)!.some((d) => d.name === target && d.protocol === protocol),
          )
          if (lacking.length === 0) continue
          report({
            object: svc,
            key,
            messageId: lacking.length === templates.length ? 'namedPort' : 'namedPortSome',
            data: { ...data, workloads: nameList(lacking.map((t) => kindName(t.owner))) },
            evidence: { servicePort, declared: evidenceOf(lacking) },
          })
        } else {
          // Declaring container ports is optional: only judge templates that declare some.
          const declaring = templates.filter((t) => declared!.get(t)!.length > 0)
          if (declaring.length === 0) continue
          if (declaring.some((t) => declared!.get(t)!.some((d) => d.port === target))) continue
          const all = new Set<string>()
          for (const t of declaring) for (const d of declared!.get(t)!) all.add(portText(d))
          report({
            object: svc,
            key,
            messageId: 'numericPort',
            data: {
              ...data,
              workloads: nameList(declaring.map((t) => kindName(t.owner))),
              declared: nameList([...all], 5),
            },
            evidence: { servicePort, declared: evidenceOf(declaring) },
          })
        }
      }
    }
  },
})
