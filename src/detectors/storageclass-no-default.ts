import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { ageMs, parseDuration } from './lib/k8s.js'
import {
  claimClassOf,
  defaultClasses,
  DEFAULT_CLASS_ANNOTATIONS,
  nameList,
} from './lib/scheduling-storage.js'

export default defineDetector({
  meta: {
    id: 'storageclass-no-default',
    title: 'No default StorageClass, or several',
    description:
      'A PersistentVolumeClaim that leaves out storageClassName (as many Helm charts and manifests do) gets the default StorageClass. With several classes marked default, Kubernetes 1.26 and later pick the most recently created one, which may be the wrong kind of disk (slow, local, without backups), and older clusters refuse such claims. With none marked default, such claims get no volume at all: they stay Pending and their pods never start. The detector reports the second case when claims are actually stuck.',
    severity: 'warning',
    category: 'storage',
    requires: ['storage.k8s.io/v1/StorageClass'],
    optional: ['v1/PersistentVolumeClaim'],
    messages: {
      severalDefaults:
        '{{count}} StorageClasses are marked default ({{classes}}). A claim that names no class gets the newest of them, {{chosen}}, which may not be the one intended; clusters before Kubernetes 1.26 refuse such claims.',
      noDefault:
        'No StorageClass is marked default, and {{count}} PersistentVolumeClaim(s) that name no class are stuck Pending ({{claims}}): claims that leave storageClassName out get no volume in this cluster.',
    },
    remediation:
      'List the classes and their default flag: `kubectl get storageclass` (default ones show "(default)"). Keep exactly one default: `kubectl annotate storageclass <name> storageclass.kubernetes.io/is-default-class=true --overwrite` on the one you want, and `kubectl annotate storageclass <other> storageclass.kubernetes.io/is-default-class-` on the others (better: where the classes are defined, in Git). Since Kubernetes 1.28 claims already waiting without a class then get the new default; on older clusters recreate them.',
    references: [
      'https://kubernetes.io/docs/concepts/storage/storage-classes/#default-storageclass',
      'https://kubernetes.io/docs/tasks/administer-cluster/change-default-storage-class/',
    ],
    params: {
      minDuration: {
        default: '5m',
        description: 'How long a claim without class must have been Pending before it counts as stuck.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const classes = snapshot.list('storage.k8s.io/v1/StorageClass')
    if (classes.length === 0) return
    const cluster = { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster }
    const defaults = defaultClasses(classes)
    if (defaults.length > 1) {
      const names = defaults.map((c) => c.metadata.name)
      report({
        object: cluster,
        messageId: 'severalDefaults',
        key: 'severalDefaults',
        data: { count: defaults.length, classes: nameList([...names].sort(), 5), chosen: names[0] as string },
        evidence: {
          defaultClasses: defaults.map((c) => ({
            name: c.metadata.name,
            provisioner: c.provisioner,
            created: c.metadata.creationTimestamp,
          })),
          annotation: DEFAULT_CLASS_ANNOTATIONS[0],
        },
      })
      return
    }
    if (defaults.length === 1 || !snapshot.has('v1/PersistentVolumeClaim')) return
    const min = parseDuration(params.minDuration)
    const stuck: KubeObject[] = []
    for (const pvc of snapshot.list('v1/PersistentVolumeClaim')) {
      if (pvc.status?.phase !== 'Pending' || claimClassOf(pvc) !== undefined) continue
      const age = ageMs(pvc.metadata.creationTimestamp, now)
      if (age !== undefined && age < min) continue
      stuck.push(pvc)
    }
    if (stuck.length === 0) return
    const names = stuck.map((p) => `${p.metadata.namespace ?? ''}/${p.metadata.name}`).sort()
    report({
      object: cluster,
      messageId: 'noDefault',
      key: 'noDefault',
      data: { count: stuck.length, claims: nameList(names) },
      evidence: {
        storageClasses: classes.map((c) => c.metadata.name),
        stuckClaims: names.slice(0, 10),
        ...(names.length > 10 ? { stuckClaimCount: names.length } : {}),
      },
    })
  },
})
