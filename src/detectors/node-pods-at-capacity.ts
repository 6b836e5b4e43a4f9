import { defineDetector } from '../detect/define.js'
import { allocatableOf, isNodeBound, podsByNode } from './lib/node-fleet.js'

const TOP = 5

export default defineDetector({
  meta: {
    id: 'node-pods-at-capacity',
    title: 'Node is running close to its maximum number of pods',
    description:
      'Every node accepts a fixed number of pods (status.allocatable.pods: the kubelet maxPods, 110 by default, often much lower on cloud nodes whose pod IPs come from the network interface). When it is reached, the scheduler puts no more pods there even if CPU and memory are free ("Too many pods"), so scale-ups and rollouts wait for another node.',
    severity: 'warning',
    category: 'node',
    requires: ['v1/Node', 'v1/Pod'],
    messages: {
      full: 'Node {{name}} runs {{pods}} pods, its limit of {{max}}: no new pod can be scheduled on it, whatever CPU and memory it has free.',
      nearFull:
        'Node {{name}} runs {{pods}} of its {{max}} allowed pods ({{percent}}%): only {{left}} more can be scheduled on it, whatever CPU and memory it has free.',
    },
    remediation:
      'See what runs there: `kubectl get pods -A -o wide --field-selector spec.nodeName={{name}}` and `kubectl describe node {{name}}` (Allocatable: pods). Spread the load: add nodes (or let the cluster autoscaler add them), remove pods that are not needed, or raise the limit where the platform allows it (kubelet `maxPods`; on EKS enable prefix delegation, on AKS set `--max-pods` on the node pool, on GKE set max pods per node on the pool). Many small pods of one workload may be better as fewer, larger ones.',
    references: [
      'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/',
      'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
    ],
    params: {
      threshold: {
        default: 95,
        description: 'Percentage of allocatable pods at or above which the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const threshold = Number(params.threshold)
    const byNode = podsByNode(snapshot)
    for (const node of snapshot.list('v1/Node')) {
      const max = allocatableOf(node).pods
      if (!Number.isFinite(max) || max <= 0) continue
      const pods = byNode.get(node.metadata.name)
      const count = pods?.length ?? 0
      if (!pods || (count / max) * 100 < threshold) continue
      // Which namespaces fill the node: the likely place to act.
      const byNamespace = new Map<string, number>()
      let nodeBound = 0
      for (const p of pods) {
        const ns = typeof p.metadata.namespace === 'string' ? p.metadata.namespace : ''
        byNamespace.set(ns, (byNamespace.get(ns) ?? 0) + 1)
        if (isNodeBound(p)) nodeBound++
      }
      const top = [...byNamespace.entries()]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, TOP)
      report({
        object: node,
        messageId: count >= max ? 'full' : 'nearFull',
        data: {
          pods: count,
          max,
          percent: Math.floor((count / max) * 100),
          left: Math.max(0, max - count),
        },
        evidence: {
          pods: count,
          allocatablePods: max,
          ...(node.status?.capacity?.pods !== undefined ? { capacityPods: node.status.capacity.pods } : {}),
          daemonSetAndStaticPods: nodeBound,
          podsByNamespace: Object.fromEntries(top),
        },
      })
    }
  },
})
