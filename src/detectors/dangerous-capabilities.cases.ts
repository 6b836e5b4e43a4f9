import { defineCases } from '../detect/cases.js'
import detector from './dangerous-capabilities.js'
import { node, pod } from './lib/fixtures.js'
import { container, hardenedContainer, workload } from './lib/security.js'

const withCaps = (name: string, add: string[], drop: string[] = ['ALL']) =>
  container(name, { allowPrivilegeEscalation: false, capabilities: { add, drop } })
const vpn = { kind: 'Deployment', namespace: 'default', name: 'vpn' }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on a container that drops ALL and adds nothing',
      objects: [workload('Deployment', 'web', { containers: [hardenedContainer()] })],
    },
    {
      name: 'does not fire on narrow capabilities such as NET_BIND_SERVICE and CHOWN',
      objects: [
        workload('Deployment', 'web', { containers: [withCaps('app', ['NET_BIND_SERVICE', 'CHOWN'])] }),
      ],
    },
    {
      name: 'does not fire on NET_RAW, which runtimes grant by default',
      objects: [workload('Deployment', 'pinger', { containers: [withCaps('app', ['NET_RAW'])] })],
    },
    {
      name: 'does not fire when ALL is only dropped',
      objects: [workload('Deployment', 'web', { containers: [withCaps('app', [], ['ALL'])] })],
    },
    {
      name: 'does not fire on a CNI agent with NET_ADMIN in calico-system',
      objects: [
        workload(
          'DaemonSet',
          'calico-node',
          { containers: [withCaps('calico-node', ['NET_ADMIN'])] },
          'calico-system',
        ),
      ],
    },
    {
      name: "does not fire on the mesh's istio-init (NET_ADMIN, NET_RAW) in an app namespace",
      objects: [
        pod('web-abc', {
          namespace: 'shop',
          spec: {
            initContainers: [withCaps('istio-init', ['NET_ADMIN', 'NET_RAW'])],
            containers: [hardenedContainer()],
          },
        }),
      ],
    },
    {
      name: 'does not fire on a privileged container (container-privileged reports it)',
      objects: [
        workload('Deployment', 'web', {
          containers: [container('app', { privileged: true, capabilities: { add: ['SYS_ADMIN'] } })],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on NET_ADMIN added by a VPN container',
      objects: [
        workload('Deployment', 'vpn', {
          containers: [withCaps('wireguard', ['NET_ADMIN', 'NET_BIND_SERVICE'])],
        }),
      ],
      findings: [
        {
          object: vpn,
          messageId: 'dangerous',
          key: 'wireguard',
          data: { container: 'wireguard', capabilities: 'NET_ADMIN' },
        },
      ],
    },
    {
      name: 'fires on the CAP_ prefix and lower case, and lists every dangerous capability',
      objects: [
        workload('Deployment', 'vpn', {
          containers: [withCaps('debug', ['cap_sys_ptrace', 'SYS_ADMIN']), hardenedContainer('web')],
        }),
      ],
      findings: [
        {
          object: vpn,
          messageId: 'dangerous',
          key: 'debug',
          data: { capabilities: 'SYS_PTRACE, SYS_ADMIN' },
        },
      ],
    },
    {
      name: 'fires once per container that adds ALL',
      objects: [
        workload(
          'DaemonSet',
          'agent',
          {
            initContainers: [withCaps('setup', ['ALL'])],
            containers: [withCaps('agent', ['BPF', 'PERFMON'])],
          },
          'observability',
        ),
      ],
      findings: [
        {
          object: { kind: 'DaemonSet', namespace: 'observability', name: 'agent' },
          messageId: 'dangerous',
          key: 'setup',
          data: { capabilities: 'ALL' },
        },
        {
          object: { kind: 'DaemonSet', namespace: 'observability', name: 'agent' },
          messageId: 'dangerous',
          key: 'agent',
          data: { capabilities: 'BPF, PERFMON' },
        },
      ],
    },
    {
      name: 'fires on NET_RAW when the list is made strict',
      params: { capabilities: ['NET_RAW', 'SYS_ADMIN'] },
      objects: [workload('Deployment', 'pinger', { containers: [withCaps('app', ['NET_RAW'])] })],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'default', name: 'pinger' },
          messageId: 'dangerous',
          data: { capabilities: 'NET_RAW' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
