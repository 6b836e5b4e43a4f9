import { defineCases } from '../detect/cases.js'
import detector from './dangling-pvc-ref.js'
import { pod } from './lib/fixtures.js'
import { container, named, workload } from './lib/reliability.js'

const claim = (name: string) =>
  named('v1/PersistentVolumeClaim', name, { spec: { resources: { requests: { storage: '10Gi' } } } })
const data = (claimName: string) => ({
  containers: [container()],
  volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
})
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the claim exists',
      objects: [workload('Deployment', 'web', data('web-data')), claim('web-data')],
    },
    {
      name: 'does not fire on StatefulSet claims created from volumeClaimTemplates',
      objects: [
        workload(
          'StatefulSet',
          'db',
          { containers: [container({ volumeMounts: [{ name: 'data', mountPath: '/var/lib/db' }] })] },
          {
            spec: {
              volumeClaimTemplates: [
                { metadata: { name: 'data' }, spec: { resources: { requests: { storage: '10Gi' } } } },
              ],
            },
          },
        ),
      ],
      collected: ['v1/PersistentVolumeClaim'],
    },
    {
      name: 'does not fire on a generic ephemeral volume, whose claim the pod creates',
      objects: [
        workload('Deployment', 'web', {
          containers: [container()],
          volumes: [
            {
              name: 'scratch',
              ephemeral: { volumeClaimTemplate: { spec: { resources: { requests: { storage: '1Gi' } } } } },
            },
          ],
        }),
        claim('other'),
      ],
    },
    {
      name: 'does not fire on a finished bare pod',
      objects: [pod('restore', { phase: 'Failed', spec: data('backup') }), claim('other')],
    },
  ],
  invalid: [
    {
      name: 'fires on a claim that does not exist',
      objects: [workload('Deployment', 'web', data('web-dat')), claim('web-data')],
      findings: [
        {
          object: WEB,
          messageId: 'missing',
          key: 'web-dat',
          data: { claim: 'web-dat', usedBy: 'volume data', workload: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires on a StatefulSet volume that names a shared claim that does not exist',
      objects: [workload('StatefulSet', 'db', data('shared-backup'))],
      collected: ['v1/PersistentVolumeClaim'],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'missing',
          data: { claim: 'shared-backup' },
        },
      ],
    },
    {
      name: 'fires on a bare pod whose claim was deleted',
      objects: [pod('restore', { spec: data('backup') }), claim('other')],
      findings: [{ object: { kind: 'Pod', namespace: 'default', name: 'restore' }, messageId: 'missing' }],
    },
  ],
  skip: [
    {
      name: 'is skipped when PersistentVolumeClaims were not collected',
      objects: [workload('Deployment', 'web', data('web-data'))],
    },
  ],
})
