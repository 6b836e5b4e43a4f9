import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './pod-disruption-target.js'
import { conditionList, deployment, node, pod, rsName } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function disrupted(
  name: string,
  reason: string,
  at: string,
  opts: {
    nodeName?: string
    phase?: string
    podReason?: string
    podMessage?: string
    owner?: string
    status?: string
  } = {},
): KubeObject {
  return pod(name, {
    namespace: 'work',
    phase: opts.phase ?? 'Running',
    spec: {
      nodeName: opts.nodeName ?? 'n1',
      containers: [{ name: 'app', image: 'registry.example.com/app:1.0' }],
    },
    status: {
      ...(opts.podReason ? { reason: opts.podReason } : {}),
      ...(opts.podMessage ? { message: opts.podMessage } : {}),
      conditions: conditionList({
        Ready: ['True'],
        DisruptionTarget: [opts.status ?? 'True', reason, at, `${reason}: the pod is being removed`],
      }),
    },
    ...(opts.owner
      ? { owner: { kind: 'ReplicaSet', name: rsName(opts.owner) }, labels: { app: opts.owner } }
      : {}),
  })
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on pods without the DisruptionTarget condition',
      now: NOW,
      objects: [
        pod('web', { namespace: 'work', status: { conditions: conditionList({ Ready: ['True'] }) } }),
      ],
    },
    {
      name: 'does not fire when the disruption was withdrawn (status False)',
      now: NOW,
      objects: [disrupted('web', 'PreemptionByScheduler', '2026-03-01T11:00:00Z', { status: 'False' })],
    },
    {
      name: 'does not fire on an eviction from last week (history, not news)',
      now: NOW,
      objects: [
        disrupted('web', 'TerminationByKubelet', '2026-02-22T10:00:00Z', {
          phase: 'Failed',
          podReason: 'Evicted',
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on each kind of disruption, naming its cause',
      now: NOW,
      objects: [
        node('n1'),
        disrupted('batch-preempted', 'PreemptionByScheduler', '2026-03-01T11:50:00Z'),
        disrupted('on-lost-node', 'DeletionByTaintManager', '2026-03-01T11:40:00Z', { nodeName: 'n2' }),
        disrupted('drained', 'EvictionByEvictionAPI', '2026-03-01T11:59:00Z', { nodeName: 'n3' }),
        disrupted('orphan', 'DeletionByPodGC', '2026-03-01T11:30:00Z', { nodeName: 'n9' }),
        disrupted('evicted', 'TerminationByKubelet', '2026-03-01T10:00:00Z', {
          phase: 'Failed',
          podReason: 'Evicted',
          podMessage: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi.',
        }),
        disrupted('future', 'SomeNewReason', '2026-03-01T11:00:00Z'),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'work', name: 'batch-preempted' },
          messageId: 'preemption',
          data: { ago: '10m' },
        },
        {
          object: { kind: 'Pod', namespace: 'work', name: 'on-lost-node' },
          messageId: 'taintManager',
          data: { node: 'n2' },
        },
        { object: { kind: 'Pod', namespace: 'work', name: 'drained' }, messageId: 'evictionApi' },
        {
          object: { kind: 'Pod', namespace: 'work', name: 'orphan' },
          messageId: 'podGc',
          data: { node: 'n9' },
        },
        {
          object: { kind: 'Pod', namespace: 'work', name: 'evicted' },
          messageId: 'kubelet',
          data: {
            detail: 'The node was low on resource: memory. Threshold quantity: 100Mi, available: 80Mi.',
          },
        },
        {
          object: { kind: 'Pod', namespace: 'work', name: 'future' },
          messageId: 'other',
          data: { reason: 'SomeNewReason' },
        },
      ],
    },
    {
      name: 'fires once on the Deployment whose pods a drain evicted',
      now: NOW,
      objects: [
        ...deployment('web', { namespace: 'work' }),
        disrupted('web-7d9f8b6c5d-a', 'EvictionByEvictionAPI', '2026-03-01T11:58:00Z', { owner: 'web' }),
        disrupted('web-7d9f8b6c5d-b', 'EvictionByEvictionAPI', '2026-03-01T11:58:00Z', { owner: 'web' }),
      ],
      findings: [
        { object: { kind: 'Deployment', namespace: 'work', name: 'web' }, messageId: 'evictionApi' },
      ],
    },
    {
      name: "reports last week's eviction when maxAge is a month",
      now: NOW,
      params: { maxAge: '30d' },
      objects: [
        disrupted('web', 'TerminationByKubelet', '2026-02-22T10:00:00Z', {
          phase: 'Failed',
          podReason: 'Evicted',
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'work', name: 'web' },
          messageId: 'kubelet',
          data: { ago: '7d2h' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [node('n1')] }],
})
