import { defineDetector } from '../detect/define.js'
import type { LabelSelector } from '../snapshot/selectors.js'
import { matchesSelector } from '../snapshot/selectors.js'
import {
  NETWORK_POLICY,
  POD,
  TEMPLATE_KINDS,
  labelSelectorText,
  nameList,
  podsElsewhere,
  podsForLabelSelector,
  templatesFor,
} from './lib/networking.js'

// Specs are untyped JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

function isEmptySelector(sel: Loose): boolean {
  if (!sel || typeof sel !== 'object') return true
  const ml = sel.matchLabels
  const me = sel.matchExpressions
  return (
    (!ml || typeof ml !== 'object' || Object.keys(ml).length === 0) && (!Array.isArray(me) || me.length === 0)
  )
}

export default defineDetector({
  meta: {
    id: 'networkpolicy-selects-nothing',
    title: 'NetworkPolicy selects no pod',
    description:
      'A NetworkPolicy applies to the pods of its namespace that its podSelector matches. When none matches, the policy protects nothing: the pods it was written for (whose labels changed, or which run in another namespace) accept and send traffic it was meant to restrict, and nobody notices because nothing breaks. An empty podSelector selects every pod of the namespace and is never reported.',
    severity: 'info',
    category: 'networking',
    requires: [NETWORK_POLICY, POD],
    optional: TEMPLATE_KINDS,
    messages: {
      selectsNothing:
        'NetworkPolicy {{name}} applies to no pod: no pod or workload in namespace {{namespace}} matches its podSelector ({{selector}}){{hint}}.',
    },
    remediation:
      'Compare the policy selector with the pod labels: `kubectl get networkpolicy {{name}} -n {{namespace}} -o jsonpath="{.spec.podSelector}"` and `kubectl get pods -n {{namespace}} --show-labels`. Fix the podSelector (or the labels of the workload it is meant for), move the policy to the namespace of those pods, or delete it if what it protected is gone: `kubectl delete networkpolicy {{name}} -n {{namespace}}`.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
      'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors',
    ],
  },
  detect({ snapshot, report }) {
    for (const np of snapshot.list(NETWORK_POLICY)) {
      const sel: Loose = np.spec?.podSelector
      // Empty: every pod of the namespace, now and later (a default-deny policy).
      if (isEmptySelector(sel)) continue
      const selector = sel as LabelSelector
      const ns = np.metadata.namespace ?? ''
      if (podsForLabelSelector(snapshot, ns, selector).length > 0) continue
      // A workload scaled to zero or a CronJob between runs: the policy will apply when they run.
      if (templatesFor(snapshot, ns, (l) => matchesSelector(selector, l)).length > 0) continue
      const elsewhere = podsElsewhere(snapshot, ns, selector, false)
      const nss = [...new Set(elsewhere.map((p) => p.metadata.namespace ?? ''))]
      report({
        object: np,
        messageId: 'selectsNothing',
        data: {
          selector: labelSelectorText(selector),
          hint: nss.length
            ? `; pods with these labels run in namespace ${nameList(nss)}, but a NetworkPolicy only applies to its own namespace`
            : '',
        },
        evidence: {
          podSelector: selector,
          ...(elsewhere.length
            ? {
                sameLabelsElsewhere: elsewhere
                  .slice(0, 5)
                  .map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`),
              }
            : {}),
          policyTypes: Array.isArray(np.spec?.policyTypes) ? np.spec.policyTypes : undefined,
        },
      })
    }
  },
})
