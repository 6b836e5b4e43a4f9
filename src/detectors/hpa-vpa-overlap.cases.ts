import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './hpa-vpa-overlap.js'
import { deployment, hpa } from './lib/fixtures.js'

function vpa(
  name: string,
  target: string,
  spec: Record<string, unknown> = {},
  namespace = 'default',
): KubeObject {
  return {
    apiVersion: 'autoscaling.k8s.io/v1',
    kind: 'VerticalPodAutoscaler',
    metadata: { name, namespace, uid: `uid-vpa-${namespace}-${name}` },
    spec: { targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, ...spec },
  }
}
const mode = (updateMode: string) => ({ updatePolicy: { updateMode } })
const requestsPerSecond = [
  {
    type: 'Pods',
    pods: {
      metric: { name: 'http_requests_per_second' },
      target: { type: 'AverageValue', averageValue: '100' },
    },
  },
]
const memoryMetric = [
  { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } },
]
const HPA_WEB = { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the VPA only recommends (updateMode Off)',
      objects: [...deployment('web'), hpa('web'), vpa('web', 'web', mode('Off'))],
    },
    {
      name: 'does not fire when the VPA sets requests only at pod creation (Initial)',
      objects: [...deployment('web'), hpa('web'), vpa('web', 'web', mode('Initial'))],
    },
    {
      name: 'does not fire when the HPA scales on requests per second',
      objects: [
        ...deployment('web'),
        hpa('web', { metrics: requestsPerSecond }),
        vpa('web', 'web', mode('Auto')),
      ],
    },
    {
      name: 'does not fire when the VPA controls only memory and the HPA scales on CPU',
      objects: [
        ...deployment('web'),
        hpa('web'),
        vpa('web', 'web', {
          ...mode('Auto'),
          resourcePolicy: { containerPolicies: [{ containerName: '*', controlledResources: ['memory'] }] },
        }),
      ],
    },
    {
      name: 'does not fire when the VPA targets another workload',
      objects: [...deployment('web'), ...deployment('api'), hpa('web'), vpa('api', 'api', mode('Auto'))],
    },
    {
      name: 'does not fire when the VPA turns every container off',
      objects: [
        ...deployment('web'),
        hpa('web'),
        vpa('web', 'web', { resourcePolicy: { containerPolicies: [{ containerName: '*', mode: 'Off' }] } }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when a VPA in Auto mode and a CPU HPA share a Deployment',
      objects: [...deployment('web'), hpa('web'), vpa('web-vpa', 'web', mode('Auto'))],
      findings: [
        {
          object: HPA_WEB,
          messageId: 'overlap',
          key: 'web-vpa',
          data: { vpa: 'web-vpa', mode: 'Auto', resources: 'cpu', target: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires when the VPA leaves updateMode unset (it defaults to Auto)',
      objects: [...deployment('web'), hpa('web', { metrics: memoryMetric }), vpa('web', 'web')],
      findings: [{ object: HPA_WEB, messageId: 'overlap', data: { mode: 'Auto', resources: 'memory' } }],
    },
    {
      name: 'fires in InPlaceOrRecreate mode',
      objects: [...deployment('web'), hpa('web'), vpa('web', 'web', mode('InPlaceOrRecreate'))],
      findings: [{ object: HPA_WEB, messageId: 'overlap', data: { mode: 'InPlaceOrRecreate' } }],
    },
    {
      name: 'fires when a VPA policy for one container controls CPU and other containers keep the defaults',
      objects: [
        ...deployment('web'),
        hpa('web'),
        vpa('web', 'web', {
          ...mode('Recreate'),
          resourcePolicy: { containerPolicies: [{ containerName: 'sidecar', mode: 'Off' }] },
        }),
      ],
      findings: [{ object: HPA_WEB, messageId: 'overlap', data: { resources: 'cpu' } }],
    },
  ],
  skip: [{ name: 'is skipped when VPAs were not collected', objects: [...deployment('web'), hpa('web')] }],
})
