import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './cluster-low-utilization.js'
import { node, pod } from './lib/fixtures.js'

// Workers of 4 cores and 16Gi, each with a log agent requesting 100m and 128Mi.
function cluster(size: number): KubeObject[] {
  const out: KubeObject[] = []
  for (let i = 1; i <= size; i++) {
    out.push(node(`n${i}`))
    out.push(requesting(`fluent-bit-n${i}`, '100m', '128Mi', `n${i}`, true))
  }
  return out
}

function requesting(name: string, cpu: string, memory: string, nodeName: string, daemon = false): KubeObject {
  return pod(name, {
    namespace: daemon ? 'kube-system' : 'shop',
    ...(daemon ? { owner: { kind: 'DaemonSet', name: 'fluent-bit' } } : {}),
    spec: {
      nodeName,
      containers: [
        { name: 'app', image: 'registry.example.com/app:1.0', resources: { requests: { cpu, memory } } },
      ],
    },
  })
}

const apps = (count: number, cpu: string, memory: string) =>
  Array.from({ length: count }, (_, i) => requesting(`web-${i}`, cpu, memory, `n${i + 1}`))

const bestEffort = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    pod(`legacy-${i}`, {
      spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
    }),
  )

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a cluster whose pods request half of it',
      objects: [...cluster(3), ...apps(3, '2', '8Gi')],
    },
    {
      name: 'does not fire just above the threshold (21% of CPU and memory)',
      objects: [...cluster(3), ...apps(3, '750m', '3328Mi')],
    },
    {
      name: 'does not judge a cluster where most pods request nothing',
      objects: [...cluster(3), ...bestEffort(10)],
    },
    {
      name: 'stays quiet when no node reports its allocatable resources (manifests)',
      objects: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }, ...apps(1, '100m', '128Mi')],
    },
  ],
  invalid: [
    {
      name: 'fires when ten nodes run what two could hold',
      objects: [...cluster(10), ...apps(3, '1', '4Gi')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'low',
          data: { cpuPercent: 10, memoryPercent: 8, nodes: 10, removable: 8 },
        },
      ],
    },
    {
      name: 'fires on idle CPU alone when memory is well used, suggesting another node shape',
      objects: [...cluster(3), ...apps(3, '200m', '12Gi')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'lowCpu',
          data: { cpuPercent: 8, memoryPercent: 76, removable: 0 },
        },
      ],
    },
    {
      name: 'fires on idle memory alone when CPU is well used',
      objects: [...cluster(3), ...apps(3, '3', '1Gi')],
      findings: [
        { object: { kind: 'Cluster', name: 'test' }, messageId: 'lowMemory', data: { cpuPercent: 78 } },
      ],
    },
    {
      name: 'fires at 21% when the threshold is raised to 25%',
      params: { threshold: 25 },
      objects: [...cluster(3), ...apps(3, '750m', '3328Mi')],
      findings: [
        {
          object: { kind: 'Cluster', name: 'test' },
          messageId: 'low',
          data: { cpuPercent: 21, removable: 1 },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [node('n1')] }],
})
