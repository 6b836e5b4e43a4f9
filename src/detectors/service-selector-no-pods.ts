import { defineDetector } from '../detect/define.js'
import { matchesMapSelector } from '../snapshot/selectors.js'
import { ageMs, parseDuration } from './lib/k8s.js'
import {
  POD,
  SERVICE,
  TEMPLATE_KINDS,
  isExternalName,
  podsForSelector,
  selectorHints,
  selectorText,
  selectorArg,
  serviceSelector,
  templatesFor,
  timeOf,
} from './lib/networking.js'

export default defineDetector({
  meta: {
    id: 'service-selector-no-pods',
    title: 'Service selector matches no pod',
    description:
      'A Service finds its pods by labels. When no pod, and no workload that would create pods, carries the labels of its selector, the Service can never have endpoints: every connection to it fails. Usually a typo, a label renamed in a new version of the chart, or the pods running in another namespace (a Service only selects pods of its own namespace).',
    severity: 'warning',
    category: 'networking',
    requires: [SERVICE, POD],
    optional: TEMPLATE_KINDS,
    messages: {
      noPods:
        'Service {{name}} selects no pod: no pod or workload in namespace {{namespace}} has the labels {{selector}}{{hint}}.',
    },
    remediation:
      'Compare the selector with the labels of the pods you meant: `kubectl get service {{name}} -n {{namespace}} -o jsonpath="{.spec.selector}"` and `kubectl get pods -n {{namespace}} --show-labels` (or `kubectl get pods -A -l {{selectorArg}}` to find them in another namespace). Fix the selector (`kubectl edit service {{name}} -n {{namespace}}`, better in Git) or the labels of the workload template; if the Service is left over from a removed application, delete it.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service',
      'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/',
    ],
    params: {
      minAge: {
        default: '5m',
        description: 'Ignore Services younger than this: their pods may still be on their way.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minAge)
    for (const svc of snapshot.list(SERVICE)) {
      if (isExternalName(svc)) continue
      const selector = serviceSelector(svc)
      if (!selector) continue
      const ns = svc.metadata.namespace ?? ''
      if (podsForSelector(snapshot, ns, selector).length > 0) continue
      // A workload scaled to zero, or a CronJob between runs, will bring matching pods back.
      if (templatesFor(snapshot, ns, (l) => matchesMapSelector(selector, l)).length > 0) continue
      const age = ageMs(timeOf(svc.metadata.creationTimestamp), now)
      if (age !== undefined && age < min) continue
      const hints = selectorHints(snapshot, ns, selector)
      report({
        object: svc,
        messageId: 'noPods',
        data: {
          selector: selectorText(selector),
          selectorArg: selectorArg(selector),
          hint: hints.text ? `; likely cause: ${hints.text}` : '',
        },
        evidence: { selector, ...hints.evidence },
      })
    }
  },
})
