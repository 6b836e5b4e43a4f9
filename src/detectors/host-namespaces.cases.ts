import { defineCases } from '../detect/cases.js'
import detector from './host-namespaces.js'
import { node, pod } from './lib/fixtures.js'
import { container, hardenedContainer, workload } from './lib/security.js'

const agent = { kind: 'DaemonSet', namespace: 'observability', name: 'node-agent' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a pod in its own namespaces',
      objects: [workload('Deployment', 'web', { containers: [hardenedContainer()] })],
    },
    {
      name: 'does not fire when the host fields are explicitly false',
      objects: [
        workload('Deployment', 'web', {
          hostNetwork: false,
          hostPID: false,
          hostIPC: false,
          containers: [hardenedContainer()],
        }),
      ],
    },
    {
      name: 'does not fire on kube-proxy on the host network in kube-system',
      objects: [
        workload(
          'DaemonSet',
          'kube-proxy',
          { hostNetwork: true, containers: [container('kube-proxy', { privileged: true })] },
          'kube-system',
        ),
      ],
    },
    {
      name: 'does not fire on a node exporter in monitoring',
      objects: [
        workload(
          'DaemonSet',
          'node-exporter',
          { hostNetwork: true, hostPID: true, containers: [container('exporter')] },
          'monitoring',
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on an app on the host network',
      objects: [
        workload('Deployment', 'web', { hostNetwork: true, containers: [hardenedContainer()] }, 'shop'),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'shop', name: 'web' },
          messageId: 'hostNetwork',
          key: 'hostNetwork',
          data: { field: 'hostNetwork', path: 'spec.template.spec' },
        },
      ],
    },
    {
      name: 'fires once per host namespace shared',
      objects: [
        workload(
          'DaemonSet',
          'node-agent',
          { hostNetwork: true, hostPID: true, hostIPC: true, containers: [container('agent')] },
          'observability',
        ),
      ],
      findings: [
        { object: agent, messageId: 'hostNetwork', key: 'hostNetwork' },
        { object: agent, messageId: 'hostPID', key: 'hostPID' },
        { object: agent, messageId: 'hostIPC', key: 'hostIPC' },
      ],
    },
    {
      name: 'fires on a bare debug pod sharing the host PID namespace',
      objects: [
        pod('debug', { namespace: 'default', spec: { hostPID: true, containers: [container('shell')] } }),
      ],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'debug' },
          messageId: 'hostPID',
          data: { path: 'spec' },
        },
      ],
    },
    {
      name: 'fires in monitoring when it is removed from the system namespaces',
      params: { systemNamespaces: ['kube-system'] },
      objects: [
        workload(
          'DaemonSet',
          'node-exporter',
          { hostPID: true, containers: [container('exporter')] },
          'monitoring',
        ),
      ],
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'monitoring', name: 'node-exporter' },
          messageId: 'hostPID',
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
