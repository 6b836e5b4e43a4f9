import { defineCases } from '../detect/cases.js'
import detector from './privilege-escalation-allowed.js'
import { node, pod } from './lib/fixtures.js'
import { container, hardenedContainer, workload } from './lib/security.js'

const web = { kind: 'Deployment', namespace: 'default', name: 'web' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when allowPrivilegeEscalation is false on every container',
      objects: [
        workload('Deployment', 'web', {
          initContainers: [container('migrate', { allowPrivilegeEscalation: false })],
          containers: [hardenedContainer()],
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
    {
      name: "does not fire on a mesh's injected istio-init container",
      objects: [
        pod('web-abc', {
          namespace: 'shop',
          spec: {
            initContainers: [container('istio-init', { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } })],
            containers: [hardenedContainer()],
          },
        }),
      ],
    },
    {
      name: 'does not fire on a Windows pod',
      objects: [workload('Deployment', 'win', { os: { name: 'windows' }, containers: [container('app')] })],
    },
  ],
  invalid: [
    {
      name: 'fires when allowPrivilegeEscalation is unset (it defaults to true)',
      objects: [
        workload('Deployment', 'web', { containers: [container('app'), hardenedContainer('sidecar')] }),
      ],
      findings: [{ object: web, messageId: 'allowed', data: { containers: 'app' } }],
    },
    {
      name: 'fires when allowPrivilegeEscalation is explicitly true',
      objects: [
        workload('Deployment', 'web', { containers: [container('app', { allowPrivilegeEscalation: true })] }),
      ],
      findings: [{ object: web, messageId: 'allowed', data: { containers: 'app' } }],
    },
    {
      name: 'fires once per workload, naming every container concerned, init containers included',
      objects: [
        workload('Job', 'migrate', {
          initContainers: [container('wait')],
          containers: [hardenedContainer('migrate'), container('upload', { allowPrivilegeEscalation: true })],
          restartPolicy: 'Never',
        }),
      ],
      findings: [
        {
          object: { kind: 'Job', namespace: 'default', name: 'migrate' },
          messageId: 'allowed',
          data: { containers: 'wait, upload' },
        },
      ],
    },
    {
      name: 'fires on istio-init when no container is exempt',
      params: { exemptContainers: [] },
      objects: [
        pod('web-abc', {
          namespace: 'shop',
          spec: { initContainers: [container('istio-init')], containers: [hardenedContainer()] },
        }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'shop', name: 'web-abc' },
          messageId: 'allowed',
          data: { containers: 'istio-init' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
