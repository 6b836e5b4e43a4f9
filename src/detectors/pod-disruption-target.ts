import { defineDetector } from '../detect/define.js'
import { ageMs, clip, conditionEvidence, humanDuration, parseDuration, type Condition } from './lib/k8s.js'
import { podIndex } from './lib/pods-workloads.js'

// The reasons Kubernetes gives for removing a pod, and the message for each.
const MESSAGE_OF: Record<string, string> = {
  PreemptionByScheduler: 'preemption',
  DeletionByTaintManager: 'taintManager',
  EvictionByEvictionAPI: 'evictionApi',
  DeletionByPodGC: 'podGc',
  TerminationByKubelet: 'kubelet',
}

export default defineDetector({
  meta: {
    id: 'pod-disruption-target',
    title: 'Pod was disrupted by Kubernetes (preempted, evicted, or removed from its node)',
    description:
      'Kubernetes marks a pod with the DisruptionTarget condition when it removes the pod for its own reasons rather than because the workload asked: the scheduler preempted it for a pod of higher priority, a NoExecute taint on its node evicted it, a drain or the cluster autoscaler used the Eviction API, the kubelet stopped it under node pressure or shutdown, or the pod garbage collector removed it from a vanished node. Each is normal in small numbers; repeated, they explain restarts, lost work in Jobs, and capacity that comes and goes.',
    severity: 'info',
    category: 'pod',
    requires: ['v1/Pod'],
    messages: {
      preemption:
        'Pod {{name}} was preempted {{ago}} ago: the scheduler removed it to make room for a pod of higher priority.',
      taintManager:
        'Pod {{name}} was evicted {{ago}} ago because its node {{node}} has a NoExecute taint it does not tolerate, usually because the node is not ready or unreachable.',
      evictionApi:
        'Pod {{name}} was evicted {{ago}} ago through the Eviction API: a node drain, the cluster autoscaler or a descheduler removed it.',
      podGc:
        'Pod {{name}} was removed {{ago}} ago by the pod garbage collector: its node {{node}} no longer exists.',
      kubelet:
        'Pod {{name}} was stopped {{ago}} ago by the kubelet on node {{node}}: node-pressure eviction, a node shutdown, or room needed for a critical pod ({{detail}}).',
      other: 'Pod {{name}} was disrupted by Kubernetes {{ago}} ago ({{reason}}: {{detail}}).',
    },
    remediation:
      "See why: `kubectl get pod {{name}} -n {{namespace}} -o jsonpath='{.status.conditions[?(@.type==\"DisruptionTarget\")]}'` and `kubectl get events -n {{namespace}} --field-selector involvedObject.name={{name}}`. Preemption: give the workload a PriorityClass, or the cluster more room. Taint eviction: check node {{node}} (`kubectl describe node {{node}}`), and add tolerationSeconds if short node outages should not evict. Eviction API: look for drains and the cluster autoscaler, and protect the workload with a PodDisruptionBudget. Kubelet: check the node's memory and disk pressure and the pod's requests and limits. For Jobs, a podFailurePolicy rule on DisruptionTarget keeps such disruptions from counting against backoffLimit.",
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/disruptions/#pod-disruption-conditions',
      'https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/',
      'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#taint-based-evictions',
    ],
    params: {
      maxAge: {
        default: '24h',
        description: 'Disruptions older than this are history, not news.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const maxAge = parseDuration(params.maxAge)
    for (const pod of podIndex(snapshot).disrupted) {
      // A plain loop: this runs on every pod of a fleet, and almost none has the condition.
      const list = pod.status?.conditions
      if (!Array.isArray(list)) continue
      let c: Condition | undefined
      for (const x of list) if (x && x.type === 'DisruptionTarget' && x.status === 'True') c = x as Condition
      if (!c) continue
      const at = typeof c.lastTransitionTime === 'string' ? c.lastTransitionTime : undefined
      const age = ageMs(at, now)
      if (age !== undefined && age > maxAge) continue
      const reason = typeof c.reason === 'string' && c.reason ? c.reason : 'unknown'
      const nodeName: unknown = pod.spec?.nodeName
      const podMessage: unknown = pod.status.message
      const detail =
        clip(typeof podMessage === 'string' && podMessage ? podMessage : c.message, 200) ?? 'no message'
      const evidence: Record<string, unknown> = {
        condition: conditionEvidence(
          {
            type: c.type,
            status: c.status,
            reason,
            ...(typeof c.message === 'string' ? { message: clip(c.message) } : {}),
            ...(at ? { lastTransitionTime: at } : {}),
          },
          now,
        ),
      }
      if (typeof pod.status.phase === 'string') evidence.phase = pod.status.phase
      if (typeof pod.status.reason === 'string') evidence.podReason = pod.status.reason
      if (typeof nodeName === 'string') evidence.node = nodeName
      report({
        object: pod,
        messageId: Object.hasOwn(MESSAGE_OF, reason) ? (MESSAGE_OF[reason] as string) : 'other',
        data: {
          reason,
          node: typeof nodeName === 'string' && nodeName ? nodeName : 'unknown',
          detail,
          ago: age === undefined ? 'some time' : humanDuration(age),
        },
        evidence,
      })
    }
  },
})
