import { defineCases } from '../detect/cases.js'
import detector from './readonly-root-filesystem-missing.js'
import { node } from './lib/fixtures.js'
import { container, hardenedContainer, workload } from './lib/security.js'

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every container has a read-only root filesystem',
      objects: [
        workload('Deployment', 'web', {
          initContainers: [container('migrate', { readOnlyRootFilesystem: true })],
          containers: [hardenedContainer()],
        }),
      ],
    },
    {
      name: 'does not fire in a system namespace',
      objects: [
        workload('Deployment', 'cert-manager', { containers: [container('controller')] }, 'cert-manager'),
      ],
    },
    {
      name: 'does not fire on a Windows pod',
      objects: [workload('Deployment', 'win', { os: { name: 'windows' }, containers: [container('app')] })],
    },
  ],
  invalid: [
    {
      name: 'fires once for the workload, naming a container that does not set it and one that sets it false',
      objects: [
        workload(
          'Deployment',
          'web',
          {
            containers: [container('app'), container('sidecar', { readOnlyRootFilesystem: false })],
          },
          'shop',
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'writable',
          data: { containers: 'app, sidecar' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
