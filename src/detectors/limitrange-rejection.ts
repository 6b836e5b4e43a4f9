import type { KubeObject, ObjectRef } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { eventTime } from '../snapshot/snapshot.js'
import { clip, eventEvidence, parseDuration, parseQuantity } from './lib/k8s.js'
import {
  CREATOR_KINDS,
  eventMessage,
  eventWithin,
  failedCreateEvents,
  involvedOf,
  workloadOfEvent,
} from './lib/scheduling-storage.js'

// The LimitRanger admission plugin's wording (plugin/pkg/admission/limitranger), stable since 1.x:
//   maximum cpu usage per Container is 2, but limit is 4
//   maximum memory usage per Pod is 1Gi.  No limit is specified
//   minimum memory usage per Container is 100Mi, but request is 50Mi
//   maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi
//   cpu max limit to request ratio per Container is 2, but provided ratio is 4.000000
const HINT = /usage per (?:Container|Pod|PersistentVolumeClaim) is|max limit to request ratio per/
const MIN_MAX =
  /(maximum|minimum) (\S+) usage per (Container|Pod|PersistentVolumeClaim) is ([^\s,\]]+?)(?:\.\s+No (request|limit) is specified|, but (request|limit) is ([^\s,\]]+))/g
const RATIO =
  /([^\s[,]+) max limit to request ratio per (Container|Pod) is ([^\s,\]]+?), but (?:provided ratio is ([\d.]+)|no request is specified or request is 0)/g
const TRAILING_DOT = /\.$/

/** One constraint of a LimitRange that a pod or claim broke. */
interface Violation {
  /** The LimitRange field: max, min or maxLimitRequestRatio. */
  field: 'max' | 'min' | 'maxLimitRequestRatio'
  resource: string
  scope: string
  enforced: string
  /** In plain words, for the message. */
  text: string
  /** Where it appears in the message, to keep the API server's order. */
  at: number
}

function parseViolations(message: string): Violation[] {
  const out: Violation[] = []
  let m: RegExpExecArray | null
  MIN_MAX.lastIndex = 0
  while ((m = MIN_MAX.exec(message))) {
    const [, bound, resource, scope, enforcedRaw, missing, which, valueRaw] = m as unknown as string[]
    const enforced = (enforcedRaw as string).replace(TRAILING_DOT, '')
    const max = bound === 'maximum'
    const subject = scope === 'PersistentVolumeClaim' ? 'PersistentVolumeClaim' : scope
    let text: string
    if (missing)
      text = `no ${resource} ${missing} is set, but every ${subject} needs one (${bound} ${enforced})`
    else {
      const value = (valueRaw as string).replace(TRAILING_DOT, '')
      text = `the ${resource} ${which} of ${value} is ${max ? 'above the maximum' : 'below the minimum'} of ${enforced} per ${subject}`
    }
    out.push({
      field: max ? 'max' : 'min',
      resource: resource as string,
      scope: scope as string,
      enforced,
      text,
      at: m.index,
    })
  }
  RATIO.lastIndex = 0
  while ((m = RATIO.exec(message))) {
    const [, resource, scope, enforcedRaw, ratio] = m as unknown as string[]
    const enforced = (enforcedRaw as string).replace(TRAILING_DOT, '')
    const text = ratio
      ? `the ${resource} limit is ${Number(ratio).toFixed(1)} times the request, above the allowed ratio of ${enforced} per ${scope}`
      : `the ${resource} limit may be at most ${enforced} times the request per ${scope}, but no request is set`
    out.push({
      field: 'maxLimitRequestRatio',
      resource: resource as string,
      scope: scope as string,
      enforced,
      text,
      at: m.index,
    })
  }
  return out.sort((a, b) => a.at - b.at)
}

// The LimitRange of the namespace that holds the broken constraint; the one whose value matches, if several.
function limitRangeFor(ranges: readonly KubeObject[], v: Violation): KubeObject | undefined {
  let candidate: KubeObject | undefined
  const enforced = parseQuantity(v.enforced)
  for (const lr of ranges) {
    const limits: unknown = lr.spec?.limits
    if (!Array.isArray(limits)) continue
    for (const l of limits) {
      if (!l || typeof l !== 'object' || l.type !== v.scope) continue
      const set: unknown = l[v.field]
      if (!set || typeof set !== 'object') continue
      const value: unknown = (set as Record<string, unknown>)[v.resource]
      if (value === undefined) continue
      if (parseQuantity(value) === enforced) return lr
      candidate ??= lr
    }
  }
  return candidate
}

// Whether the creator has caught up since the refusal: it holds all the pods it wants.
function caughtUp(o: KubeObject | undefined): boolean {
  const st = o?.status
  if (!o || !st || typeof st !== 'object') return false
  if (o.kind === 'DaemonSet')
    return (
      typeof st.desiredNumberScheduled === 'number' &&
      typeof st.currentNumberScheduled === 'number' &&
      st.currentNumberScheduled >= st.desiredNumberScheduled
    )
  if (o.kind === 'ReplicaSet' || o.kind === 'StatefulSet')
    return (
      typeof o.spec?.replicas === 'number' &&
      typeof st.replicas === 'number' &&
      st.replicas >= o.spec.replicas
    )
  return false
}

function identity(ref: ObjectRef): string {
  return `${ref.kind}/${ref.namespace ?? ''}/${ref.name}`
}

export default defineDetector({
  meta: {
    id: 'limitrange-rejection',
    title: 'LimitRange refuses the pods of a workload',
    description:
      "A LimitRange sets, per namespace, the smallest and largest CPU, memory or storage a container, pod or claim may ask for. The API server refuses a pod (or a StatefulSet's claim) outside those bounds, so the workload's controller cannot create it: a rollout stalls, a scale-up does not happen, a Job never starts. The workload itself shows no error, only a FailedCreate event.",
    severity: 'warning',
    category: 'scheduling',
    requires: ['v1/Event'],
    optional: ['v1/LimitRange', ...CREATOR_KINDS],
    messages: {
      rejected:
        '{{kind}} {{name}} cannot create its {{objects}}: LimitRange {{limitRange}} in namespace {{namespace}} refuses them because {{violation}}.',
      rejectedUnnamed:
        '{{kind}} {{name}} cannot create its {{objects}}: a LimitRange in namespace {{namespace}} refuses them because {{violation}}.',
    },
    remediation:
      'Read the refusal and the bounds: `kubectl get events -n {{namespace}} --field-selector reason=FailedCreate` and `kubectl describe limitrange -n {{namespace}}`. Then change the resources of {{kind}} {{name}} to fit (`resources.requests` and `resources.limits` of each container, or the storage request of its volumeClaimTemplates), or, if the bound is wrong, change the LimitRange where it is defined. The controller retries on its own once the spec fits.',
    references: [
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
      'https://kubernetes.io/docs/tasks/administer-cluster/manage-resources/memory-constraint-namespace/',
    ],
    params: {
      maxAge: {
        default: '1h',
        description:
          'Only refusals newer than this count: an older one was either fixed or is repeated by a newer event (controllers retry).',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const maxAge = parseDuration(params.maxAge)
    const withRanges = snapshot.has('v1/LimitRange')
    const seen = new Set<string>()
    for (const [ns, events] of failedCreateEvents(snapshot)) {
      // Newest first: the newest refusal of each workload is the one reported.
      for (let i = events.length - 1; i >= 0; i--) {
        const e = events[i] as KubeObject
        const message = eventMessage(e)
        if (!HINT.test(message) || !eventWithin(e, now, maxAge)) continue
        const violations = parseViolations(message)
        if (violations.length === 0) continue
        const w = workloadOfEvent(snapshot, e)
        if (!w || seen.has(identity(w.ref))) continue
        // Only the newest refusal of a workload is judged: if it is resolved, so are the older ones.
        seen.add(identity(w.ref))
        if (caughtUp(w.involved)) continue
        // A pod created after the refusal means the spec (or the LimitRange) was fixed since.
        const io = involvedOf(e)
        const about: KubeObject = w.involved ?? {
          apiVersion: io?.apiVersion ?? 'v1',
          kind: io?.kind ?? '',
          metadata: {
            name: io?.name ?? '',
            namespace: io?.namespace ?? ns,
            ...(io?.uid ? { uid: io.uid } : {}),
          },
        }
        const at = eventTime(e)
        if (
          snapshot
            .eventsFor(about)
            .some((x) => (x as Record<string, unknown>).reason === 'SuccessfulCreate' && eventTime(x) > at)
        )
          continue

        const first = violations[0] as Violation
        const lr = withRanges ? limitRangeFor(snapshot.list('v1/LimitRange', ns), first) : undefined
        const data: Record<string, string> = {
          objects: first.scope === 'PersistentVolumeClaim' ? 'PersistentVolumeClaims' : 'pods',
          violation: first.text,
        }
        if (lr) data.limitRange = lr.metadata.name
        const evidence: Record<string, unknown> = {
          violations: violations.slice(0, 5).map((v) => ({
            scope: v.scope,
            resource: v.resource,
            [v.field]: v.enforced,
            problem: v.text,
          })),
          event: { ...eventEvidence(e), message: clip(message, 400) },
        }
        if (w.involved && w.involved !== w.object)
          evidence.createdBy = `${w.involved.kind} ${w.involved.metadata.name}`
        if (lr) evidence.limitRange = { name: lr.metadata.name, limits: lr.spec?.limits }
        report({ object: w.object, messageId: lr ? 'rejected' : 'rejectedUnnamed', data, evidence })
      }
    }
  },
})
