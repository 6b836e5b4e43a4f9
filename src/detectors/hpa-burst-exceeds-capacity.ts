import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { HPA, TARGET_KINDS, hpaNames, podRequests, refText, scaledWorkloads } from './lib/autoscaling.js'
import { humanBytes, parseQuantity } from './lib/k8s.js'

const NODE = 'v1/Node'

function cores(n: number): string {
  return n >= 10 ? `${Math.round(n)}` : `${Math.round(n * 100) / 100}`
}
const show = (resource: 'cpu' | 'memory', v: number) =>
  resource === 'cpu' ? `${cores(v)} CPU cores` : `${humanBytes(Math.round(v))} of memory`

export default defineDetector({
  meta: {
    id: 'hpa-burst-exceeds-capacity',
    title: 'HPAs at their maximum would ask for more than the cluster has',
    description:
      "Each HorizontalPodAutoscaler may grow its workload up to maxReplicas. When the pods of every HPA at its maximum would request more CPU or memory than all the nodes can give (their allocatable), a broad spike (a sale, a retry storm, a failover from another region) leaves new pods Pending: the HPAs' ceilings are a promise the cluster cannot keep. It is fine when a node autoscaler can add enough nodes in time; otherwise lower the ceilings or plan capacity.",
    severity: 'info',
    category: 'autoscaling',
    requires: [HPA, NODE],
    requiresAny: TARGET_KINDS,
    messages: {
      all: 'If every HPA in the cluster reached its maxReplicas, their pods would request {{burst}} while the {{nodes}} schedulable node(s) offer {{allocatable}}: {{ratio}}% of capacity, so a broad spike would leave pods Pending.',
      one: 'HPA {{name}} alone, at its maxReplicas of {{max}}, would have {{target}} request {{burst}} while the {{nodes}} schedulable node(s) offer {{allocatable}}: it could never reach its maximum.',
    },
    remediation:
      "Compare ceilings with capacity: `kubectl get hpa -A` (MAXPODS), the pod requests (`kubectl get deploy -n <ns> <name> -o jsonpath='{.spec.template.spec.containers[*].resources.requests}'`) and `kubectl describe nodes | grep -A5 Allocatable`. If a node autoscaler (Cluster Autoscaler, Karpenter) can add enough nodes, check that its maximum covers {{burst}}; otherwise lower maxReplicas to what the cluster can hold, right-size the requests, or add capacity.",
    references: [
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/',
      'https://kubernetes.io/docs/tasks/administer-cluster/reserve-compute-resources/#node-allocatable',
    ],
  },
  detect({ snapshot, report }) {
    const nodes = snapshot.list(NODE)
    let cpuCap = 0
    let memCap = 0
    let schedulable = 0
    for (const n of nodes) {
      if (n.spec?.unschedulable === true) continue
      const a = n.status?.allocatable
      if (!a || typeof a !== 'object') continue
      const c = parseQuantity(a.cpu)
      const m = parseQuantity(a.memory)
      if (c > 0) cpuCap += c
      if (m > 0) memCap += m
      schedulable++
    }
    // Rendered manifests, or nodes without status: nothing to compare with.
    if (schedulable === 0) return
    const total = { cpu: 0, memory: 0 }
    const contributors: Record<string, unknown>[] = []
    const singles: { hpa: KubeObject; target: KubeObject; max: number; cpu: number; memory: number }[] = []
    for (const w of scaledWorkloads(snapshot)) {
      if (!w.spec) continue
      let max = 0
      let top: KubeObject | undefined
      for (const h of w.hpas) {
        const m: unknown = h.spec?.maxReplicas
        if (typeof m === 'number' && m > max) {
          max = m
          top = h
        }
      }
      if (!top || max === 0) continue
      const req = podRequests(w.spec)
      const cpu = req.cpu * max
      const memory = req.memory * max
      if (cpu === 0 && memory === 0) continue
      total.cpu += cpu
      total.memory += memory
      contributors.push({
        hpa: hpaNames(w.hpas),
        target: refText(w.target),
        namespace: w.namespace,
        maxReplicas: max,
        cpu,
        memory,
      })
      singles.push({ hpa: top, target: w.target, max, cpu, memory })
    }
    const capOf = { cpu: cpuCap, memory: memCap }
    for (const resource of ['cpu', 'memory'] as const) {
      const cap = capOf[resource]
      if (!(cap > 0) || total[resource] <= cap) continue
      const largest = [...contributors]
        .sort((a, b) => (b[resource] as number) - (a[resource] as number))
        .slice(0, 5)
        .map((c) => ({ ...c, [resource]: show(resource, c[resource] as number) }))
      report({
        object: { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster },
        key: resource,
        messageId: 'all',
        data: {
          resource,
          burst: show(resource, total[resource]),
          allocatable: show(resource, cap),
          nodes: schedulable,
          ratio: Math.round((total[resource] / cap) * 100),
        },
        evidence: { resource, burst: total[resource], allocatable: cap, hpas: contributors.length, largest },
      })
      for (const s of singles) {
        if (s[resource] <= cap) continue
        report({
          object: s.hpa,
          key: resource,
          messageId: 'one',
          data: {
            resource,
            max: s.max,
            target: refText(s.target),
            burst: show(resource, s[resource]),
            allocatable: show(resource, cap),
            nodes: schedulable,
          },
          evidence: {
            resource,
            maxReplicas: s.max,
            perPod: s[resource] / s.max,
            burst: s[resource],
            allocatable: cap,
          },
        })
      }
    }
  },
})
