import { defineDetector } from '../detect/define.js'
import {
  DEFAULT_GRACE_SECONDS,
  EXCLUDE_NAMESPACES_PARAM,
  excludedNamespaces,
  hasPreStop,
  isLongRunning,
  kindName,
  preStopSleepSeconds,
  serviceNames,
  servicesFor,
  servingContainers,
} from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'graceful-shutdown-missing',
    title: 'Service-backed container does not shut down gracefully',
    description:
      'When a pod is deleted (a rollout, a scale-down, a node drain), the kubelet sends SIGTERM at the same moment as the endpoints controller starts removing the pod from its Services; kube-proxy, ingress controllers and load balancers catch up a few seconds later. A container that exits at once on SIGTERM drops the requests still routed to it, so every rollout shows a burst of 502s and connection resets. A preStop hook that waits a few seconds, within a grace period long enough to finish in-flight requests, closes the gap.',
    severity: 'info',
    category: 'reliability',
    requires: ['v1/Service'],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      noPreStop:
        'Container {{container}} of {{workload}} serves Service {{services}} but has no preStop hook: when a pod is deleted it gets SIGTERM while still receiving traffic, so in-flight and new requests fail during every rollout.',
      graceZero:
        '{{workload}} sets terminationGracePeriodSeconds to 0: its pods are killed at once, without SIGTERM or preStop, dropping every request in flight to Service {{services}}.',
      graceTooShort:
        'The preStop hook of container {{container}} of {{workload}} waits {{preStop}}s, but the grace period is only {{grace}}s: the container is killed before it can finish its requests after the wait.',
    },
    remediation:
      'Give the serving container of {{workload}} a preStop hook that waits while load balancers stop sending traffic (`lifecycle: {preStop: {sleep: {seconds: 5}}}` from Kubernetes 1.30, or `exec: {command: ["sleep", "5"]}` if the image has a shell), make the app finish in-flight requests on SIGTERM, and keep `terminationGracePeriodSeconds` (default 30) longer than the wait plus the longest request. Check with `kubectl get {{workload}} -n {{namespace}} -o yaml | grep -E "terminationGracePeriodSeconds|preStop" -A3`.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
      'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/',
      'https://kubernetes.io/docs/tutorials/services/pods-and-endpoint-termination-flow/',
    ],
    params: { excludeNamespaces: EXCLUDE_NAMESPACES_PARAM },
  },
  detect({ snapshot, report, params }) {
    const excluded = excludedNamespaces(params)
    for (const t of podTemplates(snapshot)) {
      if (excluded.has(t.namespace) || !isLongRunning(t)) continue
      const services = servicesFor(snapshot, t)
      if (services.length === 0) continue
      const workload = kindName(t.owner)
      const svcNames = serviceNames(services)
      const raw = t.spec.terminationGracePeriodSeconds
      const grace = typeof raw === 'number' && Number.isFinite(raw) ? raw : DEFAULT_GRACE_SECONDS
      if (grace === 0) {
        report({
          object: t.owner,
          messageId: 'graceZero',
          key: 'terminationGracePeriodSeconds',
          data: { workload, services: svcNames, grace },
          evidence: { terminationGracePeriodSeconds: 0, services: services.map((s) => s.metadata.name) },
        })
        continue
      }
      for (const { c, name } of servingContainers(t.spec, services)) {
        const data = { workload, services: svcNames, container: name, grace }
        if (!hasPreStop(c)) {
          report({
            object: t.owner,
            messageId: 'noPreStop',
            key: name,
            data,
            evidence: {
              container: name,
              terminationGracePeriodSeconds: raw ?? `${DEFAULT_GRACE_SECONDS} (default)`,
            },
          })
          continue
        }
        const sleep = preStopSleepSeconds(c)
        if (sleep === undefined || sleep < grace) continue
        report({
          object: t.owner,
          messageId: 'graceTooShort',
          key: name,
          data: { ...data, preStop: sleep },
          evidence: {
            container: name,
            preStop: c.lifecycle.preStop,
            terminationGracePeriodSeconds: raw ?? `${DEFAULT_GRACE_SECONDS} (default)`,
          },
        })
      }
    }
  },
})
