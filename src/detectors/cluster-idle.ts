import { defineDetector } from '../detect/define.js'
import { humanBytes, paramList, parseQuantity } from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'cluster-idle',
    title: 'Cluster runs no workloads',
    description:
      'Every running pod is in a system namespace (Kubernetes itself, monitoring, ingress, GitOps, the service mesh…): nothing a team deployed is running. The nodes still cost money; the cluster may be forgotten, or its workloads may have moved elsewhere.',
    severity: 'warning',
    category: 'fleet',
    requires: ['v1/Pod', 'v1/Node'],
    rollup: false,
    messages: {
      idle: 'Cluster {{name}} runs nothing outside system namespaces: its {{nodes}} node(s) ({{cpu}} CPU cores, {{memory}} of memory) only run platform components, so it may be unused and still costing money.',
    },
    remediation:
      'Confirm with the cluster owners: `kubectl get pods -A --field-selector=status.phase=Running` and `kubectl get deploy,sts,cronjob -A`. If it is unused, delete it or scale its node pools to zero. If it is a platform or standby cluster on purpose, add its namespaces to the `systemNamespaces` parameter or turn this detector off for it.',
    references: ['https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/'],
    params: {
      systemNamespaces: {
        default: [
          'kube-system',
          'kube-public',
          'kube-node-lease',
          'istio-system',
          'monitoring',
          'cert-manager',
          'argocd',
          'flux-system',
          'gatekeeper-system',
          'ingress-nginx',
          'calico-system',
          'tigera-operator',
        ],
        description: 'Namespaces whose pods are platform components, not workloads.',
      },
      systemNamespacePrefixes: {
        default: ['kube-'],
        description: 'Namespaces starting with one of these are system namespaces too.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const nodes = snapshot.list('v1/Node')
    if (nodes.length === 0) return
    const system = new Set(paramList(params.systemNamespaces))
    const prefixes = paramList(params.systemNamespacePrefixes)
    const isSystem = (ns: unknown) =>
      typeof ns === 'string' && (system.has(ns) || prefixes.some((p) => ns.startsWith(p)))
    const podsByNamespace: Record<string, number> = {}
    let finishedAppPods = 0
    for (const pod of snapshot.list('v1/Pod')) {
      const ns = pod.metadata.namespace ?? ''
      const phase = pod.status?.phase
      const finished = phase === 'Succeeded' || phase === 'Failed'
      if (!isSystem(ns)) {
        // One running workload pod is enough to call the cluster used.
        if (!finished) return
        finishedAppPods++
        continue
      }
      if (!finished) podsByNamespace[ns] = (podsByNamespace[ns] ?? 0) + 1
    }
    let cpu = 0
    let memory = 0
    for (const n of nodes) {
      const c = parseQuantity(n.status?.allocatable?.cpu)
      const m = parseQuantity(n.status?.allocatable?.memory)
      if (Number.isFinite(c)) cpu += c
      if (Number.isFinite(m)) memory += m
    }
    const cores = String(Math.round(cpu * 10) / 10)
    report({
      object: { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster },
      messageId: 'idle',
      data: { nodes: nodes.length, cpu: cores, memory: humanBytes(memory) },
      evidence: {
        nodes: nodes.length,
        allocatable: { cpu: cores, memory: humanBytes(memory) },
        podsByNamespace,
        ...(finishedAppPods ? { finishedAppPods } : {}),
      },
    })
  },
})
