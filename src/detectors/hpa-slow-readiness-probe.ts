import { defineDetector } from '../detect/define.js'
import {
  HPA,
  TARGET_KINDS,
  hpaNames,
  refText,
  runningContainers,
  scaledWorkloads,
} from './lib/autoscaling.js'

// Kubernetes defaults for probe timing.
const DEFAULT_PERIOD = 10
const DEFAULT_SUCCESS = 1

const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d)

export default defineDetector({
  meta: {
    id: 'hpa-slow-readiness-probe',
    title: 'Readiness probe of a workload scaled by an HPA delays new pods',
    description:
      'A new pod receives traffic only once its readiness probe succeeds. A long initialDelaySeconds holds every new pod out of service for that long even if the application is up in two seconds, and a long periodSeconds (times successThreshold) adds up to that much again after the application is ready. For a workload an HPA scales, this delay comes on top of scheduling and image pulls, each time the load rises. (failureThreshold only delays taking a pod out of service, not putting it in.)',
    severity: 'info',
    category: 'autoscaling',
    requires: [HPA],
    requiresAny: TARGET_KINDS,
    messages: {
      initialDelay:
        'The {{probe}} probe of container {{container}} in {{target}}, scaled by HPA {{hpa}}, waits {{seconds}}s (initialDelaySeconds) before its first check: every pod the HPA adds stays out of service at least that long.',
      slowPeriod:
        'The readiness probe of container {{container}} in {{target}}, scaled by HPA {{hpa}}, checks every {{period}}s and needs {{success}} success(es) in a row: a new pod can wait up to {{seconds}}s after it is able to serve before it gets traffic.',
    },
    remediation:
      "Probe early and often, and let a startupProbe cover slow starts: on container {{container}} of {{target}} drop initialDelaySeconds (or keep it to a few seconds), set `periodSeconds: 5` and `successThreshold: 1` on the readiness probe, and if the application needs long to start, add `startupProbe: {httpGet: ..., periodSeconds: 2, failureThreshold: 60}` so the pod is checked every 2 seconds until it is up. See the current values: `kubectl get {{targetKind}} {{targetName}} -n {{namespace}} -o jsonpath='{.spec.template.spec.containers[*].readinessProbe}'`.",
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#configure-probes',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#when-should-you-use-a-startup-probe',
    ],
    params: {
      maxInitialDelay: {
        default: 30,
        description:
          'Seconds of initialDelaySeconds (readiness or startup probe) above which the detector fires.',
      },
      maxProbeInterval: {
        default: 30,
        description:
          'Seconds of periodSeconds × successThreshold of the readiness probe above which the detector fires.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const maxDelay = Number(params.maxInitialDelay)
    const maxInterval = Number(params.maxProbeInterval)
    for (const w of scaledWorkloads(snapshot)) {
      if (!w.spec) continue
      for (const { name, c, sidecar } of runningContainers(w.spec)) {
        if (sidecar) continue
        const base = {
          container: name,
          target: refText(w.target),
          targetKind: w.target.kind.toLowerCase(),
          targetName: w.target.metadata.name,
          hpa: hpaNames(w.hpas),
        }
        const readiness =
          c.readinessProbe && typeof c.readinessProbe === 'object' ? c.readinessProbe : undefined
        const startup = c.startupProbe && typeof c.startupProbe === 'object' ? c.startupProbe : undefined
        let done = false
        for (const [probe, p] of [
          ['startup', startup],
          ['readiness', readiness],
        ] as const) {
          const delay = num(p?.initialDelaySeconds, 0)
          if (!p || delay <= maxDelay) continue
          report({
            object: w.target,
            key: name,
            messageId: 'initialDelay',
            data: { ...base, probe, seconds: delay },
            evidence: { container: name, [`${probe}Probe`]: p },
          })
          done = true
          break
        }
        if (done || !readiness) continue
        const period = num(readiness.periodSeconds, DEFAULT_PERIOD)
        const success = num(readiness.successThreshold, DEFAULT_SUCCESS)
        if (period * success <= maxInterval) continue
        report({
          object: w.target,
          key: name,
          messageId: 'slowPeriod',
          data: { ...base, period, success, seconds: period * success },
          evidence: { container: name, readinessProbe: readiness },
        })
      }
    }
  },
})
