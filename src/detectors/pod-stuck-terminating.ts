import { defineDetector } from '../detect/define.js'
import {
  ageMs,
  conditionEvidence,
  conditionOf,
  eventEvidence,
  forEachContainerStatus,
  humanDuration,
  lastEventWithReason,
  parseDuration,
} from './lib/k8s.js'
import { podIndex } from './lib/pods-workloads.js'

// Kubelet events that explain a pod that cannot finish stopping.
const STOP_EVENTS = [
  'FailedKillPod',
  'FailedPreStopHook',
  'FailedKillPodSandBox',
  'FailedUnmount',
  'FailedDetachVolume',
]

export default defineDetector({
  meta: {
    id: 'pod-stuck-terminating',
    title: 'Pod is stuck terminating',
    description:
      'The pod was deleted, its grace period is over, and it is still there. Usually its node is down (no kubelet confirms that the containers stopped), a finalizer is never removed, or a container or volume cannot be stopped. A StatefulSet does not start the replacement until the old pod is gone, and the pod keeps its IP, volumes and quota.',
    severity: 'warning',
    category: 'pod',
    requires: ['v1/Pod'],
    optional: ['v1/Node', 'v1/Event'],
    messages: {
      nodeNotReady:
        'Pod {{name}} was due to be gone {{for}} ago but is still terminating: its node {{node}} is not Ready, so no kubelet confirms that its containers stopped.',
      nodeGone:
        'Pod {{name}} was due to be gone {{for}} ago but is still terminating: its node {{node}} no longer exists.',
      finalizers:
        'Pod {{name}} was due to be gone {{for}} ago but is still terminating: it waits for finalizer {{finalizers}}, which its controller has not removed.',
      stuck:
        'Pod {{name}} was due to be gone {{for}} ago but is still terminating on node {{node}}: the kubelet has not finished stopping it.',
    },
    remediation:
      'Look at what holds it: `kubectl describe pod {{name}} -n {{namespace}}` (Events) and `kubectl get pod {{name}} -n {{namespace}} -o jsonpath=\'{.metadata.finalizers}\'`. Node down: bring it back or delete the Node object, and the pod goes with it. A finalizer: fix or restart the controller that owns it; only if that controller is gone for good, remove it with `kubectl patch pod {{name}} -n {{namespace}} --type=json -p \'[{"op":"remove","path":"/metadata/finalizers"}]\'`. Otherwise check the kubelet and runtime on the node (`journalctl -u kubelet`). As a last resort, `kubectl delete pod {{name}} -n {{namespace}} --grace-period=0 --force` (for a StatefulSet pod, first make sure its containers really stopped: two pods with the same identity can corrupt data).',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
      'https://kubernetes.io/docs/tasks/run-application/force-delete-stateful-set-pod/',
      'https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/',
    ],
    params: {
      minDuration: {
        default: '5m',
        description:
          'How long past its deletion deadline (metadata.deletionTimestamp, which already includes the grace period) the pod must still be there.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withNodes = snapshot.has('v1/Node')
    const withEvents = snapshot.has('v1/Event')
    for (const pod of podIndex(snapshot).deleting) {
      const deletion = pod.metadata.deletionTimestamp
      if (typeof deletion !== 'string') continue
      // The API server sets deletionTimestamp to the moment of deletion plus the grace period.
      const over = ageMs(deletion, now)
      if (over === undefined || over < min) continue

      const data: Record<string, string> = { for: humanDuration(over) }
      const evidence: Record<string, unknown> = { deletionTimestamp: deletion }
      const grace = pod.metadata.deletionGracePeriodSeconds
      if (typeof grace === 'number') evidence.gracePeriodSeconds = grace
      const finalizers = Array.isArray(pod.metadata.finalizers)
        ? pod.metadata.finalizers.filter((f): f is string => typeof f === 'string')
        : []
      if (finalizers.length) evidence.finalizers = finalizers
      const running: string[] = []
      forEachContainerStatus(pod, (s) => {
        if (s.state?.running) running.push(s.name)
      })
      if (running.length) evidence.runningContainers = running
      if (withEvents) {
        const e = lastEventWithReason(snapshot.eventsFor(pod), STOP_EVENTS)
        if (e) evidence.event = eventEvidence(e)
      }

      const nodeName: unknown = pod.spec?.nodeName
      data.node = typeof nodeName === 'string' && nodeName ? nodeName : 'none'
      let messageId = 'stuck'
      if (typeof nodeName === 'string' && nodeName && withNodes) {
        const node = snapshot.get('v1/Node', undefined, nodeName)
        const ready = node ? conditionOf(node, 'Ready') : undefined
        if (!node) {
          messageId = 'nodeGone'
          evidence.node = { name: nodeName, exists: false }
        } else if (ready?.status !== 'True') {
          messageId = 'nodeNotReady'
          evidence.node = {
            name: nodeName,
            ready: ready ? conditionEvidence(ready, now) : 'no Ready condition',
          }
        }
      }
      if (messageId === 'stuck' && finalizers.length) {
        messageId = 'finalizers'
        data.finalizers = finalizers.join(', ')
      }
      report({ object: pod, messageId, data, evidence })
    }
  },
})
