import { defineCases } from '../detect/cases.js'
import detector from './run-as-root.js'
import { node, pod } from './lib/fixtures.js'
import { container, hardenedContainer, workload } from './lib/security.js'

const web = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the container sets runAsNonRoot and a UID',
      objects: [workload('Deployment', 'web', { containers: [hardenedContainer()] })],
    },
    {
      name: 'does not fire when the pod securityContext sets runAsNonRoot for every container',
      objects: [
        workload('Deployment', 'web', {
          securityContext: { runAsNonRoot: true },
          initContainers: [container('migrate')],
          containers: [container('app')],
        }),
      ],
    },
    {
      name: 'does not fire on a non-zero runAsUser without runAsNonRoot',
      objects: [
        workload('Deployment', 'web', {
          securityContext: { runAsUser: 1000 },
          containers: [container('app')],
        }),
      ],
    },
    {
      name: 'does not fire in kube-system',
      objects: [
        workload('DaemonSet', 'kube-proxy', { containers: [container('kube-proxy')] }, 'kube-system'),
      ],
    },
    {
      name: "does not fire on the mesh's istio-init, which runs as root by design",
      objects: [
        pod('web-abc', {
          namespace: 'shop',
          spec: {
            initContainers: [container('istio-init', { runAsUser: 0, runAsNonRoot: false })],
            containers: [hardenedContainer()],
          },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when neither pod nor container says anything about the user',
      objects: [
        workload('Deployment', 'web', { containers: [container('app'), hardenedContainer('sidecar')] }),
      ],
      findings: [{ object: web, messageId: 'mayRunAsRoot', data: { containers: 'app' } }],
    },
    {
      name: 'fires when the container overrides the pod with runAsNonRoot: false',
      objects: [
        workload('Deployment', 'web', {
          securityContext: { runAsNonRoot: true },
          containers: [container('app', { runAsNonRoot: false })],
        }),
      ],
      findings: [{ object: web, messageId: 'mayRunAsRoot', data: { containers: 'app' } }],
    },
    {
      name: 'fires on runAsUser 0 in the pod securityContext, even with runAsNonRoot',
      objects: [
        workload('StatefulSet', 'db', {
          securityContext: { runAsUser: 0 },
          containers: [container('db', { runAsNonRoot: true })],
        }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'uidZero',
          data: { containers: 'db' },
        },
      ],
    },
    {
      name: 'names the container told to run as UID 0 over one that merely may, overriding a non-root pod',
      objects: [
        workload('CronJob', 'backup', {
          securityContext: { runAsNonRoot: true, runAsUser: 1000 },
          containers: [container('backup', { runAsUser: 0 }), container('upload', { runAsNonRoot: false })],
        }),
      ],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'default', name: 'backup' },
          messageId: 'uidZero',
          data: { containers: 'backup' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
