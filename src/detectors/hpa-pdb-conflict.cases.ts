import { defineCases } from '../detect/cases.js'
import detector from './hpa-pdb-conflict.js'
import { fxPdb, fxWorkload } from './lib/autoscaling.js'
import { deployment, hpa } from './lib/fixtures.js'

const HPA_WEB = { kind: 'HorizontalPodAutoscaler', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the PDB lets one pod go (maxUnavailable 1)',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 2 }),
        fxPdb('web', 'web', { maxUnavailable: 1 }),
      ],
    },
    {
      name: 'does not fire when minAvailable is one below the HPA minimum',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 3 }),
        fxPdb('web', 'web', { minAvailable: 2 }),
      ],
    },
    {
      name: 'does not fire on a percentage that leaves a pod to evict at the minimum (50% of 2 is 1)',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 2 }),
        fxPdb('web', 'web', { minAvailable: '50%' }),
      ],
    },
    {
      name: 'does not fire when the PDB selects other pods',
      objects: [
        ...fxWorkload('web'),
        ...deployment('api'),
        hpa('web', { minReplicas: 2 }),
        fxPdb('api', 'api', { minAvailable: 2 }),
      ],
    },
    {
      name: 'does not fire when the strict PDB is in another namespace',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 2 }),
        fxPdb('web', 'web', { minAvailable: 2 }, 'other'),
      ],
    },
    {
      name: 'does not fire on a strict PDB over a workload without HPA',
      objects: [
        ...fxWorkload('web'),
        ...deployment('api'),
        hpa('api'),
        fxPdb('web', 'web', { minAvailable: 2 }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when minAvailable equals the HPA minimum',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 2 }),
        fxPdb('web-pdb', 'web', { minAvailable: 2 }),
      ],
      findings: [
        {
          object: HPA_WEB,
          messageId: 'minAvailable',
          key: 'web-pdb',
          data: { pdb: 'web-pdb', required: '2', min: 2, target: 'Deployment/web' },
        },
      ],
    },
    {
      name: 'fires when minAvailable is above the HPA minimum left at its default of 1',
      objects: [
        ...fxWorkload('web'),
        { ...hpa('web'), spec: { ...hpa('web').spec, minReplicas: undefined } },
        fxPdb('web', 'web', { minAvailable: 1 }),
      ],
      findings: [{ object: HPA_WEB, messageId: 'minAvailable', data: { min: 1 } }],
    },
    {
      name: 'fires when minAvailable is 100%',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 3 }),
        fxPdb('web', 'web', { minAvailable: '100%' }),
      ],
      findings: [{ object: HPA_WEB, messageId: 'minAvailable', data: { required: '100%', min: 3 } }],
    },
    {
      name: 'fires when a percentage rounds up to the HPA minimum (80% of 2 is 2)',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 2 }),
        fxPdb('web', 'web', { minAvailable: '80%' }),
      ],
      findings: [{ object: HPA_WEB, messageId: 'minAvailable' }],
    },
    {
      name: 'fires when maxUnavailable is 0',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 4 }),
        fxPdb('web', 'web', { maxUnavailable: 0 }),
      ],
      findings: [{ object: HPA_WEB, messageId: 'maxUnavailableZero', data: { maxUnavailable: '0', min: 4 } }],
    },
    {
      name: 'fires when maxUnavailable is 0%',
      objects: [
        ...fxWorkload('web'),
        hpa('web', { minReplicas: 4 }),
        fxPdb('web', 'web', { maxUnavailable: '0%' }),
      ],
      findings: [{ object: HPA_WEB, messageId: 'maxUnavailableZero', data: { maxUnavailable: '0%' } }],
    },
  ],
  skip: [
    { name: 'is skipped when PDBs were not collected', objects: [...fxWorkload('web'), hpa('web')] },
    {
      name: 'is skipped when no workload kind was collected',
      objects: [hpa('web'), fxPdb('web', 'web', { minAvailable: 2 })],
    },
  ],
})
