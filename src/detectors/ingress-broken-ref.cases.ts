import type { KubeObject } from '../core/types.js'
import { defineCases } from '../detect/cases.js'
import detector from './ingress-broken-ref.js'
import { ingress, ingressClass, secretMeta, service } from './lib/networking.js'

const NOW = '2026-03-01T12:00:00Z'
const shop = (extra: Parameters<typeof ingress>[1] = {}) =>
  ingress('shop', {
    className: 'nginx',
    routes: [
      { host: 'shop.example.com', path: '/', service: 'frontend', port: 80 },
      { host: 'shop.example.com', path: '/api', service: 'api', port: 'http' },
    ],
    tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
    ...extra,
  })
const healthy: KubeObject[] = [
  service('frontend', { ports: [{ port: 80, targetPort: 8080 }] }),
  service('api', { ports: [{ name: 'http', port: 8000, targetPort: 'http' }] }),
  ingressClass('nginx', true),
  secretMeta('shop-tls'),
]
const without = (name: string) => healthy.filter((o) => o.metadata.name !== name)
// A networking.k8s.io/v1beta1 Ingress, as old dumps hold it.
const legacy: KubeObject = {
  apiVersion: 'networking.k8s.io/v1beta1',
  kind: 'Ingress',
  metadata: { name: 'legacy', namespace: 'default' },
  spec: {
    backend: { serviceName: 'frontend', servicePort: 80 },
    rules: [
      {
        host: 'old.example.com',
        http: { paths: [{ path: '/', backend: { serviceName: 'gone', servicePort: 'http' } }] },
      },
    ],
  },
}

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when every Service, port, class and TLS Secret exists',
      now: NOW,
      objects: [shop(), ...healthy],
    },
    {
      name: 'does not fire on a TLS entry without secretName (the controller default certificate on purpose)',
      now: NOW,
      objects: [shop({ tls: [{ hosts: ['shop.example.com'] }] }), ...without('shop-tls')],
    },
    {
      name: 'does not check TLS Secrets when Secrets were not collected',
      now: NOW,
      objects: [shop(), ...without('shop-tls')],
    },
    {
      name: 'does not fire yet on a Secret that cert-manager is still issuing',
      now: NOW,
      objects: [
        shop({
          created: '2026-03-01T11:57:00Z',
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
        }),
        ...without('shop-tls'),
        secretMeta('other'),
      ],
    },
    {
      name: 'does not check the port of an ExternalName Service',
      now: NOW,
      objects: [
        ingress('ext', { routes: [{ service: 'legacy-site', port: 443 }] }),
        service('legacy-site', {
          type: 'ExternalName',
          selector: null,
          ports: [],
          spec: { externalName: 'old.example.com' },
        }),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires once per missing Service, with every route that uses it',
      now: NOW,
      objects: [
        shop({
          routes: [
            { host: 'shop.example.com', path: '/', service: 'frontend', port: 80 },
            { host: 'shop.example.com', path: '/cart', service: 'cart', port: 80 },
            { host: 'm.shop.example.com', path: '/cart', service: 'cart', port: 80 },
          ],
        }),
        ...healthy,
      ],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'shop' },
          messageId: 'serviceMissing',
          key: 'service/cart',
          data: { service: 'cart', routes: 'shop.example.com/cart, m.shop.example.com/cart' },
        },
      ],
    },
    {
      name: 'fires when the named or numbered port is not on the Service',
      now: NOW,
      objects: [
        shop({
          routes: [
            { host: 'shop.example.com', path: '/', service: 'frontend', port: 8080 },
            { host: 'shop.example.com', path: '/api', service: 'api', port: 'grpc' },
          ],
        }),
        ...healthy,
      ],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'shop' },
          messageId: 'portMissing',
          key: 'port/frontend:8080',
          data: { port: '8080', ports: '80' },
        },
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'shop' },
          messageId: 'portMissing',
          key: 'port/api:grpc',
          data: { port: 'grpc', ports: 'http (8000)' },
        },
      ],
    },
    {
      name: 'fires on a default backend whose Service is missing',
      now: NOW,
      objects: [shop({ defaultBackend: { service: 'default-http-backend', port: 80 } }), ...healthy],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'shop' },
          messageId: 'serviceMissing',
          data: { routes: 'requests matching no rule (its default backend)' },
        },
      ],
    },
    {
      name: 'fires when the IngressClass does not exist',
      now: NOW,
      objects: [shop({ className: 'nginx-internal' }), ...healthy],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'shop' },
          messageId: 'classMissing',
          data: { class: 'nginx-internal' },
        },
      ],
    },
    {
      name: 'fires when the TLS Secret does not exist',
      now: NOW,
      objects: [shop(), ...without('shop-tls')],
      collected: ['v1/Secret'],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'shop' },
          messageId: 'tlsSecretMissing',
          key: 'tls/shop-tls',
          data: { secret: 'shop-tls', hosts: 'shop.example.com' },
        },
      ],
    },
    {
      name: 'fires when cert-manager has not created the Secret after the grace period',
      now: NOW,
      objects: [
        shop({
          created: '2026-03-01T11:00:00Z',
          annotations: { 'cert-manager.io/cluster-issuer': 'letsencrypt' },
        }),
        ...without('shop-tls'),
      ],
      collected: ['v1/Secret'],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'shop' },
          messageId: 'tlsSecretPending',
          data: { secret: 'shop-tls' },
        },
      ],
    },
    {
      name: 'reads the backends of a v1beta1 Ingress',
      now: NOW,
      objects: [legacy, ...healthy],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'legacy' },
          messageId: 'serviceMissing',
          data: { service: 'gone', routes: 'old.example.com/' },
        },
      ],
    },
  ],
  skip: [
    {
      name: 'is skipped when Ingresses were not collected',
      objects: [...healthy],
    },
    {
      name: 'is skipped when nothing an Ingress refers to was collected',
      objects: [shop()],
    },
  ],
})
