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

export default defineDetector({
  meta: {
    id: 'hpa-scaled-without-readiness',
    title: 'Workload scaled by an HPA has no readiness probe',
    description:
      'Without a readiness probe (or a startup probe), Kubernetes marks a pod ready as soon as its containers start, and Services send it traffic at once, before the application has loaded its configuration, warmed its caches or opened its connections. For a workload an HPA scales this happens exactly when load is high: each new pod fails or slows the requests it receives in its first seconds, so a scale-up meant to relieve the pods causes errors of its own.',
    severity: 'warning',
    category: 'autoscaling',
    requires: [HPA],
    requiresAny: TARGET_KINDS,
    optional: [SERVICE],
    messages: {
      noReadiness:
        'Container {{container}} of {{target}}, scaled by HPA {{hpa}}, has no readiness probe: each pod the HPA adds gets traffic as soon as it starts, before it can serve, so scale-ups under load turn into errors.',
    },
    remediation:
      "Add a readinessProbe to container {{container}} of {{target}} that succeeds only when the application can serve (an HTTP health endpoint that checks its dependencies, or a TCP port once listening), e.g. `readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5}`; use a startupProbe as well for slow starters. Check the template: `kubectl get {{targetKind}} {{targetName}} -n {{namespace}} -o jsonpath='{.spec.template.spec.containers[*].readinessProbe}'`, and after the rollout watch new pods become Ready: `kubectl get pods -n {{namespace}} -w`.",
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes',
    ],
  },
  detect({ snapshot, report }) {
    const withServices = snapshot.has(SERVICE)
    for (const w of scaledWorkloads(snapshot)) {
      if (!w.spec) continue
      // Containers that declare no port beside one that does (a log shipper) serve nothing.
      const missing = servingContainers(w.spec).filter(({ c }) => !c.readinessProbe && !c.startupProbe)
      if (missing.length === 0) continue
      // Pods no Service selects (queue workers) get no traffic to spoil.
      if (withServices && servicesSelecting(snapshot, w.namespace, w.labels).length === 0) continue
      for (const { name, c } of missing)
        report({
          object: w.target,
          key: name,
          messageId: 'noReadiness',
          data: {
            container: name,
            target: refText(w.target),
            targetKind: w.target.kind.toLowerCase(),
            targetName: w.target.metadata.name,
            hpa: hpaNames(w.hpas),
          },
          evidence: {
            container: {
              name,
              ports: c.ports,
              livenessProbe: c.livenessProbe ? 'set' : 'none',
              readinessProbe: 'none',
            },
            hpa: hpaNames(w.hpas),
          },
        })
    }
  },
})
