import { defineDetector } from '../detect/define.js'
import { ageMs, humanDuration, parseDuration, taintOf } from './lib/k8s.js'
import { isControlPlane, isNodeBound, isReady, podsByNode } from './lib/node-fleet.js'

// Taints that say an autoscaler is already removing the node: it will be gone soon, nothing to do.
const BEING_REMOVED = ['ToBeDeletedByClusterAutoscaler', 'karpenter.sh/disrupted', 'karpenter.sh/disruption']
// Taints every node may carry for a while; any other NoSchedule/NoExecute taint may be why nothing lands here.
const ROUTINE_TAINTS = new Set([
  'node.kubernetes.io/unschedulable',
  'node.kubernetes.io/not-ready',
  'node.kubernetes.io/unreachable',
  'DeletionCandidateOfClusterAutoscaler',
])
const SCALE_DOWN_DISABLED = 'cluster-autoscaler.kubernetes.io/scale-down-disabled'

export default defineDetector({
  meta: {
    id: 'node-empty',
    title: 'Worker node runs no workload',
    description:
      'A worker node whose only pods are DaemonSet pods (log shippers, network and monitoring agents) and static pods does no useful work but is paid for in full. A cluster autoscaler normally removes such a node within minutes; when it stays, the autoscaler is absent or blocked, the node group is at its minimum size, or a taint keeps workloads away from it.',
    severity: 'info',
    category: 'fleet',
    requires: ['v1/Node', 'v1/Pod'],
    messages: {
      empty:
        'Node {{name}} runs no workload: its {{pods}} pod(s) are all DaemonSet or static pods, and it has been up for {{age}}. It is paid for but does no work.',
      emptyTainted:
        'Node {{name}} runs no workload: its {{pods}} pod(s) are all DaemonSet or static pods, and it has been up for {{age}}. Its taint {{taint}} keeps every pod that does not tolerate it away, so it is paid for but does no work.',
    },
    remediation:
      'Confirm it is empty: `kubectl get pods -A -o wide --field-selector spec.nodeName={{name}}`. If it is not needed, drain and remove it: `kubectl drain {{name}} --ignore-daemonsets --delete-emptydir-data`, `kubectl delete node {{name}}`, and delete the machine or lower the node group minimum. With a cluster autoscaler, find out why it keeps the node: the node group minimum size, the annotation `cluster-autoscaler.kubernetes.io/scale-down-disabled`, or the autoscaler status (`kubectl -n kube-system describe configmap cluster-autoscaler-status`). If the node is reserved on purpose (a tainted GPU pool kept warm), raise `minAge` or turn the detector off for that cluster.',
    references: [
      'https://kubernetes.io/docs/concepts/cluster-administration/node-autoscaling/',
      'https://kubernetes.io/docs/tasks/administer-cluster/safely-drain-node/',
    ],
    params: {
      minAge: {
        default: '1h',
        description: 'How old the node must be before an empty node is reported (a new node waits for pods).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const minAge = parseDuration(params.minAge)
    const byNode = podsByNode(snapshot)
    for (const node of snapshot.list('v1/Node')) {
      // A NotReady node is node-not-ready's finding; a control-plane node runs the cluster itself.
      if (!isReady(node) || isControlPlane(node)) continue
      const pods = byNode.get(node.metadata.name)
      if (pods && !pods.every(isNodeBound)) continue
      const age = ageMs(node.metadata.creationTimestamp, now)
      if (age === undefined || age < minAge) continue
      if (BEING_REMOVED.some((k) => taintOf(node, k))) continue
      const taints = Array.isArray(node.spec?.taints) ? node.spec.taints : []
      const blocking = taints.find(
        (t: { key?: unknown; effect?: unknown } | null) =>
          t &&
          typeof t.key === 'string' &&
          !ROUTINE_TAINTS.has(t.key) &&
          (t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
      )
      const evidence: Record<string, unknown> = {
        pods: pods?.length ?? 0,
        daemonSetAndStaticPods: (pods ?? [])
          .slice(0, 10)
          .map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
        createdAt: node.metadata.creationTimestamp,
      }
      if (node.spec?.unschedulable === true) evidence.unschedulable = true
      if (blocking) evidence.taint = { key: blocking.key, value: blocking.value, effect: blocking.effect }
      const ann = node.metadata.annotations
      if (ann && typeof ann === 'object' && ann[SCALE_DOWN_DISABLED] !== undefined)
        evidence.scaleDownDisabled = ann[SCALE_DOWN_DISABLED]
      report({
        object: node,
        messageId: blocking ? 'emptyTainted' : 'empty',
        data: {
          pods: pods?.length ?? 0,
          age: humanDuration(age),
          ...(blocking
            ? { taint: `${blocking.key}${blocking.value ? `=${blocking.value}` : ''}:${blocking.effect}` }
            : {}),
        },
        evidence,
      })
    }
  },
})
