import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './pod-stuck-terminating.js'
import { containerStatus, node, pod, statefulSet } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

/** A pod on `nodeName` whose deletion deadline (deletionTimestamp) is `due`. */
function deleting(
  name: string,
  due: string,
  opts: { nodeName?: string; finalizers?: string[]; owner?: string } = {},
): KubeObject {
  const p = pod(name, {
    spec: {
      nodeName: opts.nodeName ?? 'n1',
      containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }],
    },
    status: { containerStatuses: [containerStatus('app', { running: '2026-03-01T08:00:00Z' })] },
    ...(opts.owner ? { owner: { kind: 'StatefulSet', name: opts.owner }, labels: { app: opts.owner } } : {}),
  })
  p.metadata.deletionTimestamp = due
  p.metadata.deletionGracePeriodSeconds = 30
  if (opts.finalizers) p.metadata.finalizers = opts.finalizers
  return p
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a pod that is not being deleted',
      now: NOW,
      objects: [node('n1'), pod('web', { spec: { nodeName: 'n1', containers: [{ name: 'app' }] } })],
    },
    {
      name: 'does not fire on a pod still within its grace period',
      now: NOW,
      objects: [node('n1'), deleting('web', '2026-03-01T12:00:20Z')],
    },
    {
      name: 'does not fire yet on a pod four minutes past its deadline',
      now: NOW,
      objects: [node('n1'), deleting('web', '2026-03-01T11:56:00Z')],
    },
    {
      name: 'stays quiet with a longer threshold',
      now: NOW,
      params: { minDuration: '1h' },
      objects: [node('n1'), deleting('web', '2026-03-01T11:30:00Z')],
    },
  ],
  invalid: [
    {
      name: 'fires on the StatefulSet whose pod is stuck because its node is down',
      now: NOW,
      objects: [
        statefulSet('db'),
        node('n1', { Ready: ['Unknown', 'NodeStatusUnknown', '2026-03-01T10:00:00Z'] }),
        deleting('db-0', '2026-03-01T10:10:30Z', { owner: 'db' }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'nodeNotReady',
          data: { node: 'n1', for: '1h49m' },
        },
      ],
    },
    {
      name: 'fires naming the finalizer when the node is fine',
      now: NOW,
      objects: [node('n1'), deleting('web', '2026-03-01T11:00:00Z', { finalizers: ['example.com/cleanup'] })],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'web' },
          messageId: 'finalizers',
          data: { finalizers: 'example.com/cleanup', for: '1h' },
        },
      ],
    },
    {
      name: 'fires when its node no longer exists',
      now: NOW,
      objects: [node('n2'), deleting('web', '2026-03-01T11:00:00Z', { nodeName: 'n1' })],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'web' },
          messageId: 'nodeGone',
          data: { node: 'n1' },
        },
      ],
    },
    {
      name: 'fires without a named cause when the kubelet does not finish (nodes not collected)',
      now: NOW,
      objects: [deleting('web', '2026-03-01T11:50:00Z')],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'web' },
          messageId: 'stuck',
          data: { for: '10m', node: 'n1' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [node('n1')] }],
})
