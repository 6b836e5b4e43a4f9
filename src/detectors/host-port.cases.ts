import { defineCases } from '../detect/cases.js'
import detector from './host-port.js'
import { node } from './lib/fixtures.js'
import { hardenedContainer, workload } from './lib/security.js'

const withPorts = (name: string, ports: Record<string, unknown>[]) => hardenedContainer(name, { ports })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on container ports without hostPort',
      objects: [
        workload('Deployment', 'web', {
          containers: [withPorts('app', [{ containerPort: 8080, name: 'http' }])],
        }),
      ],
    },
    {
      name: 'does not fire on hostPort 0 (unset)',
      objects: [
        workload('Deployment', 'web', {
          containers: [withPorts('app', [{ containerPort: 8080, hostPort: 0 }])],
        }),
      ],
    },
    {
      name: 'does not fire on a host-network pod, where every port is a node port (host-namespaces reports it)',
      objects: [
        workload(
          'DaemonSet',
          'agent',
          {
            hostNetwork: true,
            containers: [withPorts('agent', [{ containerPort: 9100, hostPort: 9100 }])],
          },
          'observability',
        ),
      ],
    },
    {
      name: 'does not fire on an ingress controller in ingress-nginx',
      objects: [
        workload(
          'DaemonSet',
          'controller',
          {
            containers: [
              withPorts('controller', [
                { containerPort: 80, hostPort: 80 },
                { containerPort: 443, hostPort: 443 },
              ]),
            ],
          },
          'ingress-nginx',
        ),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on a container with host ports, listing them with their protocol',
      objects: [
        workload(
          'Deployment',
          'dns-cache',
          {
            containers: [
              withPorts('dns', [
                { containerPort: 53, hostPort: 53, protocol: 'UDP' },
                { containerPort: 53, hostPort: 53 },
                { containerPort: 9153 },
              ]),
            ],
          },
          'apps',
        ),
      ],
      findings: [
        {
          object: { kind: 'Deployment', namespace: 'apps', name: 'dns-cache' },
          messageId: 'hostPort',
          key: 'dns',
          data: { container: 'dns', ports: '53/UDP, 53/TCP' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no workload kind was collected', objects: [node('n1')] }],
})
