import { defineDetector } from '../detect/define.js'
import { ageMs, humanDuration, parseDuration } from './lib/k8s.js'
import { isTerminal } from './lib/node-fleet.js'

export default defineDetector({
  meta: {
    id: 'loadbalancer-service-unused',
    title: 'LoadBalancer Service sends traffic to no pod',
    description:
      'A Service of type LoadBalancer makes the cloud provider run a load balancer (and often a public IP) for it, billed by the hour. When its selector matches no pod, that load balancer serves nothing: the app behind it was deleted, renamed or scaled to zero, and the Service was left behind.',
    severity: 'info',
    category: 'fleet',
    requires: ['v1/Service', 'v1/Pod'],
    messages: {
      unused:
        'LoadBalancer Service {{name}} in namespace {{namespace}} selects no pod ({{selector}}) and is {{age}} old: its cloud load balancer{{address}} is paid for and serves nothing.',
    },
    remediation:
      'Check the selector against the pods: `kubectl get svc {{name}} -n {{namespace}} -o jsonpath={.spec.selector}` and `kubectl get pods -n {{namespace}} --show-labels`. If the app is gone, delete the Service (where it is defined, or `kubectl delete svc {{name}} -n {{namespace}}`): the provider then removes the load balancer. If the app was renamed, fix the selector. If it is scaled to zero on purpose for a while, consider a ClusterIP Service behind a shared Ingress or Gateway instead of a load balancer each.',
    references: ['https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer'],
    params: {
      minAge: { default: '24h', description: 'How old the Service must be before it counts as unused.' },
    },
  },
  detect({ snapshot, report, params, now }) {
    const minAge = parseDuration(params.minAge)
    for (const svc of snapshot.list('v1/Service')) {
      if (svc.spec?.type !== 'LoadBalancer') continue
      const selector = svc.spec?.selector
      // Without a selector the endpoints are managed by hand or by a controller: nothing to compare.
      if (!selector || typeof selector !== 'object' || Object.keys(selector).length === 0) continue
      const age = ageMs(svc.metadata.creationTimestamp, now)
      if (age === undefined || age < minAge) continue
      if (snapshot.podsFor(svc).some((p) => !isTerminal(p))) continue
      const ingress = svc.status?.loadBalancer?.ingress
      const first = Array.isArray(ingress) ? ingress[0] : undefined
      const address =
        typeof first?.ip === 'string' ? first.ip : typeof first?.hostname === 'string' ? first.hostname : ''
      report({
        object: svc,
        messageId: 'unused',
        data: {
          selector: Object.entries(selector)
            .map(([k, v]) => `${k}=${String(v)}`)
            .join(','),
          age: humanDuration(age),
          address: address ? ` (${address})` : '',
        },
        evidence: {
          selector,
          ...(address ? { loadBalancer: address } : { loadBalancer: 'not provisioned' }),
          createdAt: svc.metadata.creationTimestamp,
        },
      })
    }
  },
})
