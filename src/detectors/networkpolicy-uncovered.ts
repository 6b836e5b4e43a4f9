import type { KubeObject, ObjectRef } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { matchesSelector, type LabelSelector } from '../snapshot/selectors.js'
import { paramList } from './lib/k8s.js'
import { NETWORK_POLICY, POD, isTerminal, kindName, nameList } from './lib/networking.js'

const NAMESPACE = 'v1/Namespace'

interface NsTally {
  pods: number
  uncovered: number
  workloads: Set<string>
}

// The workload a pod belongs to, for messages: its root owner, or its controller reference when the owner was not collected.
function workloadOf(root: KubeObject, pod: KubeObject): string {
  if (root !== pod) return kindName(root)
  const refs = pod.metadata.ownerReferences
  const ref = Array.isArray(refs) ? (refs.find((r) => r?.controller) ?? refs[0]) : undefined
  return ref && typeof ref.kind === 'string' && typeof ref.name === 'string'
    ? `${ref.kind}/${ref.name}`
    : kindName(pod)
}

export default defineDetector({
  meta: {
    id: 'networkpolicy-uncovered',
    title: 'Pods not covered by any NetworkPolicy',
    description:
      'Without a NetworkPolicy selecting it, a pod accepts connections from every pod of the cluster and may connect anywhere: one compromised or misbehaving workload can reach all the others (databases, admin endpoints). A default-deny policy per namespace, with explicit allows, limits the blast radius. This is hygiene, reported once per namespace; it assumes the network plugin enforces NetworkPolicies.',
    severity: 'info',
    category: 'security',
    requires: [POD, NETWORK_POLICY],
    optional: [NAMESPACE],
    messages: {
      noPolicy:
        'Namespace {{name}} has no NetworkPolicy: its {{pods}} pod(s) ({{workloads}}) accept traffic from any pod in the cluster.',
      partial:
        'Namespace {{name}}: {{uncovered}} of its {{pods}} pods ({{workloads}}) are selected by none of its {{policies}} NetworkPolicies, so they accept traffic from any pod in the cluster.',
    },
    remediation:
      'See the policies and what they select: `kubectl get networkpolicy -n {{name}}` and `kubectl get pods -n {{name}} --show-labels`. Start with a default-deny policy for the namespace (`podSelector: {}` with `policyTypes: [Ingress]`), then allow the traffic each workload needs (from its ingress controller, from its callers, to DNS). Roll it out in a test namespace first: a wrong policy cuts traffic at once.',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
      'https://kubernetes.io/docs/concepts/security/security-checklist/#network-security',
    ],
    params: {
      systemNamespaces: {
        default: ['kube-system', 'kube-public', 'kube-node-lease'],
        description: 'Namespaces not reported (the control plane and add-ons managed by the provider).',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const system = new Set(paramList(params.systemNamespaces))
    const policies = new Map<string, LabelSelector[]>()
    for (const np of snapshot.list(NETWORK_POLICY)) {
      const ns = np.metadata.namespace ?? ''
      const sel = np.spec?.podSelector
      // podSelector is required; a missing one reads as `{}` (every pod), the way the API defaults it.
      const selector: LabelSelector = sel && typeof sel === 'object' ? sel : {}
      const l = policies.get(ns)
      if (l) l.push(selector)
      else policies.set(ns, [selector])
    }
    const tally = new Map<string, NsTally>()
    for (const pod of snapshot.list(POD)) {
      const ns = pod.metadata.namespace ?? ''
      if (system.has(ns) || isTerminal(pod)) continue
      // NetworkPolicies do not apply to pods on the host network.
      if (pod.spec?.hostNetwork === true) continue
      let t = tally.get(ns)
      if (!t) tally.set(ns, (t = { pods: 0, uncovered: 0, workloads: new Set() }))
      t.pods++
      const list = policies.get(ns)
      if (list && list.some((s) => matchesSelector(s, pod.metadata.labels))) continue
      t.uncovered++
      if (t.workloads.size < 4) t.workloads.add(workloadOf(snapshot.rootOwner(pod), pod))
    }
    for (const [ns, t] of tally) {
      if (t.uncovered === 0) continue
      const nsObj: KubeObject | ObjectRef = snapshot.get(NAMESPACE, undefined, ns) ?? {
        apiVersion: 'v1',
        kind: 'Namespace',
        name: ns,
      }
      const count = policies.get(ns)?.length ?? 0
      report({
        object: nsObj,
        messageId: count === 0 ? 'noPolicy' : 'partial',
        data: {
          pods: t.pods,
          uncovered: t.uncovered,
          policies: count,
          workloads: nameList([...t.workloads]),
        },
        evidence: {
          pods: t.pods,
          uncovered: t.uncovered,
          networkPolicies: count,
          examples: [...t.workloads],
        },
      })
    }
  },
})
