import { defineCases } from '../detect/cases.js'
import detector from './single-replica.js'
import { hpa } from './lib/fixtures.js'
import { container, workload } from './lib/reliability.js'

const spec = { containers: [container()] }
const web = (replicas: number | null, namespace = 'default') =>
  workload('Deployment', 'web', spec, { replicas, namespace })
const WEB = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    { name: 'does not fire on a Deployment with two replicas', objects: [web(2)] },
    { name: 'does not fire on a Deployment scaled to zero on purpose', objects: [web(0)] },
    {
      name: 'does not fire when an HPA keeps at least two replicas, even if the manifest says one',
      objects: [web(1), hpa('web', { minReplicas: 2 })],
    },
    {
      name: 'does not fire when an HPA with minReplicas 1 has scaled the Deployment up to three',
      objects: [web(3), hpa('web', { minReplicas: 1 })],
    },
    { name: 'does not fire in kube-system', objects: [web(1, 'kube-system')] },
    {
      name: 'does not fire on a DaemonSet, which runs one pod per node by design',
      objects: [workload('DaemonSet', 'agent', spec), web(2)],
    },
  ],
  invalid: [
    {
      name: 'fires on a Deployment with one replica',
      objects: [web(1)],
      findings: [{ object: WEB, messageId: 'single', data: { workload: 'Deployment/web' } }],
    },
    {
      name: 'fires on a manifest that leaves replicas out (the default is one)',
      objects: [web(null)],
      findings: [{ object: WEB, messageId: 'single' }],
    },
    {
      name: 'fires on a single-replica StatefulSet',
      objects: [workload('StatefulSet', 'db', spec, { replicas: 1 })],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'single',
          data: { workload: 'StatefulSet/db' },
        },
      ],
    },
    {
      name: 'fires with hpaMinOne when the HPA lets it shrink to one replica',
      objects: [web(1), hpa('web-hpa', { target: { kind: 'Deployment', name: 'web' }, minReplicas: 1 })],
      findings: [{ object: WEB, messageId: 'hpaMinOne', data: { hpa: 'web-hpa', min: 1 } }],
    },
    {
      name: 'fires when the HPA with two replicas targets another Deployment of the same name in another namespace',
      objects: [web(1), hpa('web', { namespace: 'other', minReplicas: 3 })],
      findings: [{ object: WEB, messageId: 'single' }],
    },
  ],
  skip: [
    { name: 'is skipped when neither Deployments nor StatefulSets were collected', objects: [hpa('web')] },
  ],
})
