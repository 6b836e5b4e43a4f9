import { defineDetector } from '../detect/define.js'
import { INGRESS, INGRESS_CLASS, nameList } from './lib/networking.js'

const DEFAULT_CLASS = 'ingressclass.kubernetes.io/is-default-class'
const LEGACY_CLASS = 'kubernetes.io/ingress.class'

export default defineDetector({
  meta: {
    id: 'ingress-no-class',
    title: 'Ingress names no IngressClass and there is no default',
    description:
      'An Ingress is served by the controller of its IngressClass: spec.ingressClassName, the older kubernetes.io/ingress.class annotation, or else the IngressClass marked as the default. With none of the three, current ingress controllers ignore the Ingress: its hosts and paths are served by nobody, although the object looks fine.',
    severity: 'warning',
    category: 'networking',
    requires: [INGRESS, INGRESS_CLASS],
    messages: {
      noClass:
        'Ingress {{name}} names no IngressClass and none is marked as the default: no ingress controller serves it (classes in the cluster: {{classes}}).',
      noIngressClasses:
        'Ingress {{name}} names no IngressClass and the cluster has no IngressClass at all: no ingress controller serves it (is one installed?).',
    },
    remediation:
      'Name the class the Ingress is meant for: `kubectl get ingressclass`, then set `spec.ingressClassName` in the Ingress (`kubectl patch ingress {{name}} -n {{namespace}} --type merge -p \'{"spec":{"ingressClassName":"<class>"}}\'`, better in Git). Or mark one class as the default for every Ingress without one: `kubectl annotate ingressclass <class> ingressclass.kubernetes.io/is-default-class=true`.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/ingress/#ingress-class',
      'https://kubernetes.io/docs/concepts/services-networking/ingress/#default-ingress-class',
    ],
  },
  detect({ snapshot, report }) {
    const classes = snapshot.list(INGRESS_CLASS)
    if (classes.some((c) => c.metadata.annotations?.[DEFAULT_CLASS] === 'true')) {
      // Every Ingress without a class gets the default one; nothing to report. Still count them as evaluated.
      snapshot.list(INGRESS)
      return
    }
    const names = classes.map((c) => c.metadata.name)
    for (const ing of snapshot.list(INGRESS)) {
      const className: unknown = ing.spec?.ingressClassName
      if (typeof className === 'string' && className) continue
      const legacy = ing.metadata.annotations?.[LEGACY_CLASS]
      if (typeof legacy === 'string' && legacy) continue
      report({
        object: ing,
        messageId: names.length ? 'noClass' : 'noIngressClasses',
        data: { classes: nameList(names, 5) },
        evidence: {
          ingressClassName: null,
          annotation: null,
          ingressClasses: classes.slice(0, 10).map((c) => ({
            name: c.metadata.name,
            controller: c.spec?.controller,
            default: c.metadata.annotations?.[DEFAULT_CLASS] ?? 'false',
          })),
        },
      })
    }
  },
})
