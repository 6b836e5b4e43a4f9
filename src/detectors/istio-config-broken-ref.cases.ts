import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './istio-config-broken-ref.js'

const NOW = '2026-03-01T12:00:00Z'

const service = (name: string, ns = 'bookinfo'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: ns, uid: `uid-svc-${ns}-${name}` },
  spec: { selector: { app: name }, ports: [{ name: 'http', port: 9080, targetPort: 9080 }] },
})

const istio = (kind: string, name: string, spec: Record<string, unknown>, ns = 'bookinfo'): KubeObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind,
  metadata: { name, namespace: ns, uid: `uid-${kind.toLowerCase()}-${ns}-${name}` },
  spec,
})

const route = (host: string, subset?: string) => ({ destination: { host, ...(subset ? { subset } : {}) } })

const services = [service('reviews'), service('ratings'), service('productpage'), service('web', 'shop')]
const reviewsDR = istio('DestinationRule', 'reviews', {
  host: 'reviews',
  subsets: [
    { name: 'v1', labels: { version: 'v1' } },
    { name: 'v2', labels: { version: 'v2' } },
  ],
})
const gateway = istio(
  'Gateway',
  'public-gw',
  { selector: { istio: 'ingressgateway' }, servers: [] },
  'istio-system',
)

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every route, subset and gateway exists',
      now: NOW,
      objects: [
        ...services,
        reviewsDR,
        gateway,
        istio('VirtualService', 'reviews', {
          hosts: ['reviews'],
          http: [{ route: [route('reviews', 'v1'), route('reviews.bookinfo.svc.cluster.local', 'v2')] }],
        }),
        istio('VirtualService', 'edge', {
          hosts: ['shop.example.com'],
          gateways: ['mesh', 'istio-system/public-gw'],
          http: [{ route: [route('productpage')], mirror: { host: 'ratings.bookinfo.svc.cluster.local' } }],
        }),
        istio('DestinationRule', 'ratings', { host: 'ratings.bookinfo.svc.cluster.local' }),
      ],
    },
    {
      name: 'does not check external, wildcard and ServiceEntry hosts',
      now: NOW,
      objects: [
        ...services,
        istio('ServiceEntry', 'legacy', {
          hosts: ['payments.legacy.svc.cluster.local', '*.partner.example'],
        }),
        istio('VirtualService', 'outbound', {
          hosts: ['api.example.com'],
          http: [{ route: [route('api.example.com'), route('payments.legacy.svc.cluster.local')] }],
          tcp: [{ route: [route('db.partner.example')] }],
        }),
        istio('DestinationRule', 'wild', { host: '*.bookinfo.svc.cluster.local' }),
      ],
    },
    {
      name: 'does not guess about a namespace with no Service collected (a partial dump)',
      now: NOW,
      objects: [
        ...services,
        istio('VirtualService', 'x', {
          hosts: ['x'],
          http: [{ route: [route('x.elsewhere.svc.cluster.local')] }],
        }),
      ],
    },
    {
      name: 'does not check gateways when Gateways were not collected',
      now: NOW,
      objects: [
        ...services,
        istio('VirtualService', 'edge', {
          hosts: ['*'],
          gateways: ['public-gw'],
          http: [{ route: [route('productpage')] }],
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires once per broken reference of a VirtualService: host, subset, gateway and delegate',
      now: NOW,
      objects: [
        ...services,
        reviewsDR,
        gateway,
        istio('VirtualService', 'reviews', {
          hosts: ['reviews'],
          gateways: ['public-gw'],
          http: [
            { match: [{ headers: { 'end-user': { exact: 'qa' } } }], route: [route('reviews', 'v3')] },
            { match: [{ uri: { prefix: '/api' } }], delegate: { name: 'api-routes' } },
            { route: [route('reviewz'), route('reviewz', 'v1')] },
          ],
        }),
      ],
      findings: [
        {
          object: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
          messageId: 'vsSubset',
          key: 'subset:reviews/v3',
          data: { subset: 'v3', ref: 'reviews' },
        },
        {
          object: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
          messageId: 'vsHost',
          key: 'host:reviewz',
          data: { refName: 'reviewz', refNamespace: 'bookinfo' },
        },
        {
          object: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
          messageId: 'vsGateway',
          key: 'gateway:bookinfo/public-gw',
          data: { ref: 'bookinfo/public-gw' },
        },
        {
          object: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
          messageId: 'vsDelegate',
          key: 'delegate:bookinfo/api-routes',
        },
      ],
    },
    {
      name: 'fires on a DestinationRule for a Service that was renamed, by full host',
      now: NOW,
      objects: [
        ...services,
        istio('DestinationRule', 'web', { host: 'web-v1.shop.svc.cluster.local' }, 'shop'),
      ],
      findings: [
        {
          object: { kind: 'DestinationRule', namespace: 'shop', name: 'web' },
          messageId: 'drHost',
          key: 'host:web-v1.shop.svc.cluster.local',
          data: { refName: 'web-v1', refNamespace: 'shop', ownKind: 'destinationrule' },
        },
      ],
    },
    {
      name: 'fires on a route to a subset when no DestinationRule exists for the host',
      now: NOW,
      objects: [
        ...services,
        istio('VirtualService', 'ratings', {
          hosts: ['ratings'],
          http: [{ route: [route('ratings', 'v1')] }],
        }),
      ],
      collected: ['networking.istio.io/v1/DestinationRule'],
      findings: [
        {
          object: { kind: 'VirtualService', namespace: 'bookinfo', name: 'ratings' },
          messageId: 'vsSubset',
          data: { subset: 'v1' },
        },
      ],
    },
  ],
  skip: [{ name: 'is skipped when no Istio routing kinds were collected', objects: services }],
})
