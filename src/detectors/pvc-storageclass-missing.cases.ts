import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './pvc-storageclass-missing.js'
import { node, statefulSet } from './lib/fixtures.js'
import { pvcFixture, storageClassFixture } from './lib/scheduling-storage.js'

const gp3 = storageClassFixture('gp3', { isDefault: true })
const SC = 'storage.k8s.io/v1/StorageClass'

// A StatefulSet `db` whose claim template `data` asks for `cls`.
function db(cls: string): KubeObject {
  const s = statefulSet('db', { namespace: 'data' })
  s.spec.volumeClaimTemplates = [
    {
      metadata: { name: 'data' },
      spec: {
        accessModes: ['ReadWriteOnce'],
        storageClassName: cls,
        resources: { requests: { storage: '20Gi' } },
      },
    },
  ]
  return s
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on claims and templates naming an existing class',
      objects: [
        gp3,
        db('gp3'),
        pvcFixture('data-db-0', { namespace: 'data', storageClassName: 'gp3', phase: 'Bound' }),
      ],
    },
    {
      name: 'does not fire on a claim with storageClassName "" (a pre-created volume) or none (the default)',
      objects: [
        gp3,
        pvcFixture('static', { namespace: 'data', storageClassName: '', phase: 'Pending' }),
        pvcFixture('defaulted', { namespace: 'data', storageClassName: null, phase: 'Pending' }),
      ],
    },
    {
      name: 'does not fire on a bound claim whose class was deleted since (its volume keeps working)',
      objects: [gp3, pvcFixture('old', { namespace: 'data', storageClassName: 'gp2', phase: 'Bound' })],
    },
  ],
  invalid: [
    {
      name: 'fires on a pending claim asking for a class from another cloud',
      objects: [
        gp3,
        pvcFixture('uploads', { namespace: 'shop', storageClassName: 'standard-rwo', phase: 'Pending' }),
      ],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'uploads' },
          messageId: 'claim',
          data: { class: 'standard-rwo', available: 'gp3' },
        },
      ],
    },
    {
      name: 'fires on a rendered claim naming a missing class (a configuration check)',
      objects: [gp3, pvcFixture('uploads', { namespace: 'shop', storageClassName: 'fast' })],
      findings: [
        { object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'uploads' }, messageId: 'claim' },
      ],
    },
    {
      name: 'reads the old beta annotation as the class',
      objects: [
        gp3,
        pvcFixture('legacy', {
          namespace: 'shop',
          storageClassName: null,
          phase: 'Pending',
          annotations: { 'volume.beta.kubernetes.io/storage-class': 'slow' },
        }),
      ],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'legacy' },
          messageId: 'claim',
          data: { class: 'slow' },
        },
      ],
    },
    {
      name: 'fires once on the StatefulSet for its template, not again on the claims made from it',
      objects: [
        gp3,
        db('fast-ssd'),
        pvcFixture('data-db-0', { namespace: 'data', storageClassName: 'fast-ssd', phase: 'Pending' }),
        pvcFixture('data-db-1', { namespace: 'data', storageClassName: 'fast-ssd', phase: 'Pending' }),
        pvcFixture('data-other-0', { namespace: 'data', storageClassName: 'fast-ssd', phase: 'Pending' }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'data', name: 'db' },
          messageId: 'template',
          key: 'data',
          data: { template: 'data', class: 'fast-ssd' },
        },
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'data', name: 'data-other-0' },
          messageId: 'claim',
        },
      ],
    },
    {
      name: 'fires on a StatefulSet template when claims were not collected, in a cluster with no class at all',
      collected: [SC],
      objects: [db('gp3')],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'data', name: 'db' },
          messageId: 'template',
          data: { available: 'none' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when StorageClasses were not collected',
      objects: [pvcFixture('uploads', { namespace: 'shop', storageClassName: 'fast', phase: 'Pending' })],
    },
    { name: 'is skipped when neither claims nor StatefulSets were collected', objects: [gp3, node('n1')] },
  ],
})
