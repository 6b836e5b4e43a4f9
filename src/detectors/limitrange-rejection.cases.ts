import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './limitrange-rejection.js'
import { deployment, event, rsName, statefulSet } from './lib/fixtures.js'
import { limitRangeFixture } from './lib/scheduling-storage.js'

const NOW = '2026-03-01T12:00:00Z'
const RECENT = '2026-03-01T11:50:00Z'

// A Deployment that wants 3 pods and whose ReplicaSet has 2 so far.
const [web, webRs] = deployment('web', { namespace: 'shop', replicas: 3 }) as [KubeObject, KubeObject]
const limits = limitRangeFixture(
  'limits',
  { max: { cpu: '2', memory: '4Gi' }, min: { memory: '64Mi' } },
  'shop',
)
const refused = (about: KubeObject, reason: string, at = RECENT) =>
  event(
    about,
    'FailedCreate',
    `Error creating: pods "${about.metadata.name}-abcde" is forbidden: ${reason}`,
    {
      at,
      name: `${about.metadata.name}.failedcreate.${at}`,
    },
  )
const MAX_CPU = 'maximum cpu usage per Container is 2, but limit is 4'
const job: KubeObject = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'migrate', namespace: 'shop', uid: 'uid-job-shop-migrate' },
  spec: { template: { spec: { containers: [{ name: 'migrate', image: 'registry.example.com/m:1' }] } } },
  status: { active: 0 },
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a FailedCreate that is not a LimitRange refusal (a quota)',
      now: NOW,
      objects: [
        web,
        webRs,
        refused(webRs, 'exceeded quota: compute, requested: pods=1, used: pods=10, limited: pods=10'),
      ],
    },
    {
      name: 'does not fire on a refusal older than maxAge',
      now: NOW,
      objects: [web, webRs, limits, refused(webRs, MAX_CPU, '2026-03-01T10:30:00Z')],
    },
    {
      name: 'does not fire once the controller created a pod after the refusal',
      now: NOW,
      objects: [
        web,
        webRs,
        limits,
        refused(webRs, MAX_CPU),
        event(webRs, 'SuccessfulCreate', `Created pod: ${rsName('web')}-qwert`, {
          type: 'Normal',
          at: '2026-03-01T11:55:00Z',
        }),
      ],
    },
    {
      name: 'does not fire when the ReplicaSet already has all its pods',
      now: NOW,
      objects: [web, { ...webRs, status: { replicas: 3 } }, limits, refused(webRs, MAX_CPU)],
    },
  ],
  invalid: [
    {
      name: 'fires on the Deployment and names the LimitRange when a container asks for more CPU than the maximum',
      now: NOW,
      objects: [web, webRs, limits, refused(webRs, MAX_CPU)],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'rejected',
          data: {
            limitRange: 'limits',
            objects: 'pods',
            violation: 'the cpu limit of 4 is above the maximum of 2 per Container',
          },
        },
      ],
    },
    {
      name: 'fires with rejectedUnnamed when LimitRanges were not collected',
      now: NOW,
      objects: [web, webRs, refused(webRs, MAX_CPU)],
      findings: [
        { object: { kind: 'Deployment', namespace: 'shop', name: 'web' }, messageId: 'rejectedUnnamed' },
      ],
    },
    {
      name: 'fires on the ReplicaSet named by the event when ReplicaSets were not collected',
      now: NOW,
      objects: [limits, refused(webRs, MAX_CPU)],
      findings: [
        {
          object: { kind: 'ReplicaSet', namespace: 'shop', name: rsName('web') },
          messageId: 'rejected',
          data: { limitRange: 'limits' },
        },
      ],
    },
    {
      name: 'fires on a StatefulSet whose volume claims are larger than the LimitRange allows',
      now: NOW,
      objects: [
        statefulSet('db', { namespace: 'shop' }),
        limitRangeFixture('limits', {}, 'shop', [
          { type: 'PersistentVolumeClaim', max: { storage: '10Gi' }, min: { storage: '1Gi' } },
        ]),
        event(
          statefulSet('db', { namespace: 'shop' }),
          'FailedCreate',
          'create Claim data-db-0 for Pod db-0 in StatefulSet db failed error: persistentvolumeclaims "data-db-0" is forbidden: maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi',
          { at: RECENT },
        ),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'shop', name: 'db' },
          messageId: 'rejected',
          data: {
            objects: 'PersistentVolumeClaims',
            violation: 'the storage request of 20Gi is above the maximum of 10Gi per PersistentVolumeClaim',
          },
        },
      ],
    },
    {
      name: 'fires on a Job whose container sets no memory request under a minimum',
      now: NOW,
      objects: [
        job,
        limits,
        refused(job, 'minimum memory usage per Container is 64Mi.  No request is specified'),
      ],
      findings: [
        {
          object: { kind: 'Job', namespace: 'shop', name: 'migrate' },
          messageId: 'rejected',
          data: { violation: 'no memory request is set, but every Container needs one (minimum 64Mi)' },
        },
      ],
    },
    {
      name: 'reads several violations and a limit-to-request ratio, naming the LimitRange whose value matches',
      now: NOW,
      objects: [
        web,
        webRs,
        limits,
        limitRangeFixture('ratios', { maxLimitRequestRatio: { cpu: '2' } }, 'shop'),
        refused(
          webRs,
          '[cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000, maximum memory usage per Container is 4Gi, but limit is 8Gi]',
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'rejected',
          data: {
            limitRange: 'ratios',
            violation: 'the cpu limit is 4.0 times the request, above the allowed ratio of 2 per Container',
          },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when events were not collected', objects: [web, webRs, limits] }],
})
