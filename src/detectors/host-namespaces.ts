import { defineDetector } from '../detect/define.js'
import { SYSTEM_NAMESPACE_PARAMS, systemNamespaceTest, templatePath } from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const

export default defineDetector({
  meta: {
    id: 'host-namespaces',
    title: "Pod shares the node's network, process or IPC namespace",
    description:
      "hostNetwork, hostPID and hostIPC take a pod out of its own Linux namespaces and put it in the node's: with hostNetwork it sees all the node's traffic and can reach services bound to localhost (the kubelet, cloud metadata) and bypasses NetworkPolicies; with hostPID it sees, signals and can trace every process of the node, other pods included; with hostIPC it can read the shared memory of every process. Node agents need this; applications do not.",
    severity: 'warning',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      hostNetwork:
        "{{kind}} {{name}} runs on the node's network (hostNetwork: true): it can listen to and reach everything the node can, including localhost-only services, and NetworkPolicies do not apply to it.",
      hostPID:
        "{{kind}} {{name}} shares the node's process namespace (hostPID: true): it can see, signal and inspect every process on the node, including other pods' processes and their environment.",
      hostIPC:
        "{{kind}} {{name}} shares the node's IPC namespace (hostIPC: true): it can read and write the shared memory of every process on the node.",
    },
    remediation:
      "Confirm: `kubectl get {{kind}} {{name}} -n {{namespace}} -o jsonpath='{.{{path}}.{{field}}}'`. Remove `{{field}}: true` from `{{path}}` in the manifest (or `kubectl edit {{kind}} {{name}} -n {{namespace}}`); an app that must be reachable on a node port should use a Service of type NodePort or LoadBalancer instead of hostNetwork. A node agent that needs it belongs in a system namespace listed in `systemNamespaces`, where Pod Security is relaxed on purpose.",
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS },
  },
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    for (const t of podTemplates(snapshot)) {
      const spec = t.spec
      if (spec.hostNetwork !== true && spec.hostPID !== true && spec.hostIPC !== true) continue
      if (system(t.namespace)) continue
      for (const field of FIELDS) {
        if (spec[field] !== true) continue
        report({
          object: t.owner,
          messageId: field,
          key: field,
          data: { field, path: templatePath(t.owner.kind) },
          evidence: {
            [field]: true,
            ...(field === 'hostNetwork' && spec.dnsPolicy ? { dnsPolicy: spec.dnsPolicy } : {}),
          },
        })
      }
    }
  },
})
