import { defineCases } from '../detect/cases.js'
import detector from './hpa-burstable-spike-risk.js'
import { fxContainer, fxWorkload } from './lib/autoscaling.js'
import { hpa } from './lib/fixtures.js'

const res = (requests: Record<string, string>, limits: Record<string, string>) => ({
  resources: { requests, limits },
})
const web = (...containers: Record<string, unknown>[]) => fxWorkload('web', { podSpec: { containers } })
const memoryMetric = [
  { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 70 } } },
]
const HPA_WEB = { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the CPU limit is twice the request',
      objects: [...web(fxContainer(res({ cpu: '500m' }, { cpu: '1' }))), hpa('web')],
    },
    {
      name: 'does not fire just below the ratio (3.9 times)',
      objects: [...web(fxContainer(res({ cpu: '100m' }, { cpu: '390m' }))), hpa('web')],
    },
    {
      name: 'does not fire without a CPU limit (no burst ceiling to compare)',
      objects: [...web(fxContainer({ resources: { requests: { cpu: '100m' } } })), hpa('web')],
    },
    {
      name: 'does not fire when the HPA scales on an absolute value, not utilization',
      objects: [
        ...web(fxContainer(res({ cpu: '100m' }, { cpu: '2' }))),
        hpa('web', {
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '80m' } },
            },
          ],
        }),
      ],
    },
    {
      name: 'does not fire when only the memory limit is far above its request and the HPA scales on CPU',
      objects: [
        ...web(fxContainer(res({ cpu: '500m', memory: '128Mi' }, { cpu: '1', memory: '1Gi' }))),
        hpa('web'),
      ],
    },
    {
      name: 'does not fire on a workload without HPA',
      objects: [...web(fxContainer(res({ cpu: '100m' }, { cpu: '2' }))), ...fxWorkload('api'), hpa('api')],
    },
  ],
  invalid: [
    {
      name: 'fires when the CPU limit is 20 times the request',
      objects: [...web(fxContainer(res({ cpu: '100m' }, { cpu: '2' }))), hpa('web')],
      findings: [
        {
          object: HPA_WEB,
          messageId: 'burstable',
          key: 'cpu/app',
          data: {
            resource: 'cpu',
            container: 'app',
            ratio: 20,
            request: '100m',
            limit: '2',
            target: 'Deployment/web',
          },
        },
      ],
    },
    {
      name: 'fires at exactly the ratio on memory utilization',
      objects: [
        ...web(fxContainer(res({ memory: '256Mi' }, { memory: '1Gi' }))),
        hpa('web', { metrics: memoryMetric }),
      ],
      findings: [{ object: HPA_WEB, messageId: 'burstable', key: 'memory/app', data: { ratio: 4 } }],
    },
    {
      name: 'fires on a lower ratio when the parameter says so',
      params: { limitRatio: 2 },
      objects: [...web(fxContainer(res({ cpu: '500m' }, { cpu: '1' }))), hpa('web')],
      findings: [{ object: HPA_WEB, messageId: 'burstable', data: { ratio: 2 } }],
    },
    {
      name: 'names only the container a ContainerResource metric watches',
      objects: [
        ...web(fxContainer(res({ cpu: '100m' }, { cpu: '1' })), {
          name: 'proxy',
          image: 'proxy:1',
          ...res({ cpu: '50m' }, { cpu: '1' }),
        }),
        hpa('web', {
          metrics: [
            {
              type: 'ContainerResource',
              containerResource: {
                name: 'cpu',
                container: 'proxy',
                target: { type: 'Utilization', averageUtilization: 60 },
              },
            },
          ],
        }),
      ],
      findings: [
        {
          object: HPA_WEB,
          messageId: 'burstable',
          key: 'cpu/proxy',
          data: { container: 'proxy', ratio: 20 },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [hpa('web')] }],
})
