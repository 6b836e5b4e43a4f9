import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { eventTime } from '../snapshot/snapshot.js'
import { ageMs, clip, eventEvidence, humanDuration, lastEventWithReason, parseDuration } from './lib/k8s.js'
import { claimClassOf, defaultClasses, eventMessage } from './lib/scheduling-storage.js'

const SELECTED_NODE = 'volume.kubernetes.io/selected-node'
const PROVISIONER_ANNOTATIONS = [
  'volume.kubernetes.io/storage-provisioner',
  'volume.beta.kubernetes.io/storage-provisioner',
]
// Normal events of the PV controller and external provisioners while a volume is being made.
const PROVISIONING = ['ExternalProvisioning', 'Provisioning']
const STATE_EVENTS = [
  'ProvisioningFailed',
  'ExternalProvisioning',
  'Provisioning',
  'WaitForFirstConsumer',
  'FailedBinding',
]

function annotation(o: KubeObject, key: string): string | undefined {
  const v: unknown = o.metadata.annotations?.[key]
  return typeof v === 'string' && v ? v : undefined
}

export default defineDetector({
  meta: {
    id: 'pvc-pending',
    title: 'Volume claim is stuck Pending',
    description:
      'A PersistentVolumeClaim stays Pending until a volume is bound to it; every pod that mounts it waits (Pending or ContainerCreating) until then. Usually a StorageClass provisioner creates the volume within seconds. A claim pending for minutes means provisioning failed (cloud quota, permissions, an invalid parameter, no capacity in the zone), the provisioner (a CSI driver) is not running, or nothing can provision it at all. A WaitForFirstConsumer claim that no pod uses yet is normal and not reported.',
    severity: 'warning',
    category: 'storage',
    requires: ['v1/PersistentVolumeClaim'],
    optional: ['v1/Event', 'storage.k8s.io/v1/StorageClass'],
    messages: {
      provisioningFailed:
        'PersistentVolumeClaim {{name}} has been Pending for {{for}}: creating its volume failed: {{detail}}',
      notProvisioned:
        'PersistentVolumeClaim {{name}} has been Pending for {{for}}: the provisioner {{provisioner}} (StorageClass {{class}}) has not created its volume. Is that storage driver installed and running?',
      noStorageClass:
        'PersistentVolumeClaim {{name}} has been Pending for {{for}}: it names no StorageClass and the cluster has none, so only a PersistentVolume created by hand can satisfy it.',
      noMatchingVolume:
        'PersistentVolumeClaim {{name}} has been Pending for {{for}}: it asks for a pre-created volume (storageClassName "") of {{size}}, and no PersistentVolume matches it.',
      preboundVolume:
        'PersistentVolumeClaim {{name}} has been Pending for {{for}}: it asks for PersistentVolume {{volume}} by name, which does not exist, is bound to another claim, or does not match its size, access modes or class.',
    },
    remediation:
      'Read why: `kubectl describe pvc {{name}} -n {{namespace}}` (Events) and `kubectl get storageclass`. Provisioning failed: fix what the event says (cloud quota or IAM permissions of the CSI driver, an invalid StorageClass parameter, no capacity in the zone), and the provisioner retries. Provisioner silent: check that its CSI driver runs (`kubectl get csidrivers`, `kubectl get pods -A | grep csi`, and their logs). No class: recreate the claim with a `storageClassName` (the field cannot be changed), or mark a default StorageClass. Pre-created volume: create a matching PersistentVolume, or check with `kubectl get pv` that the one the claim names is Available.',
    references: [
      'https://kubernetes.io/docs/concepts/storage/persistent-volumes/#lifecycle-of-a-volume-and-claim',
      'https://kubernetes.io/docs/concepts/storage/dynamic-provisioning/',
      'https://kubernetes.io/docs/concepts/storage/storage-classes/#volume-binding-mode',
    ],
    params: {
      minDuration: {
        default: '5m',
        description: 'How long the claim must have been Pending (or provisioning) before it counts.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withEvents = snapshot.has('v1/Event')
    const withClasses = snapshot.has('storage.k8s.io/v1/StorageClass')
    let defaults: KubeObject[] | undefined
    for (const pvc of snapshot.list('v1/PersistentVolumeClaim')) {
      if (pvc.status?.phase !== 'Pending' || pvc.metadata.deletionTimestamp) continue
      const created = ageMs(pvc.metadata.creationTimestamp, now)
      if (created !== undefined && created < min) continue

      const className = claimClassOf(pvc)
      let cls: KubeObject | undefined
      if (withClasses) {
        defaults ??= defaultClasses(snapshot.list('storage.k8s.io/v1/StorageClass'))
        if (className) {
          cls = snapshot.get('storage.k8s.io/v1/StorageClass', undefined, className)
          // A class that does not exist is pvc-storageclass-missing's finding.
          if (!cls) continue
        } else if (className === undefined) {
          cls = defaults[0]
          // No default among existing classes is storageclass-no-default's finding (it names the claims).
          if (!cls && snapshot.list('storage.k8s.io/v1/StorageClass').length > 0) continue
        }
      }
      const events = withEvents ? snapshot.eventsFor(pvc) : []
      const last = lastEventWithReason(events, STATE_EVENTS)
      const failed = lastEventWithReason(events, ['ProvisioningFailed'])
      const volumeName: unknown = pvc.spec?.volumeName
      const selectedNode = annotation(pvc, SELECTED_NODE)

      let messageId: string
      const data: Record<string, string> = {}
      let since = created
      if (failed) {
        messageId = 'provisioningFailed'
        data.detail = clip(eventMessage(failed), 300) || 'the provisioner gave no reason.'
      } else if (typeof volumeName === 'string' && volumeName) {
        messageId = 'preboundVolume'
        data.volume = volumeName
      } else if (className === '') {
        messageId = 'noMatchingVolume'
        const size: unknown = pvc.spec?.resources?.requests?.storage
        data.size = typeof size === 'string' ? size : 'unspecified size'
      } else if (className === undefined && withClasses && !cls) {
        messageId = 'noStorageClass'
      } else {
        const wffc =
          cls?.volumeBindingMode === 'WaitForFirstConsumer' ||
          (!cls && (last as Record<string, unknown> | undefined)?.reason === 'WaitForFirstConsumer')
        // Waiting for a pod to be scheduled is normal; an unschedulable pod is pod-unschedulable's finding.
        if (wffc && !selectedNode) continue
        const provisioning = lastEventWithReason(events, PROVISIONING)
        if (!cls && !selectedNode && !provisioning) continue // nothing shows what it waits for
        // With delayed binding the volume is asked for once the pod is scheduled (selected-node): time
        // the wait from the first provisioning event, not from the claim's creation.
        if ((wffc || selectedNode) && provisioning) {
          const first = events.find((e) =>
            PROVISIONING.includes((e as Record<string, unknown>).reason as string),
          )
          const t = first && ((first as Record<string, unknown>).firstTimestamp ?? eventTime(first))
          const waited = ageMs(typeof t === 'string' ? t : undefined, now)
          if (waited !== undefined && (since === undefined || waited < since)) since = waited
          if (since !== undefined && since < min) continue
        }
        messageId = 'notProvisioned'
        data.provisioner =
          (typeof cls?.provisioner === 'string' && cls.provisioner) ||
          PROVISIONER_ANNOTATIONS.map((k) => annotation(pvc, k)).find(Boolean) ||
          'unknown'
        data.class = cls?.metadata.name ?? className ?? 'default'
      }
      data.for = since === undefined ? 'an unknown time' : humanDuration(since)

      const evidence: Record<string, unknown> = {
        phase: 'Pending',
        storageClassName: className ?? null,
      }
      if (cls) {
        evidence.storageClass = {
          name: cls.metadata.name,
          provisioner: cls.provisioner,
          volumeBindingMode: cls.volumeBindingMode ?? 'Immediate',
        }
        if (className === undefined) evidence.defaultClass = true
      }
      if (selectedNode) evidence.selectedNode = selectedNode
      if (typeof volumeName === 'string' && volumeName) evidence.volumeName = volumeName
      const shown = failed ?? last
      if (shown) evidence.event = eventEvidence(shown)
      report({ object: pvc, messageId, data, evidence })
    }
  },
})
