import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './deployment-replicas-unavailable.js'
import { conditionList, containerStatus, deployment, pod, rsName, type CondSpec } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

/** Deployment `web` (3 replicas) with `available` available, conditions as given. */
function web(
  available: number,
  conditions: Record<string, CondSpec>,
  opts: { paused?: boolean; progressingUpdated?: string; replicas?: number } = {},
): KubeObject[] {
  const replicas = opts.replicas ?? 3
  const [dep, rs] = deployment('web', {
    replicas,
    spec: opts.paused ? { paused: true } : {},
    status: {
      observedGeneration: 1,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: available,
      availableReplicas: available,
      unavailableReplicas: replicas - available,
      conditions: conditionList(conditions),
    },
  }) as [KubeObject, KubeObject]
  if (opts.progressingUpdated)
    for (const c of dep.status.conditions as Record<string, unknown>[])
      if (c.type === 'Progressing') c.lastUpdateTime = opts.progressingUpdated
  return [dep, rs]
}

const ok = (name: string) =>
  pod(name, {
    owner: { kind: 'ReplicaSet', name: rsName('web') },
    labels: { app: 'web' },
    status: {
      conditions: conditionList({ Ready: ['True', undefined, '2026-02-01T00:00:00Z'] }),
      containerStatuses: [containerStatus('app', { running: '2026-02-01T00:00:00Z' })],
    },
  })

const crashing = (name: string, since: string) =>
  pod(name, {
    owner: { kind: 'ReplicaSet', name: rsName('web') },
    labels: { app: 'web' },
    status: {
      conditions: conditionList({ Ready: ['False', 'ContainersNotReady', since] }),
      containerStatuses: [containerStatus('app', { waiting: 'CrashLoopBackOff' }, { restartCount: 8 })],
    },
  })

const pending = (name: string, since: string) =>
  pod(name, {
    phase: 'Pending',
    created: since,
    owner: { kind: 'ReplicaSet', name: rsName('web') },
    labels: { app: 'web' },
    status: {
      conditions: conditionList({
        PodScheduled: ['False', 'Unschedulable', since, '0/6 nodes are available: 6 Insufficient cpu.'],
      }),
    },
  })

const done = { Progressing: ['True', 'NewReplicaSetAvailable', '2026-02-01T00:00:00Z'] as CondSpec }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every pod is available',
      now: NOW,
      objects: [
        ...web(3, { Available: ['True', 'MinimumReplicasAvailable'], ...done }),
        ok('web-1'),
        ok('web-2'),
        ok('web-3'),
      ],
    },
    {
      name: 'does not fire yet when the Deployment lost availability ten minutes ago',
      now: NOW,
      objects: [
        ...web(1, { Available: ['False', 'MinimumReplicasUnavailable', '2026-03-01T11:50:00Z'], ...done }),
      ],
    },
    {
      name: 'does not fire when the short pod became unready five minutes ago',
      now: NOW,
      objects: [
        ...web(2, { Available: ['True', 'MinimumReplicasAvailable', '2026-02-01T00:00:00Z'], ...done }),
        ok('web-1'),
        ok('web-2'),
        crashing('web-3', '2026-03-01T11:55:00Z'),
      ],
    },
    {
      name: 'does not fire during a rollout that is still within its progress deadline',
      now: NOW,
      objects: [
        ...web(
          1,
          {
            Available: ['False', 'MinimumReplicasUnavailable', '2026-03-01T11:00:00Z'],
            Progressing: ['True', 'ReplicaSetUpdated', '2026-03-01T11:00:00Z'],
          },
          { progressingUpdated: '2026-03-01T11:55:00Z' },
        ),
      ],
    },
    {
      name: 'does not fire on a paused Deployment',
      now: NOW,
      objects: [
        ...web(
          0,
          { Available: ['False', 'MinimumReplicasUnavailable', '2026-02-01T00:00:00Z'] },
          { paused: true },
        ),
      ],
    },
    {
      name: 'does not fire on a stuck rollout (deployment-progress-deadline reports it)',
      now: NOW,
      objects: [
        ...web(1, {
          Available: ['False', 'MinimumReplicasUnavailable', '2026-03-01T10:00:00Z'],
          Progressing: ['False', 'ProgressDeadlineExceeded', '2026-03-01T10:10:00Z'],
        }),
      ],
    },
    {
      name: 'does not fire when pods cannot be created (deployment-replica-failure reports it)',
      now: NOW,
      objects: [
        ...web(0, {
          Available: ['False', 'MinimumReplicasUnavailable', '2026-03-01T10:00:00Z'],
          ReplicaFailure: ['True', 'FailedCreate', '2026-03-01T10:00:00Z'],
          ...done,
        }),
      ],
    },
    {
      name: 'does not fire on a Deployment scaled to zero',
      now: NOW,
      objects: [...web(0, { ...done }, { replicas: 0 })],
    },
    {
      name: 'does not fire on a manifest without status',
      now: NOW,
      objects: [{ ...(deployment('web')[0] as KubeObject), status: undefined }],
    },
  ],
  invalid: [
    {
      name: 'fires when availability was lost half an hour ago, naming the crashing pods',
      now: NOW,
      objects: [
        ...web(1, { Available: ['False', 'MinimumReplicasUnavailable', '2026-03-01T11:30:00Z'], ...done }),
        ok('web-1'),
        crashing('web-2', '2026-03-01T11:28:00Z'),
        crashing('web-3', '2026-03-01T11:29:00Z'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'unavailable',
          data: { available: 1, replicas: 3, for: '30m', cause: '2 CrashLoopBackOff' },
        },
      ],
    },
    {
      name: 'fires when one pod has been unschedulable for an hour though the Deployment counts as Available',
      now: NOW,
      objects: [
        ...web(2, { Available: ['True', 'MinimumReplicasAvailable', '2026-02-01T00:00:00Z'], ...done }),
        ok('web-1'),
        ok('web-2'),
        pending('web-3', '2026-03-01T11:00:00Z'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'unavailable',
          data: { for: '1h', cause: '1 Pending (Unschedulable)' },
        },
      ],
    },
    {
      name: 'fires from the Available condition alone when pods were not collected',
      now: NOW,
      objects: [
        ...web(0, { Available: ['False', 'MinimumReplicasUnavailable', '2026-03-01T08:00:00Z'], ...done }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'unavailable',
          data: { available: 0, for: '4h', cause: 'pods were not collected' },
        },
      ],
    },
    {
      name: 'fires on a rollout that stopped progressing longer ago than its deadline allows',
      now: NOW,
      objects: [
        ...web(
          2,
          {
            Available: ['True', 'MinimumReplicasAvailable', '2026-02-01T00:00:00Z'],
            Progressing: ['True', 'ReplicaSetUpdated', '2026-03-01T11:00:00Z'],
          },
          { progressingUpdated: '2026-03-01T11:20:00Z' },
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'unavailable',
          data: { for: '40m' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when Deployments were not collected', objects: [ok('web-1')] }],
})
