import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './hpa-missing-resource-requests.js'
import { deployment, hpa, statefulSet } from './lib/fixtures.js'

// A Deployment whose pod template has these containers.
function web(
  containers: Record<string, unknown>[],
  initContainers?: Record<string, unknown>[],
): KubeObject[] {
  const [dep, rs] = deployment('web') as [KubeObject, KubeObject]
  return [
    {
      ...dep,
      spec: {
        ...dep.spec,
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers, ...(initContainers ? { initContainers } : {}) },
        },
      },
    },
    rs,
  ]
}
const app = (resources?: Record<string, unknown>) => ({
  name: 'app',
  image: 'registry.example.com/app:1.0',
  ...(resources ? { resources } : {}),
})
const sidecar = (resources?: Record<string, unknown>) => ({
  name: 'proxy',
  image: 'proxy:1',
  ...(resources ? { resources } : {}),
})
const memoryUtilization = [
  { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 75 } } },
]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every container requests CPU',
      objects: [
        ...web([app({ requests: { cpu: '250m' } }), sidecar({ requests: { cpu: '50m' } })]),
        hpa('web'),
      ],
    },
    {
      name: 'does not fire on an HPA that targets an absolute CPU value (AverageValue)',
      objects: [
        ...web([app()]),
        hpa('web', {
          metrics: [
            {
              type: 'Resource',
              resource: { name: 'cpu', target: { type: 'AverageValue', averageValue: '500m' } },
            },
          ],
        }),
      ],
    },
    {
      name: 'does not fire on an HPA on an external metric',
      objects: [
        ...web([app()]),
        hpa('web', {
          metrics: [
            {
              type: 'External',
              external: {
                metric: { name: 'queue_depth' },
                target: { type: 'AverageValue', averageValue: '30' },
              },
            },
          ],
        }),
      ],
    },
    {
      name: 'does not fire when the target does not exist (hpa-target-missing covers that)',
      objects: [...web([app()]), hpa('api')],
    },
    {
      name: 'does not fire when the container sets a CPU limit, which becomes its request',
      objects: [...web([app({ limits: { cpu: '1' } })]), hpa('web')],
    },
    {
      name: 'does not fire when a LimitRange gives containers a default CPU request',
      objects: [
        ...web([app()]),
        hpa('web'),
        {
          apiVersion: 'v1',
          kind: 'LimitRange',
          metadata: { name: 'defaults', namespace: 'default' },
          spec: { limits: [{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' } }] },
        },
      ],
    },
    {
      name: 'does not fire when the one container a ContainerResource metric watches has its request',
      objects: [
        ...web([app({ requests: { cpu: '250m' } }), sidecar()]),
        hpa('web', {
          metrics: [
            {
              type: 'ContainerResource',
              containerResource: {
                name: 'cpu',
                container: 'app',
                target: { type: 'Utilization', averageUtilization: 60 },
              },
            },
          ],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: "fires when the Deployment's container has no CPU request",
      objects: [...web([app()]), hpa('web')],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'noRequest',
          key: 'cpu/app',
          data: { hpa: 'web', resource: 'cpu', container: 'app', target: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'names the one container that lacks a memory request',
      objects: [
        ...web([app({ requests: { cpu: '250m', memory: '256Mi' } }), sidecar({ requests: { cpu: '50m' } })]),
        hpa('web', { metrics: memoryUtilization }),
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'noRequest',
          data: { resource: 'memory', container: 'proxy' },
        },
      ],
    },
    {
      name: 'fires on a native sidecar without a request',
      objects: [
        ...web(
          [app({ requests: { cpu: '250m' } })],
          [
            { name: 'mesh', image: 'mesh:1', restartPolicy: 'Always' },
            { name: 'migrate', image: 'm:1' },
          ],
        ),
        hpa('web'),
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'noRequest',
          data: { container: 'mesh' },
        },
      ],
    },
    {
      name: 'fires on an autoscaling/v1 HPA with targetCPUUtilizationPercentage',
      objects: [
        ...web([app()]),
        {
          apiVersion: 'autoscaling/v1',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name: 'web-v1', namespace: 'default' },
          spec: {
            scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
            maxReplicas: 5,
            targetCPUUtilizationPercentage: 70,
          },
        },
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web-v1' },
          messageId: 'noRequest',
          data: { hpa: 'web-v1', resource: 'cpu' },
        },
      ],
    },
    {
      name: 'fires on an HPA manifest without metrics, which defaults to CPU utilization',
      objects: [...web([app()]), { ...hpa('web'), spec: { ...hpa('web').spec, metrics: undefined } }],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'noRequest',
          data: { resource: 'cpu' },
        },
      ],
    },
    {
      name: 'fires on a StatefulSet target',
      objects: [
        deployment('other')[0] as KubeObject,
        statefulSet('db'),
        hpa('db', { target: { kind: 'StatefulSet', name: 'db' } }),
      ],
      findings: [
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'db' },
          messageId: 'noRequest',
          data: { target: 'StatefulSet/db', container: 'app' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when Deployments were not collected', objects: [hpa('web')] }],
})
