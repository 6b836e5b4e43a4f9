import { defineCases } from '../detect/cases.js'
import detector from './pod-multiple-pdbs.js'
import { deployment, pod, rsName } from './lib/fixtures.js'
import { pdb } from './lib/reliability.js'

const owned = (name: string) =>
  pod(name, { labels: { app: 'web', tier: 'frontend' }, owner: { kind: 'ReplicaSet', name: rsName('web') } })
const webPods = [...deployment('web', { replicas: 2 }), owned('web-1'), owned('web-2')]
const byTier = pdb('frontends', { selector: { matchLabels: { tier: 'frontend' } } })

export default defineCases(detector, {
  valid: [
    { name: 'does not fire when one PDB selects the pods', objects: [...webPods, pdb('web')] },
    {
      name: 'does not fire when two PDBs select different pods',
      objects: [...webPods, pdb('web'), pdb('api'), pod('api-1', { labels: { app: 'api' } })],
    },
    {
      name: 'does not fire on a finished pod, which is deleted without asking a budget',
      objects: [
        pod('report-1', { labels: { app: 'web', tier: 'frontend' }, phase: 'Succeeded' }),
        pdb('web'),
        byTier,
      ],
    },
    {
      name: 'does not fire when the second PDB is in another namespace',
      objects: [
        ...webPods,
        pdb('web'),
        pdb('frontends', { namespace: 'other', selector: { matchLabels: { tier: 'frontend' } } }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires once on the Deployment whose pods two PDBs select',
      objects: [...webPods, pdb('web'), byTier],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'overlap',
          key: 'frontends,web',
          data: { count: 2, pdbs: 'frontends, web' },
        },
      ],
    },
    {
      name: 'fires when an empty policy/v1 selector overlaps a specific one',
      objects: [
        pod('tools', { labels: { app: 'tools' } }),
        pdb('tools'),
        pdb('namespace-wide', { selector: {} }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'tools' },
          messageId: 'overlap',
          data: { pod: 'tools', pdbs: 'namespace-wide, tools' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when pods were not collected', objects: [pdb('web'), byTier] }],
})
