import { defineCases } from '../detect/cases.js'
import detector from './container-privileged.js'
import { node, pod } from './lib/fixtures.js'
import { container, hardenedContainer, workload } from './lib/security.js'

const privileged = (name = 'app') => container(name, { privileged: true })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a hardened Deployment',
      objects: [workload('Deployment', 'web', { containers: [hardenedContainer()] })],
    },
    {
      name: 'does not fire when privileged is explicitly false',
      objects: [workload('Deployment', 'web', { containers: [container('app', { privileged: false })] })],
    },
    {
      name: 'does not fire on kube-proxy, privileged on the host network in kube-system',
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
      name: 'does not fire on a CNI agent in calico-system',
      objects: [
        workload('DaemonSet', 'calico-node', { containers: [privileged('calico-node')] }, 'calico-system'),
      ],
    },
    {
      name: 'does not fire in a namespace with a system prefix (kube-*)',
      objects: [workload('DaemonSet', 'csi-node', { containers: [privileged('csi')] }, 'kube-storage')],
    },
    {
      name: 'does not fire on a Windows pod (privileged does not apply there)',
      objects: [
        workload('Deployment', 'win', { os: { name: 'windows' }, containers: [privileged()] }, 'apps'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a privileged container of a Deployment',
      objects: [workload('Deployment', 'web', { containers: [privileged(), hardenedContainer('sidecar')] })],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'privileged',
          key: 'app',
          data: { container: 'app', path: 'spec.template.spec' },
        },
      ],
    },
    {
      name: 'fires once per privileged container, init containers included',
      objects: [
        workload('StatefulSet', 'db', {
          initContainers: [privileged('sysctl')],
          containers: [privileged('db')],
        }),
      ],
      findings: [
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'privileged',
          key: 'sysctl',
        },
        {
          object: { kind: 'StatefulSet', namespace: 'default', name: 'db' },
          messageId: 'privileged',
          key: 'db',
        },
      ],
    },
    {
      name: "fires on a CronJob's job template",
      objects: [workload('CronJob', 'backup', { containers: [privileged('backup')] }, 'ops')],
      findings: [
        {
          object: { kind: 'CronJob', namespace: 'ops', name: 'backup' },
          messageId: 'privileged',
          data: { path: 'spec.jobTemplate.spec.template.spec' },
        },
      ],
    },
    {
      name: 'reports a Deployment once, not once per pod',
      objects: [
        workload('Deployment', 'web', { containers: [privileged()] }),
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: 'web-7d9f8b6c5d',
            namespace: 'default',
            uid: 'uid-rs-web',
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'Deployment',
                name: 'web',
                uid: 'uid-deployment-default-web',
                controller: true,
              },
            ],
          },
          spec: { template: { spec: { containers: [privileged()] } } },
        },
        pod('web-7d9f8b6c5d-a', {
          owner: { kind: 'ReplicaSet', name: 'web-7d9f8b6c5d' },
          spec: { containers: [privileged()] },
        }),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'web' },
          messageId: 'privileged',
          key: 'app',
        },
      ],
    },
    {
      name: 'fires on a bare pod',
      objects: [pod('debug', { namespace: 'apps', spec: { containers: [privileged('shell')] } })],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'apps', name: 'debug' },
          messageId: 'privileged',
          data: { path: 'spec' },
        },
      ],
    },
    {
      name: 'fires in kube-system when system namespaces are audited too',
      objects: [
        workload('DaemonSet', 'kube-proxy', { containers: [privileged('kube-proxy')] }, 'kube-system'),
      ],
      params: { systemNamespaces: [], systemNamespacePrefixes: [] },
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' },
          messageId: 'privileged',
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
