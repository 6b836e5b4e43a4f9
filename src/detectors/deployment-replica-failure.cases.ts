import { defineCases } from '../detect/cases.js'
import type { KubeObject } from '../core/types.js'
import detector from './deployment-replica-failure.js'
import { conditionList, deployment, resourceQuota } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const QUOTA_MSG =
  'pods "web-7d9f8b6c5d-x2x4z" is forbidden: exceeded quota: compute, requested: limits.memory=512Mi, used: limits.memory=4Gi, limited: limits.memory=4Gi'
const STATUS = {
  observedGeneration: 1,
  replicas: 1,
  readyReplicas: 1,
  availableReplicas: 1,
  updatedReplicas: 1,
}

// A Deployment (and its ReplicaSet) whose pods the API server refuses with `message`.
function refused(
  message: string,
  on: 'deployment' | 'replicaset' = 'deployment',
  name = 'web',
): KubeObject[] {
  const [dep, rs] = deployment(name, { replicas: 3 }) as [KubeObject, KubeObject]
  const failure = conditionList({ ReplicaFailure: ['True', 'FailedCreate', '2026-03-01T11:50:00Z', message] })
  if (on === 'deployment')
    return [
      { ...dep, status: { ...STATUS, conditions: failure } },
      { ...rs, status: { replicas: 1, conditions: failure } },
    ]
  return [
    { ...dep, status: STATUS },
    { ...rs, status: { replicas: 1, conditions: failure } },
  ]
}

export default defineCases(detector, {
  valid: [
    { name: 'does not fire on a Deployment that has all its pods', now: NOW, objects: deployment('web') },
    {
      name: 'does not fire once the ReplicaFailure condition is False again',
      now: NOW,
      objects: [
        {
          ...(deployment('web')[0] as KubeObject),
          status: {
            ...STATUS,
            conditions: conditionList({ ReplicaFailure: ['False', 'FailedCreate', '2026-03-01T11:55:00Z'] }),
          },
        },
      ],
    },
    {
      name: 'does not fire on a Deployment that is short of pods because they crash (not a creation failure)',
      now: NOW,
      objects: [
        {
          ...(deployment('web')[0] as KubeObject),
          status: {
            replicas: 3,
            availableReplicas: 1,
            conditions: conditionList({
              Available: ['False', 'MinimumReplicasUnavailable', '2026-03-01T11:00:00Z'],
            }),
          },
        },
      ],
    },
    {
      name: 'does not fire on a rendered Deployment without status',
      now: NOW,
      objects: [{ ...(deployment('web')[0] as KubeObject), status: undefined }],
    },
  ],
  invalid: [
    {
      name: 'fires with quotaExceeded and names the quota and the exhausted resource',
      now: NOW,
      objects: [
        ...refused(QUOTA_MSG),
        resourceQuota('compute', { 'limits.memory': '4Gi' }, { 'limits.memory': '4Gi' }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'quotaExceeded',
          data: { quota: 'compute', resource: 'limits.memory' },
        },
      ],
    },
    {
      name: 'fires on the Deployment when only its ReplicaSet shows the failure yet',
      now: NOW,
      objects: refused(QUOTA_MSG, 'replicaset'),
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'quotaExceeded',
          data: { quota: 'compute' },
        },
      ],
    },
    {
      name: 'fires with quotaNeedsResources when the quota demands limits the pods do not set',
      now: NOW,
      objects: refused(
        'pods "web-7d9f8b6c5d-abcde" is forbidden: failed quota: compute: must specify limits.cpu,limits.memory',
      ),
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'quotaNeedsResources',
          data: { quota: 'compute', resources: 'limits.cpu,limits.memory' },
        },
      ],
    },
    {
      name: 'fires with serviceAccountMissing when the service account does not exist',
      now: NOW,
      objects: refused(
        'pods "web-7d9f8b6c5d-" is forbidden: error looking up service account default/web-sa: serviceaccount "web-sa" not found',
      ),
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'serviceAccountMissing',
          data: { serviceAccount: 'web-sa' },
        },
      ],
    },
    {
      name: 'fires with admissionDenied when a webhook rejects the pods',
      now: NOW,
      objects: refused(
        'admission webhook "validation.gatekeeper.sh" denied the request: [require-labels] missing required label: team',
      ),
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'admissionDenied',
          data: { webhook: 'validation.gatekeeper.sh' },
        },
      ],
    },
    {
      name: 'fires with podSecurity when the pods break the namespace Pod Security level',
      now: NOW,
      objects: refused(
        'pods "web-7d9f8b6c5d-7k2lq" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
      ),
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'podSecurity',
          data: { level: 'restricted:latest' },
        },
      ],
    },
    {
      name: 'fires with limitRange when the pods ask for more than the LimitRange allows',
      now: NOW,
      objects: refused(
        'pods "web-7d9f8b6c5d-abcde" is forbidden: maximum cpu usage per Container is 2, but limit is 4',
      ),
      findings: [
        { object: { kind: 'Deployment', namespace: 'default', name: 'web' }, messageId: 'limitRange' },
      ],
    },
    {
      name: 'fires with failedCreate and the API message for any other refusal',
      now: NOW,
      objects: refused('Internal error occurred: resource quota evaluation timed out'),
      findings: [
        { object: { kind: 'Deployment', namespace: 'default', name: 'web' }, messageId: 'failedCreate' },
      ],
    },
    {
      name: 'fires on a ReplicaSet that no Deployment owns',
      now: NOW,
      objects: [
        deployment('other')[0] as KubeObject,
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: { name: 'standalone', namespace: 'default', uid: 'uid-rs-standalone' },
          spec: { replicas: 2 },
          status: {
            replicas: 0,
            conditions: conditionList({
              ReplicaFailure: ['True', 'FailedCreate', '2026-03-01T11:50:00Z', QUOTA_MSG],
            }),
          },
        },
      ],
      findings: [
        {
          object: { kind: 'ReplicaSet', namespace: 'default', name: 'standalone' },
          messageId: 'quotaExceeded',
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when Deployments were not collected',
      objects: [refused(QUOTA_MSG)[1] as KubeObject],
    },
  ],
})
