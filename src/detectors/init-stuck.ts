import { defineDetector } from '../detect/define.js'
import {
  ageMs,
  conditionEvidence,
  conditionOf,
  containerSpecOf,
  humanDuration,
  isSidecar,
  parseDuration,
  stateEvidence,
  type ContainerStatus,
} from './lib/k8s.js'

// Waiting reasons that other detectors own: a crash loop (container-crashloop), image pulls
// (image-pull-failure) and containers that cannot be created (container-create-error).
const OWNED_ELSEWHERE = new Set([
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
  'PreCreateHookError',
  'PreStartHookError',
  'CrashLoopBackOff',
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'ImageInspectError',
  'RegistryUnavailable',
])

export default defineDetector({
  meta: {
    id: 'init-stuck',
    title: 'Pod is stuck in its init containers',
    description:
      'Init containers run one after another before the app containers start; usually they wait for a dependency (a database, a migration, a secret) or prepare files. When one never finishes, the pod stays in Init and the app never starts, without any crash to alert on.',
    severity: 'warning',
    category: 'pod',
    requires: ['v1/Pod'],
    messages: {
      running:
        'Pod {{name}} has been starting for {{for}}: init container {{container}} is still running, and the app cannot start until it finishes.',
      waiting:
        'Pod {{name}} has been starting for {{for}}: init container {{container}} cannot start ({{reason}}).',
      notStarted: 'Pod {{name}} has been starting for {{for}}: its init containers have not started.',
    },
    remediation:
      "See what the init container is doing: `kubectl logs {{name}} -n {{namespace}} -c <init container>` and `kubectl describe pod {{name}} -n {{namespace}}` (Init Containers, Events). Most init containers wait for something (a database, a Service, a file): check that it exists and is reachable from the pod's namespace, and give the wait a timeout so the pod fails visibly instead of hanging.",
    references: ['https://kubernetes.io/docs/concepts/workloads/pods/init-containers/'],
    params: {
      minDuration: {
        default: '10m',
        description: 'How long the pod must have been initializing before the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    for (const pod of snapshot.list('v1/Pod')) {
      if (pod.status?.phase !== 'Pending' || pod.metadata.deletionTimestamp) continue
      const cond = conditionOf(pod, 'Initialized')
      if (!cond || cond.status !== 'False') continue
      // No sandbox yet (network, runtime): pod-stuck-creating names that cause; no init container ran.
      if (conditionOf(pod, 'PodReadyToStartContainers')?.status === 'False') continue
      const age = ageMs(cond.lastTransitionTime, now)
      if (age !== undefined && age < min) continue

      const statuses: unknown = pod.status.initContainerStatuses
      const list = Array.isArray(statuses)
        ? (statuses as ContainerStatus[]).filter((s) => s && typeof s.name === 'string')
        : []
      if (list.some((s) => OWNED_ELSEWHERE.has(s.state?.waiting?.reason ?? ''))) continue
      const completed: string[] = []
      let stuck: ContainerStatus | undefined
      for (const s of list) {
        const done = isSidecar(containerSpecOf(pod.spec, s.name))
          ? s.started === true || !!s.state?.running
          : s.state?.terminated?.exitCode === 0
        if (done) completed.push(s.name)
        else {
          stuck = s
          break
        }
      }
      // A failed init container is restarted (and becomes a crash loop) or fails the pod: not "stuck".
      if (stuck?.state?.terminated) continue
      if (!stuck && list.length > 0) continue

      const data: Record<string, string> = { for: age === undefined ? 'an unknown time' : humanDuration(age) }
      let messageId = 'notStarted'
      if (stuck?.state?.running) messageId = 'running'
      else if (stuck) {
        messageId = 'waiting'
        data.reason = stuck.state?.waiting?.reason ?? 'no reason given'
      }
      if (stuck) data.container = stuck.name
      const evidence: Record<string, unknown> = { condition: conditionEvidence(cond, now) }
      if (stuck) {
        evidence.container = stuck.name
        evidence.state = stateEvidence(stuck.state)
        evidence.restartCount = stuck.restartCount ?? 0
      }
      if (completed.length) evidence.completed = completed
      report({ object: pod, messageId, data, evidence })
    }
  },
})
