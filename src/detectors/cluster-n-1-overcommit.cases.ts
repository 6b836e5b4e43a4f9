import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './cluster-n-1-overcommit.js'
import { node, pod } from './lib/fixtures.js'

// Three workers of 4 cores and 16Gi, each with a log agent requesting 100m and 128Mi.
const workers = ['n1', 'n2', 'n3'].map((n) => node(n))

function requesting(
  name: string,
  cpu: string,
  memory: string,
  opts: { nodeName?: string; daemon?: boolean; phase?: string; namespace?: string } = {},
): KubeObject {
  return pod(name, {
    namespace: opts.namespace ?? (opts.daemon ? 'kube-system' : 'shop'),
    phase: opts.phase ?? (opts.nodeName ? 'Running' : 'Pending'),
    ...(opts.daemon ? { owner: { kind: 'DaemonSet', name: 'fluent-bit' } } : {}),
    spec: {
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      containers: [
        { name: 'app', image: 'registry.example.com/app:1.0', resources: { requests: { cpu, memory } } },
      ],
    },
  })
}

const agents = ['n1', 'n2', 'n3'].map((n) =>
  requesting(`fluent-bit-${n}`, '100m', '128Mi', { nodeName: n, daemon: true }),
)

// Workloads spread over the workers, `each` per node.
const apps = (cpu: string, memory: string) =>
  ['n1', 'n2', 'n3'].map((n) => requesting(`web-${n}`, cpu, memory, { nodeName: n }))

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when two nodes could hold every request',
      objects: [...workers, ...agents, ...apps('2', '8Gi')],
    },
    {
      name: 'does not fire when the requests exactly fill what two nodes offer',
      objects: [...workers, ...agents, ...apps('2600m', '10112Mi')],
    },
    {
      name: 'does not fire on a single-node cluster, which has no redundancy to lose',
      objects: [node('solo'), requesting('web', '3', '12Gi', { nodeName: 'solo' })],
    },
    {
      name: 'does not count finished pods or static pods on a control-plane node',
      objects: [
        ...workers,
        ...agents,
        ...apps('2', '8Gi'),
        requesting('report-1', '4', '4Gi', { nodeName: 'n1', phase: 'Succeeded' }),
        node(
          'cp1',
          {},
          { metadata: { name: 'cp1', labels: { 'node-role.kubernetes.io/control-plane': '' } } },
        ),
        requesting('kube-apiserver-cp1', '4', '4Gi', { nodeName: 'cp1', namespace: 'kube-system' }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on CPU when the requests exceed what two of three nodes offer',
      objects: [...workers, ...agents, ...apps('2700m', '4Gi')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          key: 'cpu',
          messageId: 'overcommit',
          data: {
            resource: 'CPU',
            requests: '8.1 cores',
            remaining: '7.8 cores',
            shortfall: '0.3 cores',
            others: 2,
          },
        },
      ],
    },
    {
      name: 'fires on memory alone, keyed by the resource',
      objects: [...workers, ...agents, ...apps('1', '11Gi')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          key: 'memory',
          messageId: 'overcommit',
          data: { resource: 'memory' },
        },
      ],
    },
    {
      name: 'counts pending pods, which also need room',
      objects: [...workers, ...agents, ...apps('2', '8Gi'), requesting('batch-1', '2', '1Gi')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          key: 'cpu',
          messageId: 'overcommit',
          data: { requests: '8 cores' },
        },
      ],
    },
    {
      name: 'counts the larger of the init peak and the running containers, native sidecars included',
      objects: [
        ...workers,
        ...agents,
        ...apps('2', '8Gi'),
        pod('migrate-1', {
          namespace: 'shop',
          phase: 'Pending',
          spec: {
            initContainers: [
              {
                name: 'proxy',
                image: 'proxy:1',
                restartPolicy: 'Always',
                resources: { requests: { cpu: '500m' } },
              },
              { name: 'migrate', image: 'migrate:1', resources: { requests: { cpu: '1500m' } } },
            ],
            containers: [{ name: 'app', image: 'app:1', resources: { requests: { cpu: '1' } } }],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          key: 'cpu',
          messageId: 'overcommit',
          data: { requests: '8 cores', shortfall: '0.2 cores' },
        },
      ],
    },
    {
      name: 'leaves a cordoned node out of the capacity, while its pods still need room',
      objects: [
        node('n1'),
        node('n2'),
        { ...node('n3'), spec: { unschedulable: true } },
        ...agents,
        ...apps('1500m', '2Gi'),
      ],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          key: 'cpu',
          messageId: 'overcommit',
          data: { others: 1, remaining: '3.9 cores', requests: '4.5 cores' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: workers }],
})
