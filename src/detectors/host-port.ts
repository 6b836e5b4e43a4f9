import { defineDetector } from '../detect/define.js'
import {
  forEachContainer,
  SYSTEM_NAMESPACE_PARAMS,
  systemNamespaceTest,
  templatePath,
} from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'host-port',
    title: 'Container binds a port of the node (hostPort)',
    description:
      "A hostPort opens a port on the node's own IP address for the container. It exposes the app outside of Services and NetworkPolicies' usual path, and it limits scheduling: two pods asking for the same node port cannot share a node, so a rolling update or a second replica can stay Pending. Services (NodePort, LoadBalancer) or an Ingress are the usual way to expose an app.",
    severity: 'info',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      hostPort:
        "Container {{container}} of {{kind}} {{name}} binds port(s) {{ports}} on its node's IP address (hostPort): the app is reachable on every node it runs on, and only one such pod fits per node.",
    },
    remediation:
      "Confirm: `kubectl get {{kind}} {{name}} -n {{namespace}} -o jsonpath='{..ports}'`. Remove `hostPort` from the ports of container {{container}} (under `{{path}}`) and expose the app with a Service instead: `kubectl expose {{kind}} {{name}} -n {{namespace}} --port=<port> --type=NodePort` (or LoadBalancer, or an Ingress). Node agents that must own a node port belong in a system namespace listed in `systemNamespaces`.",
    references: [
      'https://kubernetes.io/docs/concepts/configuration/overview/#services',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS },
  },
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    for (const t of podTemplates(snapshot)) {
      // On the host network every container port is a node port (the API server fills hostPort in);
      // host-namespaces reports that pod already.
      if (t.spec.hostNetwork === true || system(t.namespace)) continue
      forEachContainer(t.spec, (c, name, init) => {
        const ports: unknown = c.ports
        if (!Array.isArray(ports)) return
        let found: { hostPort: number; containerPort: unknown; protocol: string }[] | undefined
        for (const p of ports)
          if (p && typeof p.hostPort === 'number' && p.hostPort > 0)
            (found ??= []).push({
              hostPort: p.hostPort,
              containerPort: p.containerPort,
              protocol: typeof p.protocol === 'string' ? p.protocol : 'TCP',
            })
        if (!found) return
        report({
          object: t.owner,
          messageId: 'hostPort',
          key: name,
          data: {
            container: name,
            ports: found.map((p) => `${p.hostPort}/${p.protocol}`).join(', '),
            path: templatePath(t.owner.kind),
          },
          evidence: { container: name, init, ports: found },
        })
      })
    }
  },
})
