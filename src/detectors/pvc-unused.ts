import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { ageMs, humanDuration, parseDuration } from './lib/k8s.js'
import { specReferences } from './lib/node-fleet.js'
import { WORKLOAD_KINDS } from './lib/workloads.js'

// `<claim template>-<statefulset>-<ordinal>`: the name a StatefulSet gives the claims it creates.
const ORDINAL = /^(.+)-(\d+)$/

/** The StatefulSet whose volumeClaimTemplates made this claim name, with the claim's ordinal. */
function statefulSetOf(
  pvc: KubeObject,
  statefulSets: readonly KubeObject[],
): { sts: KubeObject; ordinal: number } | undefined {
  const m = ORDINAL.exec(pvc.metadata.name)
  if (!m) return undefined
  const prefix = m[1] as string
  for (const sts of statefulSets) {
    const templates = sts.spec?.volumeClaimTemplates
    if (!Array.isArray(templates)) continue
    for (const t of templates) {
      const tn = t?.metadata?.name
      if (typeof tn === 'string' && prefix === `${tn}-${sts.metadata.name}`)
        return { sts, ordinal: Number(m[2]) }
    }
  }
  return undefined
}

export default defineDetector({
  meta: {
    id: 'pvc-unused',
    title: 'Persistent volume claim is not mounted by any pod',
    description:
      'A Bound PersistentVolumeClaim holds a disk that is billed whether or not anything uses it. When no pod mounts it and no workload template refers to it, it is usually left over: a deleted app whose claim was kept, a StatefulSet scaled down (its claims stay by design), or a one-off migration. It costs money every month and may hold data nobody remembers.',
    severity: 'info',
    category: 'fleet',
    requires: ['v1/PersistentVolumeClaim', 'v1/Pod'],
    optional: WORKLOAD_KINDS.filter((k) => k !== 'v1/Pod'),
    messages: {
      unused:
        'PersistentVolumeClaim {{name}} in namespace {{namespace}} ({{size}}) is Bound but mounted by no pod and named by no workload, and is {{age}} old: its disk is paid for and unused.',
      scaledDown:
        'PersistentVolumeClaim {{name}} in namespace {{namespace}} ({{size}}) belongs to ordinal {{ordinal}} of StatefulSet {{statefulSet}}, which now runs {{replicas}} replica(s): it was kept after a scale-down and its disk is paid for and unused.',
    },
    remediation:
      'Check that nothing mounts it: `kubectl describe pvc {{name}} -n {{namespace}}` (Used By: <none>) and find its disk: `kubectl get pv $(kubectl get pvc {{name}} -n {{namespace}} -o jsonpath={.spec.volumeName})`. If the data matters, take a snapshot or backup first. Then delete it: `kubectl delete pvc {{name}} -n {{namespace}}` (with reclaimPolicy Delete the disk goes too; with Retain, delete the PersistentVolume and the cloud disk afterwards). For a StatefulSet scaled down on purpose, keep it if you will scale up again, or set persistentVolumeClaimRetentionPolicy.whenScaled: Delete.',
    references: [
      'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#reclaiming',
      'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention',
    ],
    params: {
      minAge: { default: '7d', description: 'How old a claim must be before it counts as unused.' },
    },
  },
  detect({ snapshot, report, params, now }) {
    const minAge = parseDuration(params.minAge)
    let claims: Set<string> | undefined
    for (const pvc of snapshot.list('v1/PersistentVolumeClaim')) {
      if (pvc.status?.phase !== 'Bound') continue
      const m = pvc.metadata
      // An owned claim (a generic ephemeral volume, an operator's) is cleaned up by its owner.
      if (Array.isArray(m.ownerReferences) && m.ownerReferences.length > 0) continue
      const age = ageMs(m.creationTimestamp, now)
      if (age === undefined || age < minAge) continue
      const ns = m.namespace ?? ''
      claims ??= specReferences(snapshot).claims
      if (claims.has(ns + '/' + m.name)) continue
      const owner = statefulSetOf(pvc, snapshot.list('apps/v1/StatefulSet', ns))
      const replicas = owner ? Number(owner.sts.spec?.replicas ?? 1) : NaN
      // A claim of a StatefulSet replica that should exist (a pod being recreated) is in use.
      if (owner && !(owner.ordinal >= replicas)) continue
      const size = pvc.status?.capacity?.storage ?? pvc.spec?.resources?.requests?.storage
      const sizeText = typeof size === 'string' ? size : 'unknown size'
      report({
        object: pvc,
        messageId: owner ? 'scaledDown' : 'unused',
        data: {
          size: sizeText,
          age: humanDuration(age),
          ...(owner ? { statefulSet: owner.sts.metadata.name, ordinal: owner.ordinal, replicas } : {}),
        },
        evidence: {
          phase: 'Bound',
          capacity: sizeText,
          ...(typeof pvc.spec?.storageClassName === 'string'
            ? { storageClassName: pvc.spec.storageClassName }
            : {}),
          ...(typeof pvc.spec?.volumeName === 'string' ? { volumeName: pvc.spec.volumeName } : {}),
          createdAt: m.creationTimestamp,
          ...(owner
            ? { statefulSet: { name: owner.sts.metadata.name, replicas, ordinal: owner.ordinal } }
            : {}),
        },
      })
    }
  },
})
