import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { eventTime } from '../snapshot/snapshot.js'
import { ageMs, clip, conditionOf, eventEvidence, humanDuration, parseDuration } from './lib/k8s.js'
import { eventMessage } from './lib/scheduling-storage.js'

const REASONS = new Set(['FailedMount', 'FailedAttachVolume', 'FailedMapVolume'])

// The kubelet's and the attach/detach controller's wording, compiled once.
const MISSING_OBJECT = /\b(configmap|secret)s? "([^"]+)" not found/i
const MULTI_ATTACH = /Multi-Attach error/i
const USED_BY = /used by pod\(s\) ([^\s,]+(?:,\s*[^\s,]+)*)/i
const DRIVER_MISSING = /driver name (\S+) not found in the list of registered CSI drivers/
const TIMEOUT =
  /timed out waiting for the condition|context deadline exceeded|timeout expired waiting for volumes/i
const FOR_VOLUME = /for volume "([^"]+)"/
const UNMOUNTED = /unmounted volumes=\[([^\]]*)\]/
const UNATTACHED = /unattached volumes=\[([^\]]*)\]/
const SPACES = /\s+/

type Kind = 'missingObject' | 'multiAttach' | 'driverMissing' | 'failed' | 'timeout'
// The most specific first: a timeout is usually the consequence of one of the others.
const RANK: Record<Kind, number> = {
  missingObject: 0,
  multiAttach: 1,
  driverMissing: 2,
  failed: 3,
  timeout: 4,
}

interface Classified {
  kind: Kind
  event: KubeObject
  message: string
}

function classify(e: KubeObject): Classified {
  const message = eventMessage(e)
  let kind: Kind = 'failed'
  if (MISSING_OBJECT.test(message)) kind = 'missingObject'
  else if (MULTI_ATTACH.test(message)) kind = 'multiAttach'
  else if (DRIVER_MISSING.test(message)) kind = 'driverMissing'
  else if (TIMEOUT.test(message)) kind = 'timeout'
  return { kind, event: e, message }
}

// The volume a message is about, for people: the volume name, or the list the kubelet gave up on.
function volumeOf(message: string, pod: KubeObject, objectName?: string): string {
  const v = FOR_VOLUME.exec(message)
  if (v) return v[1] as string
  if (objectName) {
    const vols: unknown = pod.spec?.volumes
    if (Array.isArray(vols))
      for (const x of vols)
        if (
          x &&
          typeof x.name === 'string' &&
          (x.configMap?.name === objectName || x.secret?.secretName === objectName)
        )
          return x.name
  }
  const u = UNMOUNTED.exec(message) ?? UNATTACHED.exec(message)
  return u && (u[1] as string).trim() ? (u[1] as string).trim().split(SPACES).join(', ') : 'unknown'
}

export default defineDetector({
  meta: {
    id: 'volume-mount-failure',
    title: 'Pod cannot start because a volume does not mount',
    description:
      "Before starting a pod's containers, the kubelet attaches and mounts every volume the pod declares. When that fails the pod stays in ContainerCreating, with no container and no log to look at: only events say why. A ConfigMap or Secret it mounts may not exist, a ReadWriteOnce disk may still be attached to another node (Multi-Attach, typically after a node failure or during a StatefulSet move), the storage driver may not run on the node, or the storage backend may not answer in time.",
    severity: 'warning',
    category: 'storage',
    requires: ['v1/Pod', 'v1/Event'],
    messages: {
      missingObject:
        'Pod {{name}} cannot start: its volume {{volume}} mounts {{objectKind}} {{object}}, which does not exist in namespace {{namespace}} (failing for {{for}}).',
      multiAttach:
        'Pod {{name}} cannot start: its volume {{volume}} is still attached to another node (Multi-Attach error{{holders}}); a ReadWriteOnce disk can be attached to one node at a time (failing for {{for}}).',
      driverMissing:
        'Pod {{name}} cannot start: the storage driver {{driver}} that its volume {{volume}} needs is not running on node {{node}} (failing for {{for}}).',
      timeout:
        'Pod {{name}} cannot start: attaching or mounting its volumes ({{volume}}) timed out (failing for {{for}}).',
      failed: 'Pod {{name}} cannot start: mounting its volume {{volume}} fails (for {{for}}): {{detail}}',
    },
    remediation:
      'Read the events: `kubectl describe pod {{name}} -n {{namespace}}` (FailedMount, FailedAttachVolume). Missing ConfigMap or Secret: create it in namespace {{namespace}}, or fix its name in the pod template (mark it `optional: true` if the pod can run without it). Multi-Attach: find where the disk is attached (`kubectl get volumeattachments | grep <pv>`); if the old pod or node is gone, the controller detaches it after about 6 minutes; if the old node is down for good, delete the node or taint it `node.kubernetes.io/out-of-service=nodeshutdown:NoExecute`. Driver missing: check the CSI node plugin DaemonSet runs on that node (`kubectl get pods -A -o wide | grep csi`). Timeout or other errors: check the storage backend and the CSI driver logs.',
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/',
      'https://kubernetes.io/docs/tasks/debug/debug-application/debug-pods/',
      'https://kubernetes.io/docs/concepts/cluster-administration/node-shutdown/#non-graceful-node-shutdown',
    ],
    params: {
      window: {
        default: '1h',
        description: 'Only mount failures reported within this time count (older events are history).',
      },
      minDuration: {
        default: '5m',
        description:
          'How long the pod must have been failing to mount before it counts: a Secret created a moment after its pod (by cert-manager, say) is not a problem.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const window = parseDuration(params.window)
    const min = parseDuration(params.minDuration)
    for (const pod of snapshot.list('v1/Pod')) {
      // Volumes are mounted before any container starts: a pod past Pending has its volumes.
      if (pod.status?.phase !== 'Pending' || pod.metadata.deletionTimestamp) continue
      const nodeName: unknown = pod.spec?.nodeName
      if (typeof nodeName !== 'string' || !nodeName) continue
      let best: Classified | undefined
      let firstSeen: string | undefined
      let count = 0
      for (const e of snapshot.eventsFor(pod)) {
        if (!REASONS.has((e as Record<string, unknown>).reason as string)) continue
        const t = eventTime(e)
        const age = ageMs(t, now)
        if (age !== undefined && age > window) continue
        count++
        const first: unknown = (e as Record<string, unknown>).firstTimestamp
        const start = typeof first === 'string' && first ? first : t
        if (start && (firstSeen === undefined || start < firstSeen)) firstSeen = start
        const c = classify(e)
        // Newer events replace older ones of the same rank (events are oldest first).
        if (!best || RANK[c.kind] <= RANK[best.kind]) best = c
      }
      if (!best) continue
      // Failing since the first failure seen, or since the pod was scheduled.
      const scheduledAt = conditionOf(pod, 'PodScheduled')?.lastTransitionTime
      const failing = ageMs(firstSeen ?? scheduledAt ?? pod.metadata.creationTimestamp, now)
      if (failing !== undefined && failing < min) continue

      const data: Record<string, string> = {
        for: failing === undefined ? 'an unknown time' : humanDuration(failing),
      }
      const evidence: Record<string, unknown> = { node: nodeName, cause: best.kind }
      const msg = best.message
      switch (best.kind) {
        case 'missingObject': {
          const m = MISSING_OBJECT.exec(msg) as RegExpExecArray
          data.objectKind = (m[1] as string).toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap'
          data.object = m[2] as string
          data.volume = volumeOf(msg, pod, data.object)
          break
        }
        case 'multiAttach': {
          data.volume = volumeOf(msg, pod)
          const u = USED_BY.exec(msg)
          data.holders = u ? `; used by pod ${u[1]}` : ''
          break
        }
        case 'driverMissing':
          data.driver = (DRIVER_MISSING.exec(msg) as RegExpExecArray)[1] as string
          data.volume = volumeOf(msg, pod)
          data.node = nodeName
          break
        case 'timeout':
          data.volume = volumeOf(msg, pod)
          break
        default:
          data.volume = volumeOf(msg, pod)
          data.detail = clip(msg, 250) || 'the kubelet gave no message.'
      }
      evidence.event = eventEvidence(best.event)
      evidence.failedEvents = count
      report({ object: pod, messageId: best.kind, data, evidence })
    }
  },
})
