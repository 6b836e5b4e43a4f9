import { defineCases } from '../detect/cases.js'
import detector from './pvc-pending.js'
import { event, node } from './lib/fixtures.js'
import { pvcFixture, storageClassFixture } from './lib/scheduling-storage.js'

const NOW = '2026-03-01T12:00:00Z'
const TEN_MINUTES_AGO = '2026-03-01T11:50:00Z'
const gp3 = storageClassFixture('gp3', { isDefault: true })
const standard = storageClassFixture('standard', {
  bindingMode: 'Immediate',
  provisioner: 'pd.csi.storage.gke.io',
})
const SC = 'storage.k8s.io/v1/StorageClass'
const claim = pvcFixture('data', { namespace: 'shop', phase: 'Pending', created: TEN_MINUTES_AGO })
const scheduled = pvcFixture('data', {
  namespace: 'shop',
  phase: 'Pending',
  storageClassName: 'gp3',
  created: '2026-02-27T00:00:00Z',
  annotations: {
    'volume.kubernetes.io/selected-node': 'node-a',
    'volume.kubernetes.io/storage-provisioner': 'ebs.csi.aws.com',
  },
})
const externalProvisioning = (at: string) =>
  event(
    scheduled,
    'ExternalProvisioning',
    "Waiting for a volume to be created either by the external provisioner 'ebs.csi.aws.com' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.",
    { type: 'Normal', at },
  )

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a bound claim',
      now: NOW,
      objects: [standard, pvcFixture('data', { namespace: 'shop', phase: 'Bound' })],
    },
    {
      name: 'does not fire yet on a claim pending for two minutes',
      now: NOW,
      objects: [
        standard,
        pvcFixture('data', { namespace: 'shop', phase: 'Pending', created: '2026-03-01T11:58:00Z' }),
      ],
    },
    {
      name: 'does not fire on a WaitForFirstConsumer claim that no pod uses yet, however old',
      now: NOW,
      objects: [
        gp3,
        pvcFixture('data', {
          namespace: 'shop',
          phase: 'Pending',
          storageClassName: 'gp3',
          created: '2026-02-01T00:00:00Z',
        }),
      ],
    },
    {
      name: 'does not fire yet when provisioning started two minutes ago for an old WaitForFirstConsumer claim',
      now: NOW,
      objects: [gp3, scheduled, externalProvisioning('2026-03-01T11:58:00Z')],
    },
    {
      name: 'does not fire on a rendered claim without status',
      now: NOW,
      objects: [standard, pvcFixture('data', { namespace: 'shop' })],
    },
    {
      name: 'leaves a claim whose StorageClass does not exist to pvc-storageclass-missing',
      now: NOW,
      objects: [
        gp3,
        pvcFixture('data', {
          namespace: 'shop',
          phase: 'Pending',
          storageClassName: 'fast',
          created: TEN_MINUTES_AGO,
        }),
      ],
    },
    {
      name: 'leaves a claim without class, among classes none of which is default, to storageclass-no-default',
      now: NOW,
      objects: [
        standard,
        pvcFixture('data', {
          namespace: 'shop',
          phase: 'Pending',
          storageClassName: null,
          created: TEN_MINUTES_AGO,
        }),
      ],
    },
    {
      name: 'does not guess when neither StorageClasses nor events show what the claim waits for',
      now: NOW,
      objects: [claim],
    },
  ],
  invalid: [
    {
      name: 'fires with provisioningFailed and the provisioner error',
      now: NOW,
      objects: [
        standard,
        claim,
        event(
          claim,
          'ProvisioningFailed',
          'failed to provision volume with StorageClass "standard": rpc error: code = ResourceExhausted desc = Quota SSD_TOTAL_GB exceeded. Limit: 500.0 in region europe-west1.',
          { at: '2026-03-01T11:59:00Z', count: 7 },
        ),
      ],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
          messageId: 'provisioningFailed',
          data: { for: '10m' },
        },
      ],
    },
    {
      name: 'fires with notProvisioned when an Immediate class has not delivered a volume in ten minutes',
      now: NOW,
      objects: [standard, claim],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
          messageId: 'notProvisioned',
          data: { provisioner: 'pd.csi.storage.gke.io', class: 'standard', for: '10m' },
        },
      ],
    },
    {
      name: 'fires when the pod was scheduled twenty minutes ago and the provisioner has not acted',
      now: NOW,
      objects: [gp3, scheduled, externalProvisioning('2026-03-01T11:40:00Z')],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
          messageId: 'notProvisioned',
          data: { provisioner: 'ebs.csi.aws.com', class: 'gp3', for: '20m' },
        },
      ],
    },
    {
      name: 'fires from the events alone when StorageClasses were not collected',
      now: NOW,
      objects: [scheduled, externalProvisioning('2026-03-01T11:40:00Z')],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
          messageId: 'notProvisioned',
          data: { provisioner: 'ebs.csi.aws.com', class: 'gp3', for: '20m' },
        },
      ],
    },
    {
      name: 'fires with noMatchingVolume for a claim of a pre-created volume that does not exist',
      now: NOW,
      objects: [
        gp3,
        pvcFixture('legacy', {
          namespace: 'shop',
          phase: 'Pending',
          storageClassName: '',
          created: TEN_MINUTES_AGO,
          size: '500Gi',
        }),
      ],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'legacy' },
          messageId: 'noMatchingVolume',
          data: { size: '500Gi' },
        },
      ],
    },
    {
      name: 'fires with preboundVolume for a claim naming a volume it cannot bind',
      now: NOW,
      objects: [
        gp3,
        pvcFixture('restore', {
          namespace: 'shop',
          phase: 'Pending',
          storageClassName: 'gp3',
          created: TEN_MINUTES_AGO,
          volumeName: 'pv-restored',
        }),
      ],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'restore' },
          messageId: 'preboundVolume',
          data: { volume: 'pv-restored' },
        },
      ],
    },
    {
      name: 'fires with noStorageClass when the cluster has no StorageClass at all',
      now: NOW,
      collected: [SC],
      objects: [
        pvcFixture('data', {
          namespace: 'shop',
          phase: 'Pending',
          storageClassName: null,
          created: TEN_MINUTES_AGO,
        }),
      ],
      findings: [
        {
          object: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
          messageId: 'noStorageClass',
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when claims were not collected', objects: [node('n1')] }],
})
