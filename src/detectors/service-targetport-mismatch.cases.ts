import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import { deployment } from './lib/fixtures.js'
import { service, servicePod } from './lib/networking.js'
import detector from './service-targetport-mismatch.js'

// A Deployment `name` (labels app=<name>) whose container declares these ports.
function web(
  ports: Record<string, unknown>[] | undefined,
  name = 'web',
  initContainers?: Record<string, unknown>[],
): KubeObject[] {
  const [dep, rs] = deployment(name) as [KubeObject, KubeObject]
  return [
    {
      ...dep,
      spec: {
        ...dep.spec,
        template: {
          metadata: { labels: { app: 'web', track: name } },
          spec: {
            containers: [{ name: 'app', image: 'registry.example.com/app:1.0', ...(ports ? { ports } : {}) }],
            ...(initContainers ? { initContainers } : {}),
          },
        },
      },
    },
    rs,
  ]
}
const http8080 = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]
const svc = (targetPort: unknown, extra: Record<string, unknown> = {}) =>
  service('web', { ports: [{ name: 'http', port: 80, targetPort, ...extra }] })

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the named targetPort is declared by the container',
      objects: [svc('http'), ...web(http8080)],
    },
    {
      name: 'does not fire when the numeric targetPort is a declared container port',
      objects: [svc(8080), ...web(http8080)],
    },
    {
      name: 'does not fire on a numeric targetPort when the containers declare no ports at all',
      objects: [svc(9000), ...web(undefined)],
    },
    {
      name: 'does not fire when targetPort is left out and the port number is declared',
      objects: [service('web', { ports: [{ port: 8080 }] }), ...web(http8080)],
    },
    {
      name: 'does not fire when a native sidecar declares the named port',
      objects: [
        svc('metrics'),
        ...web(http8080, 'web', [
          {
            name: 'exporter',
            image: 'exporter:1',
            restartPolicy: 'Always',
            ports: [{ name: 'metrics', containerPort: 9100 }],
          },
        ]),
      ],
    },
    {
      name: 'does not fire when no workload matches (service-selector-no-pods reports that)',
      objects: [
        service('web', { selector: { app: 'nothing' }, ports: [{ port: 80, targetPort: 'http' }] }),
        ...web(http8080),
      ],
    },
    {
      name: 'checks bare pods when only pods were collected',
      objects: [svc('http'), servicePod('web-1', { app: 'web' }, { ports: http8080 })],
    },
  ],
  invalid: [
    {
      name: 'fires when the named targetPort is declared by no container',
      objects: [svc('web'), ...web(http8080)],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'namedPort',
          key: 'http',
          data: { targetPort: 'web', workloads: 'Deployment/web', protocol: 'TCP' },
        },
      ],
    },
    {
      name: 'fires when the named port exists only for another protocol',
      objects: [
        service('dns', {
          selector: { app: 'web' },
          ports: [{ name: 'dns', port: 53, targetPort: 'dns', protocol: 'UDP' }],
        }),
        ...web([{ name: 'dns', containerPort: 53, protocol: 'TCP' }]),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'dns' },
          messageId: 'namedPort',
          data: { protocol: 'UDP', port: 'dns (53)' },
        },
      ],
    },
    {
      name: 'fires naming the one workload (a canary) that lacks the named port',
      objects: [
        svc('http'),
        ...web(http8080, 'web'),
        ...web([{ name: 'web', containerPort: 8080 }], 'web-canary'),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'namedPortSome',
          data: { workloads: 'Deployment/web-canary' },
        },
      ],
    },
    {
      name: 'fires when the numeric targetPort is not among the declared ports',
      objects: [svc(8000), ...web([...http8080, { name: 'metrics', containerPort: 9090 }])],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'numericPort',
          key: 'http',
          data: { targetPort: '8000', declared: 'http/8080, metrics/9090' },
        },
      ],
    },
    {
      name: 'fires once per broken port of a multi-port Service',
      objects: [
        service('web', {
          ports: [
            { name: 'http', port: 80, targetPort: 'http' },
            { name: 'grpc', port: 9000, targetPort: 'grpc' },
            { name: 'admin', port: 9001, targetPort: 'admin' },
          ],
        }),
        ...web(http8080),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'namedPort',
          key: 'grpc',
        },
        {
          object: { kind: 'Service', namespace: 'default', name: 'web' },
          messageId: 'namedPort',
          key: 'admin',
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when no workload or pod was collected',
      objects: [svc('http')],
    },
  ],
})
