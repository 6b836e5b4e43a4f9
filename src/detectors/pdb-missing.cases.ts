import { defineCases } from '../detect/cases.js'
import detector from './pdb-missing.js'
import { hpa } from './lib/fixtures.js'
import { container, pdb, workload } from './lib/reliability.js'

const spec = { containers: [container()] }
const web = (replicas: number | null, namespace = 'default') =>
  workload('Deployment', 'web', spec, { replicas, namespace, labels: { app: 'web', tier: 'frontend' } })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when a PDB selects the pods',
      objects: [web(3), pdb('web', { selector: { matchLabels: { app: 'web' } } })],
    },
    {
      name: 'does not fire when a PDB selects the pods with matchExpressions',
      objects: [
        web(3),
        pdb('frontends', {
          selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['frontend'] }] },
        }),
      ],
    },
    {
      name: 'does not fire on a single replica (single-replica covers it)',
      objects: [web(1), pdb('other', { selector: { matchLabels: { app: 'other' } } })],
    },
    {
      name: 'does not fire in kube-system',
      objects: [web(3, 'kube-system'), pdb('other', { selector: { matchLabels: { app: 'other' } } })],
    },
    {
      name: 'does not fire when a policy/v1 PDB with an empty selector covers every pod of the namespace',
      objects: [web(3), pdb('all', { selector: {} })],
    },
  ],
  invalid: [
    {
      name: 'fires on a three-replica Deployment without a PDB',
      objects: [web(3)],
      collected: ['policy/v1/PodDisruptionBudget'],
      findings: [
        {
          object: WEB,
          messageId: 'missing',
          data: { workload: 'Deployment/web', replicas: 3, labels: 'app=web,tier=frontend' },
        },
      ],
    },
    {
      name: 'fires when the only PDB selects a label value the pods do not have',
      objects: [web(2), pdb('web', { selector: { matchLabels: { app: 'web-frontend' } } })],
      findings: [{ object: WEB, messageId: 'missing', data: { replicas: 2 } }],
    },
    {
      name: 'fires when the matching PDB is in another namespace',
      objects: [web(2), pdb('web', { namespace: 'other', selector: { matchLabels: { app: 'web' } } })],
      findings: [{ object: WEB, messageId: 'missing' }],
    },
    {
      name: 'fires on a manifest without replicas whose HPA keeps at least three',
      objects: [web(null), hpa('web', { minReplicas: 3 })],
      collected: ['policy/v1/PodDisruptionBudget'],
      findings: [{ object: WEB, messageId: 'missing', data: { replicas: 3 } }],
    },
    {
      name: 'fires on a multi-replica StatefulSet, as the empty selector of a policy/v1beta1 PDB selects nothing',
      objects: [
        workload('StatefulSet', 'db', spec, { replicas: 3 }),
        pdb('all', { selector: {}, apiVersion: 'policy/v1beta1' }),
      ],
      findings: [{ object: { kind: 'StatefulSet', namespace: 'default', name: 'db' }, messageId: 'missing' }],
    },
  ],
  skip: [{ name: 'is skipped when PodDisruptionBudgets were not collected', objects: [web(3)] }],
})
