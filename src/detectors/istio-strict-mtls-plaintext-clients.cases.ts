import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './istio-strict-mtls-plaintext-clients.js'
import { pod } from './lib/fixtures.js'
import { injectedSpec, namespace, proxyContainer } from './lib/mesh-gitops.js'

const NOW = '2026-03-01T12:00:00Z'

const peerAuth = (
  name: string,
  ns: string,
  mode: string,
  extra: Record<string, unknown> = {},
  created = '2026-01-01T00:00:00Z',
): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace: ns, uid: `uid-pa-${ns}-${name}`, creationTimestamp: created },
  spec: { mtls: { mode }, ...extra },
})

const service = (
  name: string,
  ns: string,
  type = 'ClusterIP',
  targetPort: number | string = 8080,
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, uid: `uid-svc-${ns}-${name}` },
  spec: { type, selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort }] },
})

const meshed = (name: string, ns: string, app: string) =>
  pod(name, { namespace: ns, labels: { app }, spec: injectedSpec() })
const plain = (name: string, ns: string) => pod(name, { namespace: ns, labels: { app: name } })

const cluster = [
  namespace('shop', { 'istio-injection': 'enabled' }),
  namespace('batch'),
  namespace('kube-system'),
  service('web', 'shop'),
  meshed('web-a', 'shop', 'web'),
  plain('coredns-1', 'kube-system'),
]

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire on mesh-wide STRICT when only system namespaces run pods without sidecars',
      now: NOW,
      objects: [...cluster, peerAuth('default', 'istio-system', 'STRICT')],
    },
    {
      name: 'does not fire on PERMISSIVE mTLS, whatever the callers',
      now: NOW,
      objects: [...cluster, peerAuth('default', 'istio-system', 'PERMISSIVE'), plain('job-1', 'batch')],
    },
    {
      name: 'does not fire on a NodePort Service in a namespace that overrides mesh STRICT with PERMISSIVE',
      now: NOW,
      objects: [
        namespace('legacy', { 'istio-injection': 'enabled' }),
        peerAuth('default', 'istio-system', 'STRICT'),
        peerAuth('default', 'legacy', 'PERMISSIVE'),
        service('old-api', 'legacy', 'NodePort'),
        meshed('old-api-1', 'legacy', 'old-api'),
      ],
    },
    {
      name: 'does not fire on a LoadBalancer Service whose target port is PERMISSIVE at port level',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        peerAuth('web', 'shop', 'STRICT', {
          selector: { matchLabels: { app: 'web' } },
          portLevelMtls: { 8080: { mode: 'PERMISSIVE' } },
        }),
        service('web', 'shop', 'LoadBalancer'),
        meshed('web-a', 'shop', 'web'),
      ],
    },
    {
      name: 'does not fire on the Istio ingress gateway LoadBalancer, whose pods are the gateway itself',
      now: NOW,
      objects: [
        peerAuth('default', 'istio-system', 'STRICT'),
        service('istio-ingressgateway', 'istio-system', 'LoadBalancer'),
        pod('istio-ingressgateway-1', {
          namespace: 'istio-system',
          labels: { app: 'istio-ingressgateway' },
          spec: {
            containers: [
              proxyContainer('1.22.3', {
                args: ['proxy', 'router', '--domain', 'istio-system.svc.cluster.local'],
              }),
            ],
          },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires on the mesh-wide STRICT policy when an application namespace runs pods without sidecars',
      now: NOW,
      objects: [...cluster, peerAuth('default', 'istio-system', 'STRICT'), plain('job-1', 'batch')],
      findings: [
        {
          object: { kind: 'PeerAuthentication', namespace: 'istio-system', name: 'default' },
          messageId: 'plaintextCallers',
          data: { scope: 'mesh-wide', count: 1, services: 'shop/web', callerNamespaces: 'batch', ns: 'shop' },
        },
      ],
    },
    {
      name: 'fires on a LoadBalancer Service in front of STRICT workloads, resolving a named target port',
      now: NOW,
      objects: [
        namespace('shop', { 'istio-injection': 'enabled' }),
        peerAuth('strict', 'shop', 'STRICT'),
        service('api', 'shop', 'LoadBalancer', 'http'),
        pod('api-1', {
          namespace: 'shop',
          labels: { app: 'api' },
          spec: {
            containers: [
              {
                name: 'app',
                image: 'registry.example.com/api:1',
                ports: [{ name: 'http', containerPort: 8080 }],
              },
              proxyContainer(),
            ],
          },
        }),
      ],
      findings: [
        {
          object: { kind: 'Service', namespace: 'shop', name: 'api' },
          messageId: 'exposedOutsideMesh',
          data: { type: 'LoadBalancer', policy: 'shop/strict', ports: 'port 8080' },
        },
      ],
    },
    {
      name: 'fires on a workload-selector STRICT policy, naming its selector',
      now: NOW,
      objects: [
        ...cluster,
        peerAuth('web-strict', 'shop', 'STRICT', { selector: { matchLabels: { app: 'web' } } }),
        plain('report-1', 'batch'),
      ],
      findings: [
        {
          object: { kind: 'PeerAuthentication', namespace: 'shop', name: 'web-strict' },
          messageId: 'plaintextCallers',
          data: { scope: 'for workloads matching app=web' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when PeerAuthentications were not collected', objects: cluster }],
})
