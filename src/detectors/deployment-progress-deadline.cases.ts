import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './deployment-progress-deadline.js'
import { conditionList, deployment, type CondSpec } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'

function rollingOut(progressing: CondSpec, spec: Record<string, unknown> = {}): KubeObject {
  const dep = deployment('web', { replicas: 3, spec })[0] as KubeObject
  return {
    ...dep,
    metadata: { ...dep.metadata, generation: 2 },
    status: {
      observedGeneration: 2,
      replicas: 4,
      updatedReplicas: 1,
      readyReplicas: 3,
      availableReplicas: 3,
      unavailableReplicas: 1,
      conditions: conditionList({
        Available: ['True', 'MinimumReplicasAvailable', '2026-02-01T00:00:00Z'],
        Progressing: progressing,
      }),
    },
  }
}
const EXCEEDED: CondSpec = [
  'False',
  'ProgressDeadlineExceeded',
  '2026-03-01T11:40:00Z',
  'ReplicaSet "web-5f6d7c8b9a" has timed out progressing.',
]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a Deployment whose rollout finished',
      now: NOW,
      objects: [
        rollingOut([
          'True',
          'NewReplicaSetAvailable',
          '2026-03-01T11:00:00Z',
          'ReplicaSet "web-5f6d7c8b9a" has successfully progressed.',
        ]),
      ],
    },
    {
      name: 'does not fire while a rollout is still within its deadline',
      now: NOW,
      objects: [
        rollingOut([
          'True',
          'ReplicaSetUpdated',
          '2026-03-01T11:55:00Z',
          'ReplicaSet "web-5f6d7c8b9a" is progressing.',
        ]),
      ],
    },
    {
      name: 'does not fire on a paused Deployment, even with an old deadline condition',
      now: NOW,
      objects: [rollingOut(EXCEEDED, { paused: true })],
    },
    {
      name: 'does not fire on a rendered Deployment without status',
      now: NOW,
      objects: [{ ...(deployment('web')[0] as KubeObject), status: undefined }],
    },
  ],
  invalid: [
    {
      name: 'fires when the rollout exceeded its progress deadline',
      now: NOW,
      objects: [rollingOut(EXCEEDED)],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'deadlineExceeded',
          data: { deadline: '10m', updated: 1, replicas: 3, available: 3 },
        },
      ],
    },
    {
      name: 'uses the progress deadline the Deployment sets',
      now: NOW,
      objects: [rollingOut(EXCEEDED, { progressDeadlineSeconds: 300 })],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'deadlineExceeded',
          data: { deadline: '5m' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when Deployments were not collected',
      objects: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' } }],
    },
  ],
})
