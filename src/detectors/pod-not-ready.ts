import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import {
  ageMs,
  clip,
  conditionEvidence,
  conditionOf,
  eventEvidence,
  humanDuration,
  parseDuration,
  stateEvidence,
  type ContainerStatus,
} from './lib/k8s.js'
import { podIndex, waitingOwnedElsewhere } from './lib/pods-workloads.js'

const PROBE_FAILED = /^(Readiness|Startup|Liveness) probe (?:failed|errored)[:\s]*(.*)$/s
const FIELD_CONTAINER = /\{([^}]+)\}/

interface ProbeFailure {
  event: KubeObject
  probe: string
  container: string | undefined
  detail: string
}

// The newest readiness or startup probe failure among the pod's events (liveness kills are another story).
function lastProbeFailure(events: readonly KubeObject[]): ProbeFailure | undefined {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i] as Record<string, unknown>
    if (e.reason !== 'Unhealthy' || typeof e.message !== 'string') continue
    const m = PROBE_FAILED.exec(e.message)
    if (!m || m[1] === 'Liveness') continue
    const fieldPath = (e.involvedObject as { fieldPath?: unknown } | undefined)?.fieldPath
    const c = typeof fieldPath === 'string' ? FIELD_CONTAINER.exec(fieldPath) : null
    return {
      event: events[i] as KubeObject,
      probe: (m[1] as string).toLowerCase(),
      container: c?.[1],
      detail: clip((m[2] as string).trim(), 200) || 'no output',
    }
  }
  return undefined
}

export default defineDetector({
  meta: {
    id: 'pod-not-ready',
    title: 'Pod is running but not ready',
    description:
      'The pod runs, but Kubernetes does not count it as ready: a readiness probe keeps failing, or a readiness gate is unmet. Services send it no traffic, so the workload runs with less capacity than it seems, and a rollout or a PodDisruptionBudget may be blocked by it.',
    severity: 'warning',
    category: 'pod',
    requires: ['v1/Pod'],
    optional: ['v1/Event', 'v1/Node'],
    messages: {
      probe:
        'Pod {{name}} has been running but not ready for {{for}}: the {{probe}} probe of container {{container}} keeps failing ({{detail}}). Services send it no traffic.',
      readinessGate:
        'Pod {{name}} has been running but not ready for {{for}}: its readiness gate {{gate}} is not satisfied, so the controller that owns the gate (often a load balancer controller) has not marked it ready.',
      containers:
        'Pod {{name}} has been running but not ready for {{for}}: container {{containers}} is not ready, and no probe failure is recorded in the snapshot.',
    },
    remediation:
      "See which check fails: `kubectl describe pod {{name}} -n {{namespace}}` (Conditions, Readiness, Events: Unhealthy). Test the endpoint the probe calls from inside the pod, e.g. `kubectl exec {{name}} -n {{namespace}} -- wget -qO- localhost:<port>/<path>`, and read `kubectl logs {{name}} -n {{namespace}}`. Fix the app or its dependency (a database, a downstream service), or correct the probe's port, path or timeouts if the probe itself is wrong. For a readiness gate, check the controller that sets it (`kubectl get pod {{name}} -n {{namespace}} -o jsonpath='{.status.conditions}'`).",
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-conditions',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-readiness-gate',
    ],
    params: {
      minDuration: {
        default: '15m',
        description: 'How long the pod must have been not ready before the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withEvents = snapshot.has('v1/Event')
    const withNodes = snapshot.has('v1/Node')
    for (const pod of podIndex(snapshot).notReady) {
      if (pod.status?.phase !== 'Running' || pod.metadata.deletionTimestamp) continue
      const ready = conditionOf(pod, 'Ready')
      if (!ready || ready.status === 'True' || ready.reason === 'PodCompleted') continue
      const age = ageMs(ready.lastTransitionTime, now)
      if (age !== undefined && age < min) continue
      // Crash loops, image pulls and create errors have detectors of their own.
      if (waitingOwnedElsewhere(pod)) continue
      // A down node marks all its pods not ready: node-not-ready reports the node once, rather than
      // every workload with a pod on it (DaemonSet pods stay there until the node returns).
      const nodeName: unknown = pod.spec?.nodeName
      if (withNodes && typeof nodeName === 'string') {
        const node = snapshot.get('v1/Node', undefined, nodeName)
        if (node && conditionOf(node, 'Ready')?.status !== 'True') continue
      }

      const data: Record<string, string> = { for: age === undefined ? 'an unknown time' : humanDuration(age) }
      const evidence: Record<string, unknown> = { ready: conditionEvidence(ready, now) }
      const containersReady = conditionOf(pod, 'ContainersReady')
      if (containersReady) evidence.containersReady = conditionEvidence(containersReady, now)

      const notReady: ContainerStatus[] = []
      const statuses: unknown = pod.status.containerStatuses
      if (Array.isArray(statuses))
        for (const s of statuses as ContainerStatus[])
          if (s && typeof s.name === 'string' && s.ready !== true) notReady.push(s)
      if (notReady.length)
        evidence.notReadyContainers = notReady.map((s) => ({
          name: s.name,
          started: s.started ?? null,
          restartCount: s.restartCount ?? 0,
          state: stateEvidence(s.state),
        }))

      const gates: string[] = []
      const specGates: unknown = pod.spec?.readinessGates
      if (Array.isArray(specGates))
        for (const g of specGates) {
          const type = (g as { conditionType?: unknown })?.conditionType
          if (typeof type === 'string' && conditionOf(pod, type)?.status !== 'True') gates.push(type)
        }
      if (gates.length) evidence.unmetReadinessGates = gates

      const probe = withEvents ? lastProbeFailure(snapshot.eventsFor(pod)) : undefined

      let messageId: string
      if (probe) {
        messageId = 'probe'
        data.probe = probe.probe
        data.container = probe.container ?? notReady[0]?.name ?? 'unknown'
        data.detail = probe.detail
        evidence.event = eventEvidence(probe.event)
      } else if (gates.length && notReady.length === 0) {
        messageId = 'readinessGate'
        data.gate = gates.join(', ')
      } else {
        messageId = 'containers'
        data.containers = notReady.length ? notReady.map((s) => s.name).join(', ') : 'unknown'
      }
      report({ object: pod, messageId, data, evidence })
    }
  },
})
