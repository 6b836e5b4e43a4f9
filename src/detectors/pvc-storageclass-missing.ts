import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { claimClassOf, nameList } from './lib/scheduling-storage.js'

const ORDINAL = /^\d+$/

export default defineDetector({
  meta: {
    id: 'pvc-storageclass-missing',
    title: 'Volume claim names a StorageClass that does not exist',
    description:
      "A PersistentVolumeClaim (or a StatefulSet's claim template) asks for a StorageClass the cluster does not have, often a name copied from another cloud or cluster (gp2 on GKE, standard on EKS) or a class since renamed. No provisioner picks the claim up: it stays Pending, and the pods that mount it never start. For a StatefulSet, every new replica waits forever.",
    severity: 'warning',
    category: 'storage',
    requires: ['storage.k8s.io/v1/StorageClass'],
    requiresAny: ['v1/PersistentVolumeClaim', 'apps/v1/StatefulSet'],
    messages: {
      claim:
        'PersistentVolumeClaim {{name}} asks for StorageClass {{class}}, which does not exist in this cluster (classes: {{available}}): no volume is created for it, and pods that mount it cannot start.',
      template:
        'StatefulSet {{name}} creates its claims from template {{template}} with StorageClass {{class}}, which does not exist in this cluster (classes: {{available}}): its new replicas wait forever for a volume.',
    },
    remediation:
      "Compare the class asked for with `kubectl get storageclass`. storageClassName cannot be changed on an existing claim: fix it in the manifest or chart values, delete the Pending claim (`kubectl delete pvc <claim> -n {{namespace}}`) and let it be created again. A StatefulSet's volumeClaimTemplates cannot be edited either: delete the StatefulSet with `--cascade=orphan` (its pods keep running), and apply it again with the right class. Or create the missing StorageClass, if the name is the one you want.",
    references: [
      'https://kubernetes.io/docs/concepts/storage/storage-classes/',
      'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#class',
    ],
  },
  detect({ snapshot, report }) {
    const classes = snapshot.list('storage.k8s.io/v1/StorageClass')
    const known = new Set(classes.map((c) => c.metadata.name))
    const missing = (name: unknown): name is string =>
      typeof name === 'string' && name !== '' && !known.has(name)
    const available = nameList([...known].sort(), 5) || 'none'
    const covered = new Set<KubeObject>()
    const withClaims = snapshot.has('v1/PersistentVolumeClaim')

    if (snapshot.has('apps/v1/StatefulSet'))
      for (const sts of snapshot.list('apps/v1/StatefulSet')) {
        const templates: unknown = sts.spec?.volumeClaimTemplates
        if (!Array.isArray(templates)) continue
        const ns = sts.metadata.namespace ?? ''
        for (const t of templates) {
          if (!t || typeof t !== 'object' || typeof t.metadata?.name !== 'string') continue
          const cls: unknown =
            t.spec?.storageClassName ?? t.metadata.annotations?.['volume.beta.kubernetes.io/storage-class']
          if (!missing(cls)) continue
          // The claims made from this template are the same finding: one report, with them as evidence.
          const prefix = `${t.metadata.name}-${sts.metadata.name}-`
          const claims: string[] = []
          if (withClaims)
            for (const pvc of snapshot.list('v1/PersistentVolumeClaim', ns)) {
              const n = pvc.metadata.name
              if (n.startsWith(prefix) && ORDINAL.test(n.slice(prefix.length))) {
                covered.add(pvc)
                claims.push(
                  `${n} (${typeof pvc.status?.phase === 'string' ? pvc.status.phase : 'no status'})`,
                )
              }
            }
          report({
            object: sts,
            messageId: 'template',
            key: t.metadata.name,
            data: { template: t.metadata.name, class: cls, available },
            evidence: {
              volumeClaimTemplate: t.metadata.name,
              storageClassName: cls,
              storageClasses: [...known].sort(),
              ...(claims.length ? { claims: claims.slice(0, 10) } : {}),
            },
          })
        }
      }

    if (!withClaims) return
    for (const pvc of snapshot.list('v1/PersistentVolumeClaim')) {
      // A bound claim keeps its volume; a Lost one is pv-pvc-lost-failed's finding.
      const phase: unknown = pvc.status?.phase
      if (phase === 'Bound' || phase === 'Lost' || covered.has(pvc)) continue
      const cls = claimClassOf(pvc)
      if (!missing(cls)) continue
      report({
        object: pvc,
        messageId: 'claim',
        data: { class: cls, available },
        evidence: {
          storageClassName: cls,
          phase: typeof phase === 'string' ? phase : null,
          storageClasses: [...known].sort(),
        },
      })
    }
  },
})
