import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './node-empty.js'
import { node, pod } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function worker(name: string, created: string, extra: Partial<KubeObject> = {}): KubeObject {
  const n = node(name, {}, extra)
  n.metadata = { ...n.metadata, creationTimestamp: created }
  return n
}

function daemon(nodeName: string, ds: string): KubeObject {
  return pod(`${ds}-${nodeName}`, {
    namespace: 'kube-system',
    owner: { kind: 'DaemonSet', name: ds },
    spec: { nodeName, containers: [{ name: ds, image: `registry.example.com/${ds}:1` }] },
  })
}

function mirror(nodeName: string): KubeObject {
  const p = pod(`kube-proxy-${nodeName}`, {
    namespace: 'kube-system',
    owner: { kind: 'Node', name: nodeName, apiVersion: 'v1' },
    spec: { nodeName, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.30.4' }] },
  })
  p.metadata.annotations = { 'kubernetes.io/config.mirror': 'abc123' }
  return p
}

function app(nodeName: string, phase = 'Running'): KubeObject {
  return pod(`web-${nodeName}-${phase.toLowerCase()}`, {
    namespace: 'shop',
    owner: { kind: 'ReplicaSet', name: 'web-7d9f8b6c5d' },
    phase,
    spec: { nodeName, containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }] },
  })
}

const agents = (n: string) => [daemon(n, 'fluent-bit'), daemon(n, 'node-exporter'), mirror(n)]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a node that runs a workload pod beside its agents',
      now: NOW,
      objects: [worker('n1', '2026-02-01T00:00:00Z'), ...agents('n1'), app('n1')],
    },
    {
      name: 'does not fire yet on a node that joined twenty minutes ago',
      now: NOW,
      objects: [worker('n1', '2026-03-01T11:40:00Z'), ...agents('n1')],
    },
    {
      name: 'does not fire on a control-plane node running only static pods',
      now: NOW,
      objects: [
        worker('cp1', '2026-02-01T00:00:00Z', {
          metadata: { name: 'cp1', labels: { 'node-role.kubernetes.io/control-plane': '' } },
        }),
        mirror('cp1'),
      ],
    },
    {
      name: 'does not fire on a NotReady node (node-not-ready reports it)',
      now: NOW,
      objects: [node('n1', { Ready: ['False', 'KubeletNotReady', '2026-03-01T10:00:00Z'] })],
      collected: ['v1/Pod'],
    },
    {
      name: 'does not fire on a node the cluster autoscaler is already removing',
      now: NOW,
      objects: [
        worker('n1', '2026-02-01T00:00:00Z', {
          spec: {
            taints: [{ key: 'ToBeDeletedByClusterAutoscaler', value: '1772366400', effect: 'NoSchedule' }],
          },
        }),
        ...agents('n1'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a node running only DaemonSet and static pods for a month',
      now: NOW,
      objects: [
        worker('n1', '2026-02-01T00:00:00Z'),
        worker('n2', '2026-02-01T00:00:00Z'),
        ...agents('n1'),
        app('n2'),
      ],
      findings: [
        { object: { kind: 'Node', name: 'n1' }, messageId: 'empty', data: { pods: 3, age: '28d12h' } },
      ],
    },
    {
      name: 'fires when the only workload pods on the node have finished',
      now: NOW,
      objects: [worker('n1', '2026-03-01T09:00:00Z'), ...agents('n1'), app('n1', 'Succeeded')],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'empty', data: { pods: 3, age: '3h' } }],
    },
    {
      name: 'fires on an empty tainted node and names the taint that keeps pods away',
      now: NOW,
      objects: [
        worker('gpu-1', '2026-02-20T00:00:00Z', {
          spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] },
        }),
      ],
      collected: ['v1/Pod'],
      findings: [
        {
          object: { kind: 'Node', name: 'gpu-1' },
          messageId: 'emptyTainted',
          data: { pods: 0, taint: 'nvidia.com/gpu=present:NoSchedule' },
        },
      ],
    },
    {
      name: 'fires on a node that joined twenty minutes ago when minAge is ten minutes',
      now: NOW,
      params: { minAge: '10m' },
      objects: [worker('n1', '2026-03-01T11:40:00Z'), ...agents('n1')],
      findings: [{ object: { kind: 'Node', name: 'n1' }, messageId: 'empty', data: { age: '20m' } }],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [node('n1')] }],
})
