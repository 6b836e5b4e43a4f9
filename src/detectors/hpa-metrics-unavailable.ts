import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import {
  ageMs,
  clip,
  conditionEvidence,
  conditionOf,
  eventEvidence,
  hpaConditionsOf,
  humanDuration,
  lastEventWithReason,
  parseDuration,
  scaleTargetOf,
} from './lib/k8s.js'

// Which aggregated API serves the metrics each failure reason is about.
const METRICS_API: Record<string, string[]> = {
  FailedGetResourceMetric: ['v1beta1.metrics.k8s.io'],
  FailedGetContainerResourceMetric: ['v1beta1.metrics.k8s.io'],
  FailedGetPodsMetric: ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'],
  FailedGetObjectMetric: ['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io'],
  FailedGetExternalMetric: ['v1beta1.external.metrics.k8s.io'],
}
// ScalingActive=False reasons other than FailedGet*Metric, with their messageId (ScalingDisabled is on purpose).
const OTHER_FAILURES: Record<string, string> = {
  InvalidSelector: 'invalidSelector',
  AmbiguousSelector: 'ambiguousSelector',
  InvalidMetricSourceType: 'invalidMetricSource',
}
// Targets whose pod templates hpa-missing-resource-requests reads: it owns "missing request" failures on them.
const TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'ReplicaSet'])
const MISSING_REQUEST = /missing request for/

export default defineDetector({
  meta: {
    id: 'hpa-metrics-unavailable',
    title: 'HPA cannot read its metrics',
    description:
      'A HorizontalPodAutoscaler adds and removes pods based on metrics (CPU, memory, requests per second…). When it cannot read them (ScalingActive=False), it stops scaling altogether and keeps the current number of pods, however high the load gets. The usual root cause is the metrics API (metrics-server, Prometheus Adapter, KEDA) being down or missing.',
    severity: 'warning',
    category: 'autoscaling',
    requires: ['autoscaling/v2/HorizontalPodAutoscaler'],
    optional: ['apiregistration.k8s.io/v1/APIService', 'v1/Event'],
    messages: {
      metricsApiDown:
        'HPA {{name}} has stopped scaling {{target}} for {{for}}: the metrics API {{api}} it reads from is unavailable ({{apiReason}}).',
      metricsApiMissing:
        'HPA {{name}} has stopped scaling {{target}} for {{for}}: no metrics API ({{api}}) is installed in the cluster to give it metrics.',
      metricUnavailable:
        'HPA {{name}} has stopped scaling {{target}} for {{for}}: it cannot read its metrics ({{reason}}), so the number of pods no longer follows the load.',
      invalidSelector:
        'HPA {{name}} has stopped scaling {{target}} for {{for}}: it cannot tell which pods belong to the target (the target has no usable label selector).',
      ambiguousSelector:
        'HPA {{name}} has stopped scaling {{target}} for {{for}}: another HPA scales the same pods, and two HPAs on the same pods block each other.',
      invalidMetricSource:
        'HPA {{name}} has stopped scaling {{target}} for {{for}}: one of its metrics is not valid.',
    },
    remediation:
      'See the error: `kubectl describe hpa {{name}} -n {{namespace}}` (Conditions, Events). Check the metrics API: `kubectl get apiservices | grep metrics` and `kubectl top pods -n {{namespace}}`; if metrics-server (or the Prometheus Adapter, KEDA) is down, look at its pods and logs in kube-system or monitoring. For custom or external metrics, check that the metric name and selector exist. For AmbiguousSelector, make sure only one HPA targets these pods (`kubectl get hpa -n {{namespace}}`).',
    references: [
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#support-for-resource-metrics',
      'https://github.com/kubernetes-sigs/metrics-server#requirements',
    ],
    params: {
      minDuration: {
        default: '5m',
        description:
          'How long ScalingActive must have been False before the detector fires (new pods briefly have no metrics).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withApis = snapshot.has('apiregistration.k8s.io/v1/APIService')
    const withEvents = snapshot.has('v1/Event')
    for (const hpa of snapshot.list('autoscaling/v2/HorizontalPodAutoscaler')) {
      const c = hpaConditionsOf(hpa).find((x) => x.type === 'ScalingActive')
      if (!c || c.status !== 'False' || !c.reason) continue
      const reason = c.reason
      const isMetric = reason.startsWith('FailedGet') && reason.endsWith('Metric')
      if (!isMetric && !(reason in OTHER_FAILURES)) continue
      const age = ageMs(c.lastTransitionTime, now)
      if (age !== undefined && age < min) continue
      const targetKind: unknown = hpa.spec?.scaleTargetRef?.kind
      if (
        MISSING_REQUEST.test(c.message ?? '') &&
        typeof targetKind === 'string' &&
        TEMPLATE_KINDS.has(targetKind)
      )
        continue

      const data: Record<string, string> = {
        target: scaleTargetOf(hpa),
        reason,
        for: age === undefined ? 'an unknown time' : humanDuration(age),
      }
      const evidence: Record<string, unknown> = {
        condition: conditionEvidence({ ...c, message: clip(c.message) }, now),
      }
      let messageId = isMetric ? 'metricUnavailable' : (OTHER_FAILURES[reason] as string)

      const apis = METRICS_API[reason]
      if (apis && withApis) {
        let found: KubeObject | undefined
        for (const name of apis) {
          found = snapshot.get('apiregistration.k8s.io/v1/APIService', undefined, name)
          if (found) break
        }
        if (!found) {
          messageId = 'metricsApiMissing'
          data.api = apis[0] as string
          evidence.apiService = { name: apis[0], registered: false }
        } else {
          const avail = conditionOf(found, 'Available')
          if (avail && avail.status !== 'True') {
            messageId = 'metricsApiDown'
            data.api = found.metadata.name
            data.apiReason = avail.reason ?? 'no reason given'
            evidence.apiService = {
              name: found.metadata.name,
              condition: conditionEvidence({ ...avail, message: clip(avail.message) }, now),
            }
          }
        }
      }
      if (withEvents) {
        const e = lastEventWithReason(snapshot.eventsFor(hpa), ['FailedComputeMetricsReplicas', reason])
        if (e) evidence.event = eventEvidence(e)
      }
      report({ object: hpa, messageId, data, evidence })
    }
  },
})
