import { defineDetector } from '../detect/define.js'
import {
  HPA,
  TARGET_KINDS,
  hpaNames,
  refText,
  scaledWorkloads,
  servicesSelecting,
  servingContainers,
} from './lib/autoscaling.js'

const SERVICE = 'v1/Service'
const DEFAULT_GRACE = 30
// `sleep 5`, `/bin/sh -c "sleep 5 && nginx -s quit"`, `sleep 5s`.
const SLEEP = /(?:^|[\s;&|/])sleep\s+(\d+(?:\.\d+)?)s?(?:\s|$|;|&)/

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

/** How long a container's preStop hook waits, in seconds; 0 for a hook of unknown length, undefined without a hook. */
function preStopSeconds(c: Loose): number | undefined {
  const h = c?.lifecycle?.preStop
  if (!h || typeof h !== 'object') return undefined
  if (typeof h.sleep?.seconds === 'number') return h.sleep.seconds
  const cmd: unknown = h.exec?.command
  if (Array.isArray(cmd)) {
    const m = SLEEP.exec(cmd.filter((x) => typeof x === 'string').join(' '))
    if (m) return Number(m[1])
  }
  return 0
}

export default defineDetector({
  meta: {
    id: 'hpa-scaled-without-graceful-shutdown',
    title: 'Workload scaled by an HPA does not shut down gracefully',
    description:
      "Every scale-down of an HPA deletes pods that are serving traffic. The pod is removed from the Service's endpoints at the same moment it is told to stop, and the load balancers, kube-proxy and ingress controllers learn of it a few seconds later: a container that exits at once on SIGTERM drops the requests still in flight and still being sent to it. A preStop hook that waits a few seconds (`sleep`), within a terminationGracePeriodSeconds long enough for the hook plus the application's own drain, lets scale-downs happen without errors.",
    severity: 'info',
    category: 'autoscaling',
    requires: [HPA, SERVICE],
    requiresAny: TARGET_KINDS,
    messages: {
      graceZero:
        '{{target}}, scaled by HPA {{hpa}} and behind Service {{service}}, has terminationGracePeriodSeconds 0: every scale-down kills its pods instantly, dropping the requests they are serving.',
      noPreStop:
        'Container {{container}} of {{target}}, scaled by HPA {{hpa}} and behind Service {{service}}, has no preStop hook: on each scale-down its pods stop before the Service stops sending them requests, and those requests fail.',
      graceTooShort:
        'Container {{container}} of {{target}}, scaled by HPA {{hpa}}, waits {{sleep}}s in its preStop hook but the pod only gets {{grace}}s to stop: the kubelet kills it before the hook ends, so in-flight requests are dropped at each scale-down.',
    },
    remediation:
      "Give the pods of {{target}} time to leave the load balancers before they stop: add `lifecycle: {preStop: {sleep: {seconds: 5}}}` to container {{container}} (Kubernetes 1.30+, or `exec: {command: [sleep, '5']}` where the image has `sleep`), make the application finish in-flight requests on SIGTERM, and keep `terminationGracePeriodSeconds` above the hook plus that drain time (default 30). Check: `kubectl get {{targetKind}} {{targetName}} -n {{namespace}} -o jsonpath='{.spec.template.spec.terminationGracePeriodSeconds} {.spec.template.spec.containers[*].lifecycle}'`.",
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
      'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/',
    ],
  },
  detect({ snapshot, report }) {
    for (const w of scaledWorkloads(snapshot)) {
      if (!w.spec) continue
      const selecting = servicesSelecting(snapshot, w.namespace, w.labels)
      if (selecting.length === 0) continue
      const serving = servingContainers(w.spec)
      if (serving.length === 0) continue
      const rawGrace: unknown = w.spec.terminationGracePeriodSeconds
      const grace = typeof rawGrace === 'number' ? rawGrace : DEFAULT_GRACE
      const base = {
        target: refText(w.target),
        targetKind: w.target.kind.toLowerCase(),
        targetName: w.target.metadata.name,
        hpa: hpaNames(w.hpas),
        service: selecting[0]!.metadata.name,
      }
      if (grace === 0) {
        report({
          object: w.target,
          key: 'grace',
          messageId: 'graceZero',
          data: { ...base, container: serving[0]!.name },
          evidence: { terminationGracePeriodSeconds: 0, service: base.service },
        })
        continue
      }
      const hooks = serving.map((s) => ({ s, sleep: preStopSeconds(s.c) }))
      if (hooks.every((h) => h.sleep === undefined)) {
        report({
          object: w.target,
          key: 'preStop',
          messageId: 'noPreStop',
          data: { ...base, container: serving.map((s) => s.name).join(', ') },
          evidence: {
            terminationGracePeriodSeconds: grace,
            containers: serving.map((s) => ({ name: s.name, preStop: 'none' })),
            service: base.service,
          },
        })
        continue
      }
      for (const { s, sleep } of hooks) {
        if (sleep === undefined || sleep === 0 || sleep < grace) continue
        report({
          object: w.target,
          key: s.name,
          messageId: 'graceTooShort',
          data: { ...base, container: s.name, sleep, grace },
          evidence: {
            terminationGracePeriodSeconds: grace,
            container: { name: s.name, preStop: s.c.lifecycle.preStop },
          },
        })
      }
    }
  },
})
