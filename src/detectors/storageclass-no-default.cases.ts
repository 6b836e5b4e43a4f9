import { defineCases } from '../detect/cases.js'
import detector from './storageclass-no-default.js'
import { node } from './lib/fixtures.js'
import { pvcFixture, storageClassFixture } from './lib/scheduling-storage.js'

const NOW = '2026-03-01T12:00:00Z'
const CLUSTER = { kind: 'Cluster', name: 'test' }
const gp3 = storageClassFixture('gp3', { isDefault: true, created: '2025-06-01T00:00:00Z' })
const standard = storageClassFixture('standard', { provisioner: 'kubernetes.io/aws-ebs' })
const stuck = (name: string, created = '2026-03-01T11:00:00Z') =>
  pvcFixture(name, { namespace: 'shop', phase: 'Pending', storageClassName: null, created })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire with exactly one default class',
      now: NOW,
      objects: [gp3, standard, stuck('data')],
    },
    {
      name: 'does not fire without a default when no claim depends on one',
      now: NOW,
      objects: [
        standard,
        pvcFixture('data', { namespace: 'shop', phase: 'Bound', storageClassName: 'standard' }),
      ],
    },
    {
      name: 'does not fire yet for a claim without class created two minutes ago',
      now: NOW,
      objects: [standard, stuck('data', '2026-03-01T11:58:00Z')],
    },
    {
      name: 'does not count the old beta annotation set to false as default',
      now: NOW,
      objects: [
        gp3,
        {
          ...standard,
          metadata: {
            ...standard.metadata,
            annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'false' },
          },
        },
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on the cluster when two classes are marked default, naming the newest',
      now: NOW,
      objects: [
        gp3,
        storageClassFixture('local-path', {
          isDefault: true,
          provisioner: 'rancher.io/local-path',
          created: '2026-02-01T00:00:00Z',
        }),
      ],
      findings: [
        {
          object: CLUSTER,
          messageId: 'severalDefaults',
          key: 'severalDefaults',
          data: { count: 2, classes: 'gp3 and local-path', chosen: 'local-path' },
        },
      ],
    },
    {
      name: 'counts the old beta default annotation too',
      now: NOW,
      objects: [
        gp3,
        {
          ...standard,
          metadata: {
            ...standard.metadata,
            annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' },
          },
        },
      ],
      findings: [{ object: CLUSTER, messageId: 'severalDefaults', data: { count: 2 } }],
    },
    {
      name: 'fires when no class is default and claims without class are stuck',
      now: NOW,
      objects: [
        standard,
        stuck('data'),
        stuck('cache'),
        pvcFixture('ok', { namespace: 'shop', phase: 'Bound' }),
      ],
      findings: [
        {
          object: CLUSTER,
          messageId: 'noDefault',
          key: 'noDefault',
          data: { count: 2, claims: 'shop/cache and shop/data' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when StorageClasses were not collected', objects: [node('n1'), stuck('data')] }],
})
