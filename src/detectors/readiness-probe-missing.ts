import { defineDetector } from '../detect/define.js'
import { isLongRunning, kindName, serviceNames, servicesFor, servingContainers } from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'readiness-probe-missing',
    title: 'Container behind a Service has no readiness probe',
    description:
      'Without a readiness probe, Kubernetes counts a container as ready the moment its process starts, and its Service sends it traffic at once: before the app has loaded its configuration, warmed its caches or opened its port. Every rollout, restart and scale-up then fails some requests, and a container that stops answering stays in the Service until it crashes.',
    severity: 'warning',
    category: 'reliability',
    requires: ['v1/Service'],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      missing:
        'Container {{container}} of {{workload}} receives traffic from Service {{services}} but has no readiness probe: it gets requests as soon as it starts, before it can answer them, and keeps getting them if it hangs.',
    },
    remediation:
      'Add a `readinessProbe` to container {{container}} in the pod template of {{workload}}, checking an endpoint that answers only when the app can serve (for example `httpGet: {path: /ready, port: http}`, `periodSeconds: 5`). Check what is set with `kubectl describe {{workload}} -n {{namespace}}` (a `Readiness:` line per container), then watch the next rollout with `kubectl rollout status {{workload}} -n {{namespace}}` and `kubectl get endpointslices -n {{namespace}} -l kubernetes.io/service-name={{firstService}}`.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes',
    ],
  },
  detect({ snapshot, report }) {
    for (const t of podTemplates(snapshot)) {
      if (!isLongRunning(t)) continue
      const services = servicesFor(snapshot, t)
      if (services.length === 0) continue
      for (const { c, name } of servingContainers(t.spec, services)) {
        // A startup probe also keeps a starting container out of its Services until it succeeds.
        if (c.readinessProbe && typeof c.readinessProbe === 'object') continue
        if (c.startupProbe && typeof c.startupProbe === 'object') continue
        const evidence: Record<string, unknown> = {
          container: name,
          services: services.map((s) => ({ name: s.metadata.name, ports: s.spec?.ports })),
        }
        if (Array.isArray(c.ports)) evidence.ports = c.ports
        if (c.livenessProbe) evidence.livenessProbe = 'set'
        report({
          object: t.owner,
          messageId: 'missing',
          key: name,
          data: {
            container: name,
            workload: kindName(t.owner),
            services: serviceNames(services),
            firstService: services[0]!.metadata.name,
          },
          evidence,
        })
      }
    }
  },
})
