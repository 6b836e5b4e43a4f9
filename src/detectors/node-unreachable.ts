import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { ageMs, conditionEvidence, conditionOf, humanDuration, parseDuration } from './lib/k8s.js'
import { podsByNode } from './lib/node-fleet.js'

// The taints the node lifecycle controller puts on a node whose kubelet stopped reporting
// (unreachable) or reports NotReady; with NoExecute, they evict pods that do not tolerate them.
const TAINT_STATE = new Map([
  ['node.kubernetes.io/unreachable', 'unreachable (its kubelet stopped reporting)'],
  ['node.kubernetes.io/not-ready', 'not ready'],
])
const MAX_LISTED = 10

interface Taint {
  key: string
  effect?: string
  timeAdded?: string
}

function evictionTaint(node: KubeObject): Taint | undefined {
  const list = node.spec?.taints
  if (!Array.isArray(list)) return undefined
  for (const t of list)
    if (t && t.effect === 'NoExecute' && typeof t.key === 'string' && TAINT_STATE.has(t.key))
      return {
        key: t.key,
        effect: t.effect,
        timeAdded: typeof t.timeAdded === 'string' ? t.timeAdded : undefined,
      }
  return undefined
}

// A pod the taint manager is deleting: marked DisruptionTarget by it, or already carrying a deletionTimestamp.
function evictionOf(pod: KubeObject): { reason: string; since?: string } | undefined {
  const dt = conditionOf(pod, 'DisruptionTarget')
  if (dt?.status === 'True' && dt.reason === 'DeletionByTaintManager')
    return { reason: 'DeletionByTaintManager', since: dt.lastTransitionTime }
  const del = pod.metadata.deletionTimestamp
  if (typeof del === 'string') return { reason: 'Terminating', since: del }
  return undefined
}

function controllerKind(pod: KubeObject): string | undefined {
  const refs = pod.metadata.ownerReferences
  if (!Array.isArray(refs)) return undefined
  const r = refs.find((x) => x && x.controller) ?? refs[0]
  return typeof r?.kind === 'string' ? r.kind : undefined
}

export default defineDetector({
  meta: {
    id: 'node-unreachable',
    title: 'Pods are being evicted from an unreachable node',
    description:
      'When a node stops reporting (or reports NotReady), Kubernetes taints it with node.kubernetes.io/unreachable (or not-ready) and the NoExecute effect: after their toleration runs out (300 seconds by default), its pods are deleted so that their controllers recreate them elsewhere. Until then they are not served; StatefulSet pods and pods holding a volume attached to that node cannot be replaced until the node is back or confirmed gone.',
    severity: 'warning',
    category: 'node',
    requires: ['v1/Node'],
    optional: ['v1/Pod'],
    messages: {
      evicting:
        'Node {{name}} is {{state}} and has carried the {{taint}}:NoExecute taint for {{for}}: Kubernetes is evicting its pods, {{evicting}} of the {{pods}} pod(s) on it are marked for deletion so they can be recreated on other nodes.',
      evictingStatefulSet:
        'Node {{name}} is {{state}} and has carried the {{taint}}:NoExecute taint for {{for}}: Kubernetes is evicting its pods, {{evicting}} of the {{pods}} pod(s) on it are marked for deletion; {{stuck}} of them belong to a StatefulSet and cannot be replaced until the node is back or confirmed gone.',
      tainted:
        'Node {{name}} is {{state}} and has carried the {{taint}}:NoExecute taint for {{for}}: its {{pods}} pod(s) are evicted once their toleration runs out (300s by default); none is marked for deletion yet, so they either tolerate the taint (DaemonSets) or will be evicted soon.',
      evicted:
        'Node {{name}} is {{state}} and has carried the {{taint}}:NoExecute taint for {{for}}: no pod is left on it: whatever ran there has been evicted, and recreated on other nodes where there was room. Repair or remove the node to get its capacity back.',
      taintOnly:
        'Node {{name}} is {{state}} and has carried the {{taint}}:NoExecute taint for {{for}}: Kubernetes evicts every pod on it that does not tolerate the taint (after 300s by default), so they are recreated elsewhere.',
    },
    remediation:
      'See why the node is gone: `kubectl describe node {{name}}` (Conditions, Taints) and `kubectl get pods -A -o wide --field-selector spec.nodeName={{name}}`; check the machine in your cloud console and its kubelet (`journalctl -u kubelet`). If it comes back, the taint goes away by itself. If the machine is dead for good, tell Kubernetes so its stuck pods and volumes can move: `kubectl taint node {{name}} node.kubernetes.io/out-of-service=nodeshutdown:NoExecute` (non-graceful node shutdown), or delete the node: `kubectl delete node {{name}}`. Only force-delete a pod (`kubectl delete pod <pod> -n <ns> --grace-period=0 --force`) once you are sure the machine is off, or two copies of a StatefulSet pod may run at once.',
    references: [
      'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions',
      'https://kubernetes.io/docs/concepts/cluster-administration/node-shutdown/#non-graceful-node-shutdown',
      'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions',
    ],
    params: {
      minDuration: {
        default: '5m',
        description:
          'How long the taint must have been on the node before the detector fires, unless pods are already being evicted (default: the usual toleration of 300s).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withPods = snapshot.has('v1/Pod')
    for (const node of snapshot.list('v1/Node')) {
      const taint = evictionTaint(node)
      // The taint is the controller's verdict on a live node: a manifest (no status) has none to report.
      if (!taint || !node.status) continue
      const age = ageMs(taint.timeAdded, now)
      const pods = withPods ? (podsByNode(snapshot).get(node.metadata.name) ?? []) : []
      const evicting: { pod: string; reason: string; since?: string }[] = []
      let stuck = 0
      for (const p of pods) {
        const e = evictionOf(p)
        if (!e) continue
        evicting.push({ pod: `${p.metadata.namespace ?? ''}/${p.metadata.name}`, ...e })
        if (controllerKind(p) === 'StatefulSet') stuck++
      }
      // Evictions already under way (pods with short tolerations) are news however young the taint.
      if (age !== undefined && age < min && evicting.length === 0) continue
      const ready = conditionOf(node, 'Ready')
      const evidence: Record<string, unknown> = {
        taint: {
          key: taint.key,
          effect: taint.effect,
          ...(taint.timeAdded ? { timeAdded: taint.timeAdded } : {}),
          ...(age !== undefined ? { for: humanDuration(age) } : {}),
        },
      }
      if (ready) evidence.ready = conditionEvidence(ready, now)
      if (withPods) {
        evidence.pods = pods.length
        evidence.evicting = evicting.length
        if (evicting.length) evidence.evictingPods = evicting.slice(0, MAX_LISTED)
        if (stuck) evidence.statefulSetPodsWaiting = stuck
      }
      report({
        object: node,
        messageId: !withPods
          ? 'taintOnly'
          : stuck
            ? 'evictingStatefulSet'
            : evicting.length
              ? 'evicting'
              : pods.length
                ? 'tainted'
                : 'evicted',
        data: {
          state: TAINT_STATE.get(taint.key) as string,
          taint: taint.key,
          for: age === undefined ? 'an unknown time' : humanDuration(age),
          pods: pods.length,
          evicting: evicting.length,
          stuck,
        },
        evidence,
      })
    }
  },
})
