import { defineDetector } from '../detect/define.js'

export default defineDetector({
  meta: {
    id: 'statefulset-service-missing',
    title: 'StatefulSet names a governing Service that does not exist or is not headless',
    description:
      'A StatefulSet gives each pod a stable DNS name (db-0.db.shop.svc) through its governing Service, named in spec.serviceName, which should be a headless Service selecting its pods. When that Service does not exist, the pods run but those names do not resolve, so members of a database or queue cluster cannot find each other, and clients that address a pod by name fail.',
    severity: 'warning',
    category: 'workload',
    requires: ['apps/v1/StatefulSet', 'v1/Service'],
    messages: {
      missing:
        'StatefulSet {{name}} names Service {{service}} as its governing Service, but no Service {{service}} exists in namespace {{namespace}}: its pods get no stable DNS names.',
      notHeadless:
        'StatefulSet {{name}} names Service {{service}} as its governing Service, but that Service is not headless (clusterIP {{clusterIP}}): its pods get no stable DNS names of their own.',
    },
    remediation:
      "Check: `kubectl get service {{service}} -n {{namespace}}`. Create a headless Service (`clusterIP: None`) named {{service}} in namespace {{namespace}} whose selector matches the pod labels of StatefulSet {{name}} (`kubectl get statefulset {{name}} -n {{namespace}} -o jsonpath='{.spec.selector}'`), or correct spec.serviceName (which is immutable: changing it means recreating the StatefulSet, e.g. `kubectl delete statefulset {{name}} -n {{namespace}} --cascade=orphan` and applying it again).",
    references: [
      'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-network-id',
      'https://kubernetes.io/docs/concepts/services-networking/service/#headless-services',
    ],
  },
  detect({ snapshot, report }) {
    for (const sts of snapshot.list('apps/v1/StatefulSet')) {
      const name: unknown = sts.spec?.serviceName
      if (typeof name !== 'string' || !name) continue
      const ns = sts.metadata.namespace
      const svc = snapshot.get('v1/Service', ns, name)
      if (!svc) {
        report({
          object: sts,
          messageId: 'missing',
          data: { service: name },
          evidence: { serviceName: name, namespace: ns ?? '' },
        })
        continue
      }
      // Per-pod DNS records exist only for a headless Service (clusterIP: None).
      const clusterIP: unknown = svc.spec?.clusterIP
      if (clusterIP === 'None') continue
      const shown = typeof clusterIP === 'string' && clusterIP ? clusterIP : 'allocated'
      report({
        object: sts,
        messageId: 'notHeadless',
        data: { service: name, clusterIP: shown },
        evidence: {
          serviceName: name,
          namespace: ns ?? '',
          clusterIP: shown,
          type: svc.spec?.type ?? 'ClusterIP',
        },
      })
    }
  },
})
