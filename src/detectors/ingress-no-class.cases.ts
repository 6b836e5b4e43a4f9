import { defineCases } from '../detect/cases.js'
import detector from './ingress-no-class.js'
import { ingress, ingressClass } from './lib/networking.js'

const route = { routes: [{ host: 'shop.example.com', service: 'frontend', port: 80 }] }

export default defineCases(detector, {
  valid: [
    {
      name: 'does not fire when the Ingress names its class',
      objects: [ingress('shop', { ...route, className: 'nginx' }), ingressClass('nginx')],
    },
    {
      name: 'does not fire when a default IngressClass takes Ingresses without a class',
      objects: [ingress('shop', route), ingressClass('nginx', true), ingressClass('traefik')],
    },
    {
      name: 'does not fire when the Ingress uses the older kubernetes.io/ingress.class annotation',
      objects: [
        ingress('shop', { ...route, annotations: { 'kubernetes.io/ingress.class': 'nginx' } }),
        ingressClass('nginx'),
      ],
    },
  ],
  invalid: [
    {
      name: 'fires when no class is named and none is the default',
      objects: [
        ingress('shop', route),
        ingress('named', { ...route, className: 'nginx' }),
        ingressClass('nginx'),
        ingressClass('traefik', false, 'traefik.io/ingress-controller'),
      ],
      findings: [
        {
          object: { kind: 'Ingress', namespace: 'default', name: 'shop' },
          messageId: 'noClass',
          data: { classes: 'nginx, traefik' },
        },
      ],
    },
    {
      name: 'fires when the cluster has no IngressClass at all',
      objects: [ingress('shop', route)],
      collected: ['networking.k8s.io/v1/IngressClass'],
      findings: [
        { object: { kind: 'Ingress', namespace: 'default', name: 'shop' }, messageId: 'noIngressClasses' },
      ],
    },
    {
      name: 'treats a default-class annotation other than "true" as not default',
      objects: [
        ingress('shop', route),
        {
          ...ingressClass('nginx'),
          metadata: {
            name: 'nginx',
            annotations: { 'ingressclass.kubernetes.io/is-default-class': 'false' },
          },
        },
      ],
      findings: [{ object: { kind: 'Ingress', namespace: 'default', name: 'shop' }, messageId: 'noClass' }],
    },
  ],
  skip: [
    {
      name: 'is skipped when IngressClasses were not collected (a default may exist)',
      objects: [ingress('shop', route)],
    },
  ],
})
