import { defineDetector } from '../detect/define.js'
import { afterLosingLargest, amount, requestIndex, workerPool, type Resources } from './lib/node-fleet.js'

const RESOURCES: (keyof Resources)[] = ['cpu', 'memory']
const LABEL: Record<keyof Resources, string> = { cpu: 'CPU', memory: 'memory' }

function units(resource: keyof Resources, v: number): number {
  return Math.round(resource === 'cpu' ? v * 1000 : v)
}

export default defineDetector({
  meta: {
    id: 'cluster-n-1-overcommit',
    title: 'Cluster cannot survive losing a node',
    description:
      'The pods of the cluster request more CPU or memory than the worker nodes could offer if the largest of them failed, was drained for an upgrade, or was reclaimed (a spot instance). Then some pods would stay Pending until the node is back or a new one joins: every node upgrade or outage becomes a partial outage.',
    severity: 'warning',
    category: 'scheduling',
    requires: ['v1/Node', 'v1/Pod'],
    rollup: false,
    messages: {
      overcommit:
        'Pods in cluster {{name}} request {{requests}} of {{resource}}, but if its largest worker node ({{node}}, {{largest}} free for pods) went away, the other {{others}} node(s) could offer only {{remaining}}: about {{shortfall}} of requests would find no room and their pods would stay Pending.',
    },
    remediation:
      'Compare requests with capacity: `kubectl describe nodes | grep -A 8 "Allocated resources"` and `kubectl top nodes`. Add a node (or raise the node group minimum, or let the cluster autoscaler scale further by raising its maximum), or lower requests that are larger than what the pods use (`kubectl top pods -A`). Keep at least one node of headroom so that node upgrades, drains and failures do not leave pods Pending.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/',
    ],
  },
  detect({ snapshot, report }) {
    const pool = workerPool(snapshot)
    // A single-node cluster has no redundancy to lose: that is a design choice, not a finding.
    if (pool.length < 2) return
    const { movable } = requestIndex(snapshot)
    for (const resource of RESOURCES) {
      const requested = movable[resource]
      const { total, largest, remaining } = afterLosingLargest(pool, resource)
      // Compared in whole millicores and bytes: sums of decimal quantities are not exact in floating point.
      if (!largest || units(resource, requested) <= units(resource, remaining)) continue
      report({
        object: { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster },
        key: resource,
        messageId: 'overcommit',
        data: {
          resource: LABEL[resource],
          requests: amount(resource, requested),
          node: largest.name,
          largest: amount(resource, largest.free[resource]),
          others: pool.length - 1,
          remaining: amount(resource, remaining),
          shortfall: amount(resource, requested - remaining),
        },
        evidence: {
          resource,
          requested: amount(resource, requested),
          freeForPods: amount(resource, total),
          largestNode: { name: largest.name, freeForPods: amount(resource, largest.free[resource]) },
          remainingWithoutLargest: amount(resource, remaining),
          shortfall: amount(resource, requested - remaining),
          workerNodes: pool.length,
          note: 'free for pods = allocatable minus DaemonSet and static pod requests; requests of DaemonSet, static and control-plane pods are left out',
        },
      })
    }
  },
})
