import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './statefulset-rollout-stuck.js'
import { conditionList, containerStatus, event, pod, statefulSet } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function db(status: Record<string, unknown>, spec: Record<string, unknown> = {}): KubeObject {
  return {
    ...statefulSet('db', { replicas: 3, spec }),
    status: {
      observedGeneration: 1,
      replicas: 3,
      currentRevision: 'db-6d4b8f',
      updateRevision: 'db-6d4b8f',
      ...status,
    },
  }
}

function member(
  i: number,
  opts: { ready?: boolean; since?: string; created?: string; waiting?: string; pending?: boolean } = {},
): KubeObject {
  const since = opts.since ?? '2026-02-01T00:00:00Z'
  return pod(`db-${i}`, {
    owner: { kind: 'StatefulSet', name: 'db' },
    labels: { app: 'db' },
    created: opts.created ?? '2026-02-01T00:00:00Z',
    phase: opts.pending ? 'Pending' : 'Running',
    status: {
      conditions: conditionList(
        opts.pending
          ? {
              PodScheduled: [
                'False',
                'Unschedulable',
                since,
                '0/6 nodes are available: pod has unbound immediate PersistentVolumeClaims.',
              ],
            }
          : {
              Ready:
                opts.ready === false ? ['False', 'ContainersNotReady', since] : ['True', undefined, since],
            },
      ),
      ...(opts.pending
        ? {}
        : {
            containerStatuses: [
              opts.waiting
                ? containerStatus('app', { waiting: opts.waiting }, { restartCount: 9 })
                : containerStatus('app', { running: since }, { ready: opts.ready !== false }),
            ],
          }),
    },
  })
}

const rolling = {
  currentRevision: 'db-6d4b8f',
  updateRevision: 'db-7f9c2a',
  updatedReplicas: 1,
  readyReplicas: 2,
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a StatefulSet with every pod ready and one revision',
      now: NOW,
      objects: [db({ readyReplicas: 3, updatedReplicas: 3 }), member(0), member(1), member(2)],
    },
    {
      name: 'does not fire on a rollout that replaced a pod five minutes ago (not yet)',
      now: NOW,
      objects: [
        db(rolling),
        member(0),
        member(1),
        member(2, { ready: false, created: '2026-03-01T11:55:00Z', since: '2026-03-01T11:55:00Z' }),
      ],
    },
    {
      name: 'does not fire on an OnDelete StatefulSet waiting for pods to be deleted by hand',
      now: NOW,
      objects: [
        db({ ...rolling, readyReplicas: 3 }, { updateStrategy: { type: 'OnDelete' } }),
        member(0),
        member(1),
        member(2),
      ],
    },
    {
      name: 'does not fire on a partitioned rollout that updated every pod above the partition',
      now: NOW,
      objects: [
        db(
          { ...rolling, readyReplicas: 3, updatedReplicas: 1 },
          { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } },
        ),
        member(0),
        member(1),
        member(2),
      ],
    },
    {
      name: 'does not fire on a manifest without status',
      now: NOW,
      objects: [statefulSet('db')],
      collected: ['v1/Pod'],
    },
    {
      name: 'stays quiet with a longer threshold',
      now: NOW,
      params: { minDuration: '2h' },
      objects: [
        db(rolling),
        member(0),
        member(1),
        member(2, {
          waiting: 'CrashLoopBackOff',
          ready: false,
          created: '2026-03-01T11:00:00Z',
          since: '2026-03-01T11:00:00Z',
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a rollout stuck for an hour on a crashing pod',
      now: NOW,
      objects: [
        db(rolling),
        member(0),
        member(1),
        member(2, {
          waiting: 'CrashLoopBackOff',
          ready: false,
          created: '2026-03-01T11:00:00Z',
          since: '2026-03-01T11:00:00Z',
        }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'rollout',
          data: { for: '1h', updated: 1, replicas: 3, ready: 2, pod: 'db-2', cause: 'CrashLoopBackOff' },
        },
      ],
    },
    {
      name: 'fires when a scale-up waits on a pod whose volume cannot be bound',
      now: NOW,
      objects: [
        db({ readyReplicas: 2, updatedReplicas: 3 }),
        member(0),
        member(1),
        member(2, { pending: true, created: '2026-03-01T10:00:00Z', since: '2026-03-01T10:00:00Z' }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'notReady',
          data: { for: '2h', pod: 'db-2', cause: 'Pending (Unschedulable)' },
        },
      ],
    },
    {
      name: 'fires when a pod is missing and cannot be created, quoting the refusal',
      now: NOW,
      objects: [
        db({ readyReplicas: 2, updatedReplicas: 2, replicas: 2 }),
        member(0),
        member(1),
        event(
          db({}),
          'FailedCreate',
          'create Pod db-2 in StatefulSet db failed error: pods "db-2" is forbidden: exceeded quota: compute, requested: requests.cpu=1, used: requests.cpu=8, limited: requests.cpu=8',
          { at: '2026-03-01T11:59:00Z' },
        ),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'notReady',
          data: { pod: 'db-2', ready: 2 },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [db({ readyReplicas: 1 })] }],
})
