import { defineCases } from '../detect/cases.js'
import detector from './seccomp-profile-missing.js'
import { node } from './lib/fixtures.js'
import { container, hardenedContainer, workload } from './lib/security.js'

const web = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the pod sets RuntimeDefault for every container',
      objects: [
        workload('Deployment', 'web', {
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          initContainers: [container('migrate')],
          containers: [container('app')],
        }),
      ],
    },
    {
      name: 'does not fire on a Localhost profile on the container',
      objects: [
        workload('Deployment', 'web', {
          containers: [
            container('app', {
              seccompProfile: { type: 'Localhost', localhostProfile: 'profiles/app.json' },
            }),
          ],
        }),
      ],
    },
    {
      name: 'does not fire on a privileged container (container-privileged reports it)',
      objects: [workload('Deployment', 'web', { containers: [container('app', { privileged: true })] })],
    },
    {
      name: 'does not fire in kube-system',
      objects: [workload('Deployment', 'coredns', { containers: [container('coredns')] }, 'kube-system')],
    },
  ],
  invalid: [
    {
      name: 'fires when neither the pod nor the container sets a profile',
      objects: [workload('Deployment', 'web', { containers: [container('app')] })],
      findings: [{ object: web, messageId: 'missing', data: { containers: 'app' } }],
    },
    {
      name: 'fires on a container that opts out with Unconfined under a RuntimeDefault pod',
      objects: [
        workload('Deployment', 'web', {
          securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
          containers: [hardenedContainer(), container('tracer', { seccompProfile: { type: 'Unconfined' } })],
        }),
      ],
      findings: [{ object: web, messageId: 'unconfined', data: { containers: 'tracer' } }],
    },
    {
      name: 'fires once, naming every container of a pod set to Unconfined',
      objects: [
        workload('Deployment', 'web', {
          securityContext: { seccompProfile: { type: 'Unconfined' } },
          containers: [container('app'), container('sidecar')],
        }),
      ],
      findings: [{ object: web, messageId: 'unconfined', data: { containers: 'app, sidecar' } }],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
