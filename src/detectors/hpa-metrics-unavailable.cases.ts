import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './hpa-metrics-unavailable.js'
import { apiService, conditionList, event, hpa, type CondSpec } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const ABLE: CondSpec = ['True', 'ReadyForNewScale', '2026-02-01T00:00:00Z']

function withScalingActive(active: CondSpec, extra: Record<string, CondSpec> = {}, name = 'web'): KubeObject {
  return hpa(name, {
    status: {
      currentReplicas: 2,
      desiredReplicas: 2,
      conditions: conditionList({ AbleToScale: ABLE, ScalingActive: active, ...extra }),
    },
  })
}
const RESOURCE_FAILURE: CondSpec = [
  'False',
  'FailedGetResourceMetric',
  '2026-03-01T11:00:00Z',
  'the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: unable to fetch metrics from resource metrics API: the server is currently unable to handle the request (get pods.metrics.k8s.io)',
]
const metricsDown = apiService('v1beta1.metrics.k8s.io', [
  'False',
  'FailedDiscoveryCheck',
  '2026-03-01T10:58:00Z',
  'failing or missing response from https://10.96.12.4:443/apis/metrics.k8s.io/v1beta1: context deadline exceeded',
])

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on an HPA that reads its metrics',
      now: NOW,
      objects: [withScalingActive(['True', 'ValidMetricFound', '2026-02-01T00:00:00Z'])],
    },
    {
      name: 'does not fire when TooFewReplicas at minReplicas',
      now: NOW,
      objects: [
        withScalingActive(['True', 'ValidMetricFound', '2026-02-01T00:00:00Z'], {
          ScalingLimited: [
            'True',
            'TooFewReplicas',
            '2026-02-01T00:00:00Z',
            'the desired replica count is less than the minimum replica count',
          ],
        }),
      ],
    },
    {
      name: 'does not fire on an HPA whose target was scaled to zero (ScalingDisabled)',
      now: NOW,
      objects: [
        withScalingActive([
          'False',
          'ScalingDisabled',
          '2026-02-01T00:00:00Z',
          'scaling is disabled since the replica count of the target is zero',
        ]),
      ],
    },
    {
      name: 'does not fire yet when the metrics have been missing for three minutes',
      now: NOW,
      objects: [
        withScalingActive([
          'False',
          'FailedGetResourceMetric',
          '2026-03-01T11:57:00Z',
          'did not receive metrics for targeted pods',
        ]),
      ],
    },
    {
      name: 'does not fire on a missing container request (hpa-missing-resource-requests covers that)',
      now: NOW,
      objects: [
        withScalingActive([
          'False',
          'FailedGetResourceMetric',
          '2026-03-01T11:00:00Z',
          'the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod web-7d9f8b6c5d-x2x4z',
        ]),
      ],
    },
    { name: 'does not fire on a rendered HPA without status', now: NOW, objects: [hpa('web')] },
  ],
  invalid: [
    {
      name: 'fires with metricsApiDown when metrics-server is unavailable',
      now: NOW,
      objects: [withScalingActive(RESOURCE_FAILURE), metricsDown],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'metricsApiDown',
          data: {
            api: 'v1beta1.metrics.k8s.io',
            apiReason: 'FailedDiscoveryCheck',
            target: 'Deployment/web',
            for: '1h',
          },
        },
      ],
    },
    {
      name: 'fires with metricsApiMissing when no resource metrics API is registered',
      now: NOW,
      objects: [
        withScalingActive(RESOURCE_FAILURE),
        apiService('v1beta1.custom.metrics.k8s.io', ['True', 'Passed', '2026-02-01T00:00:00Z']),
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'metricsApiMissing',
          data: { api: 'v1beta1.metrics.k8s.io' },
        },
      ],
    },
    {
      name: 'fires with metricUnavailable when APIServices were not collected',
      now: NOW,
      objects: [
        withScalingActive(RESOURCE_FAILURE),
        event(
          withScalingActive(RESOURCE_FAILURE),
          'FailedComputeMetricsReplicas',
          'invalid metrics (1 invalid out of 1)',
          {
            at: '2026-03-01T11:59:00Z',
            count: 200,
          },
        ),
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'metricUnavailable',
          data: { reason: 'FailedGetResourceMetric' },
        },
      ],
    },
    {
      name: 'fires with metricUnavailable when the external metrics API is up but the metric is missing',
      now: NOW,
      objects: [
        withScalingActive([
          'False',
          'FailedGetExternalMetric',
          '2026-03-01T11:30:00Z',
          'the HPA was unable to compute the replica count: unable to get external metric default/queue_depth/&LabelSelector{}: no metrics returned from external metrics API',
        ]),
        apiService('v1beta1.external.metrics.k8s.io', ['True', 'Passed', '2026-02-01T00:00:00Z']),
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'metricUnavailable',
          data: { reason: 'FailedGetExternalMetric', for: '30m' },
        },
      ],
    },
    {
      name: 'fires with ambiguousSelector on both HPAs that target the same pods',
      now: NOW,
      objects: ['web', 'web-2'].map((name) =>
        withScalingActive(
          [
            'False',
            'AmbiguousSelector',
            '2026-03-01T11:00:00Z',
            'pods by selector app=web are controlled by multiple HPAs: [default/web default/web-2]',
          ],
          {},
          name,
        ),
      ),
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'ambiguousSelector',
        },
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web-2' },
          messageId: 'ambiguousSelector',
        },
      ],
    },
    {
      name: "fires with invalidSelector when the target's scale has no selector",
      now: NOW,
      objects: [
        withScalingActive([
          'False',
          'InvalidSelector',
          '2026-03-01T11:00:00Z',
          "the HPA target's scale is missing a selector",
        ]),
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'invalidSelector',
        },
      ],
    },
    {
      name: 'fires with invalidMetricSource on a metric type the controller does not know',
      now: NOW,
      objects: [
        withScalingActive([
          'False',
          'InvalidMetricSourceType',
          '2026-03-01T11:00:00Z',
          'the HPA was unable to compute the replica count: unknown metric source type "Foo"',
        ]),
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'invalidMetricSource',
        },
      ],
    },
    {
      name: 'reads the conditions an autoscaling/v1 HPA keeps in an annotation',
      now: NOW,
      objects: [
        {
          apiVersion: 'autoscaling/v1',
          kind: 'HorizontalPodAutoscaler',
          metadata: {
            name: 'legacy',
            namespace: 'default',
            annotations: {
              'autoscaling.alpha.kubernetes.io/conditions': JSON.stringify(
                conditionList({ AbleToScale: ABLE, ScalingActive: RESOURCE_FAILURE }),
              ),
            },
          },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'legacy' },
            maxReplicas: 5,
            targetCPUUtilizationPercentage: 70,
          },
          status: { currentReplicas: 1, desiredReplicas: 1 },
        },
        metricsDown,
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'legacy' },
          messageId: 'metricsApiDown',
          data: { target: 'Deployment/legacy' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when HPAs were not collected',
      objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } }],
    },
  ],
})
