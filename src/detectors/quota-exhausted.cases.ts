import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './quota-exhausted.js'
import { deployment, event, resourceQuota, rsName, statefulSet } from './lib/fixtures.js'

const NOW = '2026-03-01T12:00:00Z'
const COMPUTE = { 'requests.cpu': '8', 'limits.memory': '16Gi', pods: '20' }

const [webDeployment, webRs] = deployment('web', { namespace: 'shop', replicas: 4 }) as [
  KubeObject,
  KubeObject,
]
const quotaRefusal = (about: KubeObject, at: string, quota = 'compute', limited = 'limits.memory=16Gi') =>
  event(
    about,
    'FailedCreate',
    `Error creating: pods "${about.metadata.name}-x2x4z" is forbidden: exceeded quota: ${quota}, requested: limits.memory=512Mi, used: limits.memory=16Gi, limited: ${limited}`,
    { at, name: `${about.metadata.name}.${quota}.${at}` },
  )

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a quota with room left',
      now: NOW,
      objects: [
        resourceQuota('compute', COMPUTE, { 'requests.cpu': '2', 'limits.memory': '4Gi', pods: '6' }, 'shop'),
      ],
    },
    {
      name: 'does not fire on a quota that is 95% used (quota-near-full reports that)',
      now: NOW,
      objects: [resourceQuota('compute', { pods: '20' }, { pods: '19' }, 'shop')],
    },
    {
      name: 'does not fire on a hard limit of 0, which forbids the resource rather than running out',
      now: NOW,
      objects: [
        resourceQuota(
          'no-load-balancers',
          { 'services.loadbalancers': '0', services: '10' },
          { 'services.loadbalancers': '0', services: '3' },
          'shop',
        ),
      ],
    },
    {
      name: 'does not fire on a rendered quota without status',
      now: NOW,
      objects: [{ ...resourceQuota('compute', COMPUTE, {}, 'shop'), status: undefined }],
    },
    {
      name: 'does not fire before the quota controller has counted usage',
      now: NOW,
      objects: [
        { ...resourceQuota('compute', COMPUTE, {}, 'shop'), status: { hard: COMPUTE } } as KubeObject,
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when the pod count is at its limit, with no refusal recorded yet',
      now: NOW,
      objects: [
        resourceQuota(
          'compute',
          COMPUTE,
          { 'requests.cpu': '2', 'limits.memory': '4Gi', pods: '20' },
          'shop',
        ),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'shop', name: 'compute' },
          messageId: 'exhausted',
          key: 'pods',
          data: { resource: 'pods', used: '20', hard: '20', what: 'pods' },
        },
      ],
    },
    {
      name: 'fires with blocking and names the Deployment whose ReplicaSet the quota refuses',
      now: NOW,
      objects: [
        webDeployment,
        webRs,
        resourceQuota(
          'compute',
          COMPUTE,
          { 'requests.cpu': '2', 'limits.memory': '16Gi', pods: '8' },
          'shop',
        ),
        quotaRefusal(webRs, '2026-03-01T11:55:00Z'),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'shop', name: 'compute' },
          messageId: 'blocking',
          key: 'limits.memory',
          data: { resource: 'limits.memory', what: 'memory limits', blocked: 'Deployment web' },
        },
      ],
    },
    {
      name: 'fires once per exhausted resource of one quota',
      now: NOW,
      objects: [
        resourceQuota(
          'compute',
          COMPUTE,
          { 'requests.cpu': '8', 'limits.memory': '16Gi', pods: '8' },
          'shop',
        ),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'shop', name: 'compute' },
          messageId: 'exhausted',
          key: 'requests.cpu',
        },
        {
          object: { kind: 'ResourceQuota', namespace: 'shop', name: 'compute' },
          messageId: 'exhausted',
          key: 'limits.memory',
        },
      ],
    },
    {
      name: 'fires when the quota was lowered below what is already used',
      now: NOW,
      objects: [
        resourceQuota('compute', { 'requests.memory': '8Gi' }, { 'requests.memory': '12Gi' }, 'shop'),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'shop', name: 'compute' },
          messageId: 'exhausted',
          key: 'requests.memory',
          data: { used: '12Gi', hard: '8Gi' },
        },
      ],
    },
    {
      name: 'fires on a StatefulSet refused by the quota and names it',
      now: NOW,
      objects: [
        statefulSet('db', { namespace: 'shop' }),
        resourceQuota('compute', { 'requests.memory': '16Gi' }, { 'requests.memory': '16Gi' }, 'shop'),
        event(
          statefulSet('db', { namespace: 'shop' }),
          'FailedCreate',
          'create Pod db-1 in StatefulSet db failed error: pods "db-1" is forbidden: exceeded quota: compute, requested: requests.memory=2Gi, used: requests.memory=16Gi, limited: requests.memory=16Gi',
          { at: '2026-03-01T11:58:00Z' },
        ),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'shop', name: 'compute' },
          messageId: 'blocking',
          key: 'requests.memory',
          data: { blocked: 'StatefulSet db' },
        },
      ],
    },
    {
      name: 'names the ReplicaSet itself when ReplicaSets were not collected',
      now: NOW,
      objects: [
        resourceQuota('compute', { 'limits.memory': '16Gi' }, { 'limits.memory': '16Gi' }, 'shop'),
        quotaRefusal(webRs, '2026-03-01T11:55:00Z'),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'shop', name: 'compute' },
          messageId: 'blocking',
          data: { blocked: `ReplicaSet ${rsName('web')}` },
        },
      ],
    },
    {
      name: 'does not cite a refusal older than the event window, or one by another quota',
      now: NOW,
      objects: [
        webDeployment,
        webRs,
        resourceQuota('compute', { 'limits.memory': '16Gi' }, { 'limits.memory': '16Gi' }, 'shop'),
        quotaRefusal(webRs, '2026-03-01T09:00:00Z'),
        quotaRefusal(webRs, '2026-03-01T11:59:00Z', 'team-quota'),
      ],
      findings: [
        {
          object: { kind: 'ResourceQuota', namespace: 'shop', name: 'compute' },
          messageId: 'exhausted',
          key: 'limits.memory',
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when ResourceQuotas were not collected',
      objects: deployment('web'),
    },
  ],
})
