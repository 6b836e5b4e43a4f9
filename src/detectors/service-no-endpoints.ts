import { defineDetector } from '../detect/define.js'
import { humanDuration, parseDuration } from './lib/k8s.js'
import {
  ENDPOINT_KINDS,
  NODE,
  POD,
  SERVICE,
  TEMPLATE_KINDS,
  endpointsOf,
  explainNoEndpoints,
  isExternalName,
  selectorArg,
  serviceSelector,
  sinceNewest,
} from './lib/networking.js'

const MESSAGE: Record<string, string> = {
  noPods: 'noPods',
  notCreated: 'notCreated',
  podsNotReady: 'podsNotReady',
  stale: 'stale',
  scaledToZero: 'scaledToZero',
  unknown: 'noEndpoints',
}

export default defineDetector({
  meta: {
    id: 'service-no-endpoints',
    title: 'Service has no ready endpoint',
    description:
      'A Service forwards connections to the ready pods its selector matches (its endpoints). With none, every request to the Service fails at once ("connection refused", 503 from an ingress), although the Service itself looks fine. The cause is almost always one of two: the selector matches no pod (a typo, a label changed in a new version, the wrong namespace), or the pods exist but none passes its readiness probe.',
    severity: 'warning',
    category: 'networking',
    requires: [SERVICE],
    requiresAny: ENDPOINT_KINDS,
    optional: [POD, NODE, ...TEMPLATE_KINDS],
    messages: {
      noPods:
        'Service {{name}} has had no endpoint for {{for}}: its selector ({{selector}}) matches no pod in namespace {{namespace}}{{hint}}, so every connection to it fails.',
      notCreated:
        'Service {{name}} has had no endpoint for {{for}}: {{workloads}} should run the pods it selects ({{selector}}), but none exist; the workload cannot create them.',
      podsNotReady:
        'Service {{name}} has had no ready endpoint for {{for}}: none of its {{podCount}} pod(s) is ready ({{pods}}), so every connection to it fails.',
      stale:
        'Service {{name}} has listed no ready endpoint for {{for}} although the pods it selects are Ready ({{pods}}): the endpoint controller (kube-controller-manager) is lagging or failing.',
      scaledToZero:
        'Service {{name}} has had no endpoint for {{for}}: {{workloads}}, which run(s) the pods it selects ({{selector}}), is scaled to 0 replicas.',
      noEndpoints:
        'Service {{name}} has had no ready endpoint for {{for}} (selector {{selector}}): every connection to it fails.',
    },
    remediation:
      'See what the Service sends traffic to: `kubectl get endpointslices -n {{namespace}} -l kubernetes.io/service-name={{name}}` and `kubectl get pods -n {{namespace}} -l {{selectorArg}} -o wide`. If no pod matches, compare the selector with the pod labels (`kubectl get pods -n {{namespace}} --show-labels`) and fix whichever is wrong (`kubectl edit service {{name}} -n {{namespace}}`, better in Git). If pods match but are not ready, find out why: `kubectl describe pod <pod> -n {{namespace}}` (readiness probe, CrashLoopBackOff, Pending).',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/',
      'https://kubernetes.io/docs/tasks/debug/debug-application/debug-service/',
      'https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/',
    ],
    params: {
      minDuration: {
        default: '5m',
        description:
          'How long the Service must have been without a ready endpoint (since it was created, its endpoints last changed, or its pods last changed readiness) before the detector fires.',
      },
      ignoreScaledToZero: {
        default: true,
        description:
          'Stay quiet when every workload whose pods the Service selects is scaled to 0 replicas on purpose (dev environments at night, scale-to-zero autoscalers).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const ignoreZero = params.ignoreScaledToZero !== false && params.ignoreScaledToZero !== 'false'
    for (const svc of snapshot.list(SERVICE)) {
      // A rendered manifest has no status: its endpoints are not the live ones.
      if (!svc.status || isExternalName(svc)) continue
      const selector = serviceSelector(svc)
      if (!selector) continue
      const ns = svc.metadata.namespace ?? ''
      const eps = endpointsOf(snapshot, ns, svc.metadata.name)
      if (eps && eps.ready > 0) continue

      const why = explainNoEndpoints(snapshot, svc, selector)
      if (why.cause === 'scaledToZero' && ignoreZero) continue
      // The state began at the newest of these; a pod that just restarted is not yet news.
      const age = sinceNewest(now, svc.metadata.creationTimestamp, eps?.lastChange, ...why.readyChanges)
      if (age !== undefined && age < min) continue

      const messageId = MESSAGE[why.cause] ?? 'noEndpoints'
      report({
        object: svc,
        messageId,
        data: {
          ...why.data,
          for: age === undefined ? 'an unknown time' : humanDuration(age),
          selectorArg: selectorArg(selector),
        },
        evidence: {
          endpoints: eps
            ? {
                source: eps.source,
                ready: eps.ready,
                notReady: eps.notReady.length,
                terminating: eps.terminating,
                ...(eps.lastChange ? { lastChange: eps.lastChange } : {}),
              }
            : { source: 'none', ready: 0 },
          ...why.evidence,
        },
      })
    }
  },
})
