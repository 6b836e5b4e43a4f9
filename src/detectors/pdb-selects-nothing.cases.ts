import { defineCases } from '../detect/cases.js'
import detector from './pdb-selects-nothing.js'
import { pod } from './lib/fixtures.js'
import { container, pdb, workload } from './lib/reliability.js'

const webPods = [pod('web-1', { labels: { app: 'web' } }), pod('web-2', { labels: { app: 'web' } })]
const PDB = (name: string) => ({ kind: 'PodDisruptionBudget', namespace: 'default', name })

export default defineCases(detector, {
  valid: [
    { name: 'does not fire when the PDB selects running pods', objects: [...webPods, pdb('web')] },
    {
      name: 'does not fire on a PDB whose Deployment is scaled to zero on purpose',
      objects: [
        workload('Deployment', 'batch-api', { containers: [container()] }, { replicas: 0 }),
        pdb('batch-api'),
        ...webPods,
      ],
    },
    {
      name: 'does not fire on a policy/v1 PDB with an empty selector, which selects every pod of the namespace',
      objects: [...webPods, pdb('everything', { selector: {} })],
    },
    {
      name: 'does not fire when a matchExpressions selector matches',
      objects: [
        ...webPods,
        pdb('web', {
          selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a label typo and shows the values the pods have',
      objects: [...webPods, pdb('web', { selector: { matchLabels: { app: 'wbe' } } })],
      findings: [{ object: PDB('web'), messageId: 'noPods', data: { selector: 'app=wbe' } }],
    },
    {
      name: 'fires when the matching pods are in another namespace',
      objects: [pod('web-1', { labels: { app: 'web' }, namespace: 'shop' }), pdb('web')],
      findings: [{ object: PDB('web'), messageId: 'noPods' }],
    },
    {
      name: 'fires when the namespace has no pod at all',
      objects: [pdb('web'), pod('other', { namespace: 'elsewhere' })],
      findings: [{ object: PDB('web'), messageId: 'noPods' }],
    },
    {
      name: 'fires on a PDB without a selector',
      objects: [...webPods, pdb('web', { selector: null })],
      findings: [{ object: PDB('web'), messageId: 'noSelector' }],
    },
    {
      name: 'fires on a policy/v1beta1 PDB with an empty selector, which selects nothing in that version',
      objects: [...webPods, pdb('everything', { selector: {}, apiVersion: 'policy/v1beta1' })],
      findings: [{ object: PDB('everything'), messageId: 'noPods', data: { selector: 'an empty selector' } }],
    },
    {
      name: 'fires when the Deployment the PDB was meant for still has replicas but other labels',
      objects: [
        workload(
          'Deployment',
          'api',
          { containers: [container()] },
          { replicas: 2, labels: { app: 'api-v2' } },
        ),
        pod('api-1', { labels: { app: 'api-v2' } }),
        pdb('api'),
      ],
      findings: [{ object: PDB('api'), messageId: 'noPods', data: { selector: 'app=api' } }],
    },
  ],
  skip: [
    { name: 'is skipped when pods were not collected', objects: [pdb('web')] },
    { name: 'is skipped when PodDisruptionBudgets were not collected', objects: webPods },
  ],
})
