import { defineDetector } from '../detect/define.js'
import {
  allocatableOf,
  amount,
  percent,
  requestIndex,
  workerPool,
  type PoolNode,
  type Resources,
} from './lib/node-fleet.js'

/**
 * How many worker nodes could go, smallest first, while the rest still hold every request that
 * would move and keep one node of headroom (the rule cluster-n-1-overcommit checks).
 */
function removableNodes(pool: readonly PoolNode[], movable: Resources): number {
  if (pool.length < 2) return 0
  let total: Resources = { cpu: 0, memory: 0 }
  let largest: Resources = { cpu: 0, memory: 0 }
  for (const n of pool) {
    total = { cpu: total.cpu + n.free.cpu, memory: total.memory + n.free.memory }
    largest = { cpu: Math.max(largest.cpu, n.free.cpu), memory: Math.max(largest.memory, n.free.memory) }
  }
  const share = (n: PoolNode) =>
    (total.cpu > 0 ? n.free.cpu / total.cpu : 0) + (total.memory > 0 ? n.free.memory / total.memory : 0)
  const smallestFirst = [...pool].sort((a, b) => share(a) - share(b) || a.name.localeCompare(b.name))
  let rest = { ...total }
  let k = 0
  for (const n of smallestFirst.slice(0, -1)) {
    const cpu = rest.cpu - n.free.cpu
    const memory = rest.memory - n.free.memory
    // The largest node stays to the end (smallest first), so the headroom is the largest node.
    if (cpu - largest.cpu < movable.cpu || memory - largest.memory < movable.memory) break
    rest = { cpu, memory }
    k++
  }
  return k
}

export default defineDetector({
  meta: {
    id: 'cluster-low-utilization',
    title: 'Cluster is much larger than its workloads need',
    description:
      'The pods of the cluster request only a small part of the CPU or memory its nodes offer. Nodes are paid for whole, so the rest is spent on nothing: the cluster could run on fewer or smaller nodes (or a different shape of node when only one resource is idle). Requests, not live usage, are what the scheduler reserves, so they are what decides how many nodes are needed.',
    severity: 'info',
    category: 'fleet',
    requires: ['v1/Node', 'v1/Pod'],
    rollup: false,
    messages: {
      low: 'Pods in cluster {{name}} request only {{cpuPercent}}% of the CPU and {{memoryPercent}}% of the memory its {{nodes}} node(s) offer: {{fewer}}.',
      lowCpu:
        'Pods in cluster {{name}} request only {{cpuPercent}}% of the CPU its {{nodes}} node(s) offer, but {{memoryPercent}}% of the memory: the nodes have far more CPU than the workloads need; nodes with less CPU per GiB of memory would cost less.',
      lowMemory:
        'Pods in cluster {{name}} request only {{memoryPercent}}% of the memory its {{nodes}} node(s) offer, but {{cpuPercent}}% of the CPU: the nodes have far more memory than the workloads need; nodes with less memory per CPU would cost less.',
    },
    remediation:
      'Check requests against capacity: `kubectl describe nodes | grep -A 8 "Allocated resources"` and, for live usage, `kubectl top nodes`. Then shrink: lower the node group size or minimum (with a cluster autoscaler, check why it does not scale down: `kubectl -n kube-system describe configmap cluster-autoscaler-status`), or move to smaller nodes or another instance shape. If requests are much lower than real usage, fix the requests first, or the cluster will be packed too tight after shrinking.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/cluster-administration/node-autoscaling/',
    ],
    params: {
      threshold: {
        default: 20,
        description:
          'Percentage of allocatable CPU or memory requested below which the cluster counts as underused.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const threshold = Number(params.threshold)
    const nodes = snapshot.list('v1/Node')
    const alloc: Resources = { cpu: 0, memory: 0 }
    let counted = 0
    for (const n of nodes) {
      const a = allocatableOf(n)
      if (!Number.isFinite(a.cpu) && !Number.isFinite(a.memory)) continue
      counted++
      if (Number.isFinite(a.cpu)) alloc.cpu += a.cpu
      if (Number.isFinite(a.memory)) alloc.memory += a.memory
    }
    if (counted === 0) return
    const idx = requestIndex(snapshot)
    // When most pods request nothing, the sum of requests says nothing about how busy the nodes are.
    const known = (r: keyof Resources) =>
      alloc[r] > 0 && idx.pods > 0 && idx.withoutRequest[r] * 2 <= idx.pods
    const cpuPercent = percent(idx.all.cpu, alloc.cpu)
    const memoryPercent = percent(idx.all.memory, alloc.memory)
    const cpuLow = known('cpu') && (idx.all.cpu / alloc.cpu) * 100 < threshold
    const memoryLow = known('memory') && (idx.all.memory / alloc.memory) * 100 < threshold
    if (!cpuLow && !memoryLow) return
    const pool = workerPool(snapshot)
    const removable = removableNodes(pool, idx.movable)
    const fewer =
      removable > 0
        ? `about ${removable} of its ${pool.length} worker node(s) could go, and every pod would still fit with a node of headroom to spare`
        : 'no node could go without losing the headroom to survive a node failure, but smaller nodes would do'
    report({
      object: { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster },
      messageId: cpuLow && memoryLow ? 'low' : cpuLow ? 'lowCpu' : 'lowMemory',
      data: { cpuPercent, memoryPercent, nodes: counted, removable, fewer },
      evidence: {
        cpu: {
          requested: amount('cpu', idx.all.cpu),
          allocatable: amount('cpu', alloc.cpu),
          percent: cpuPercent,
        },
        memory: {
          requested: amount('memory', idx.all.memory),
          allocatable: amount('memory', alloc.memory),
          percent: memoryPercent,
        },
        nodes: counted,
        workerNodes: pool.length,
        removableNodes: removable,
        pods: idx.pods,
        podsWithoutRequests: { cpu: idx.withoutRequest.cpu, memory: idx.withoutRequest.memory },
      },
    })
  },
})
