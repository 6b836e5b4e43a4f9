import { defineDetector } from '../detect/define.js'
import {
  claimTemplateNames,
  describeUses,
  kindName,
  refsByName,
  specRefs,
  startsPods,
} from './lib/reliability.js'
import { WORKLOAD_KINDS, podTemplates } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'dangling-pvc-ref',
    title: 'Pod template mounts a PersistentVolumeClaim that does not exist',
    description:
      'A pod whose volume names a PersistentVolumeClaim that does not exist cannot be scheduled: it stays Pending ("persistentvolumeclaim not found") until the claim appears. Pods already running keep their volume, so the problem shows only when a pod is replaced: the next rollout, eviction or node failure leaves the workload without it. Claims a StatefulSet creates from its volumeClaimTemplates and generic ephemeral volumes are not checked: their controllers create them.',
    severity: 'warning',
    category: 'reliability',
    requires: ['v1/PersistentVolumeClaim'],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      missing:
        'PersistentVolumeClaim {{claim}}, mounted by {{usedBy}} of {{workload}}, does not exist in namespace {{namespace}}: new pods of {{workload}} will stay Pending.',
    },
    remediation:
      'Check: `kubectl get pvc {{claim}} -n {{namespace}}` and `kubectl get pvc -n {{namespace}}` for a similar name. Create the claim (with the storage class and size the app needs; restore its data if it was deleted by mistake: `kubectl get pv` may still hold a Released volume), or fix `claimName` in the pod template of {{workload}}.',
    references: [
      'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#claims-as-volumes',
      'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming',
    ],
  },
  detect({ snapshot, report }) {
    for (const t of podTemplates(snapshot)) {
      if (!startsPods(t)) continue
      const refs = specRefs(t.spec, 'PersistentVolumeClaim', claimTemplateNames(t.owner))
      if (refs.length === 0) continue
      for (const [name, uses] of refsByName(refs)) {
        if (snapshot.get('v1/PersistentVolumeClaim', t.namespace, name)) continue
        report({
          object: t.owner,
          messageId: 'missing',
          key: name,
          data: { claim: name, workload: kindName(t.owner), usedBy: describeUses(uses) },
          evidence: { claimName: name, usedBy: [...new Set(uses.map((u) => u.from))] },
        })
      }
    }
  },
})
