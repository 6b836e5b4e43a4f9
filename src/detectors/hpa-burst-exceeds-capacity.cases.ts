import { defineCases } from '../detect/cases.js'
import detector from './hpa-burst-exceeds-capacity.js'
import { fxContainer, fxWorkload } from './lib/autoscaling.js'
import { hpa, node } from './lib/fixtures.js'

// Nodes of 4 cores and 16Gi each (fixtures.ts).
const nodes = (n: number) => Array.from({ length: n }, (_, i) => node(`node-${i + 1}`))
const requesting = (name: string, cpu: string, memory = '256Mi') =>
  fxWorkload(name, { podSpec: { containers: [fxContainer({ resources: { requests: { cpu, memory } } })] } })
const CLUSTER = { kind: 'Cluster', name: 'test' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every HPA at its maximum fits (8 of 12 cores)',
      objects: [
        ...nodes(3),
        ...requesting('web', '500m'),
        hpa('web', { maxReplicas: 10 }),
        ...requesting('api', '1'),
        hpa('api', { maxReplicas: 3 }),
      ],
    },
    {
      name: 'does not fire at exactly the capacity (12 of 12 cores)',
      objects: [...nodes(3), ...requesting('web', '1'), hpa('web', { maxReplicas: 12 })],
    },
    {
      name: 'does not fire when the nodes carry no status (nothing known about their capacity)',
      objects: [
        { ...node('node-1'), status: undefined },
        ...requesting('web', '4'),
        hpa('web', { maxReplicas: 100 }),
      ],
    },
    {
      name: 'does not fire when the pods request nothing',
      objects: [...nodes(1), ...fxWorkload('web'), hpa('web', { maxReplicas: 100 })],
    },
  ],
  invalid: [
    {
      name: 'fires on the cluster when all HPAs together exceed the CPU of the nodes (16 of 12 cores)',
      objects: [
        ...nodes(3),
        ...requesting('web', '1'),
        hpa('web', { maxReplicas: 10 }),
        ...requesting('api', '1'),
        hpa('api', { maxReplicas: 6 }),
      ],
      findings: [
        {
          object: CLUSTER,
          messageId: 'all',
          key: 'cpu',
          data: { resource: 'cpu', burst: '16 CPU cores', allocatable: '12 CPU cores', nodes: 3, ratio: 133 },
        },
      ],
    },
    {
      name: 'fires on the HPA too when it alone exceeds the cluster, and on memory',
      objects: [...nodes(2), ...requesting('web', '100m', '2Gi'), hpa('web', { maxReplicas: 20 })],
      findings: [
        {
          object: CLUSTER,
          messageId: 'all',
          key: 'memory',
          data: { burst: '40Gi of memory', allocatable: '32Gi of memory' },
        },
        {
          object: { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' },
          messageId: 'one',
          key: 'memory',
          data: { max: 20, target: 'Deployment/web', burst: '40Gi of memory' },
        },
      ],
    },
    {
      name: 'does not count cordoned nodes as capacity',
      objects: [
        ...nodes(2),
        { ...node('node-3'), spec: { unschedulable: true } },
        ...requesting('web', '1'),
        hpa('web', { maxReplicas: 6 }),
        ...requesting('api', '1'),
        hpa('api', { maxReplicas: 4 }),
      ],
      findings: [
        { object: CLUSTER, messageId: 'all', key: 'cpu', data: { nodes: 2, allocatable: '8 CPU cores' } },
      ],
    },
  ],
  skip: [
    { name: 'is skipped when nodes were not collected', objects: [...requesting('web', '1'), hpa('web')] },
  ],
})
