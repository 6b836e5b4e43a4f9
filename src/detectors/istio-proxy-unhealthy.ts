import type { KubeObject } from '../core/types.js'
import type { Snapshot } from '../snapshot/snapshot.js'
import { defineDetector } from '../detect/define.js'
import {
  ageMs,
  conditionEvidence,
  conditionOf,
  humanDuration,
  parseDuration,
  stateEvidence,
  type ContainerStatus,
} from './lib/k8s.js'
import {
  CONTROL_PLANE_KINDS,
  controlPlane,
  isRunning,
  meshedPods,
  revisionReader,
  proxyStatusOf,
  type ControlPlane,
  type Istiod,
} from './lib/mesh-gitops.js'

// Whether an istiod Deployment has been unavailable for at least `minFor`; returns how long, or undefined.
function istiodDownFor(d: KubeObject, now: Date, minFor: number): number | undefined {
  if (!d.status || typeof d.status !== 'object') return undefined
  const desired = typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1
  if (desired === 0) return undefined
  const available = conditionOf(d, 'Available')
  let since: number | undefined
  if (available) {
    if (available.status !== 'False') return undefined
    since = ageMs(available.lastTransitionTime, now)
  } else {
    if ((typeof d.status.availableReplicas === 'number' ? d.status.availableReplicas : 0) > 0)
      return undefined
    since = ageMs(d.metadata.creationTimestamp, now)
  }
  return since !== undefined && since >= minFor ? since : undefined
}

function istiodOf(cp: ControlPlane, pod: KubeObject, snapshot: Snapshot): Istiod | undefined {
  const rev = revisionReader(snapshot)(pod) ?? 'default'
  return cp.byRevision.get(cp.tags.get(rev) ?? rev)?.[0]
}

export default defineDetector({
  meta: {
    id: 'istio-proxy-unhealthy',
    title: 'Istio proxy or istiod is unhealthy',
    description:
      'Every request to and from a meshed pod goes through its istio-proxy container. When the proxy is killed for memory, keeps restarting or stays not ready, the pod drops connections or receives no traffic even though the application is fine. When istiod is unavailable, proxies get no configuration or certificate updates and, with the injector down, new pods cannot be created in injected namespaces.',
    severity: 'warning',
    category: 'mesh',
    requires: [],
    requiresAny: ['v1/Pod', 'apps/v1/Deployment'],
    optional: CONTROL_PLANE_KINDS,
    messages: {
      oomKilled:
        'The istio-proxy sidecar of pod {{pod}} was killed for running out of memory (memory limit {{limit}}, restart count {{restarts}}): the pod loses its connections each time.',
      restarting:
        'The istio-proxy sidecar of pod {{pod}} restarted {{restarts}} times, last {{ago}} ago ({{reason}}): the pod loses its connections each time.',
      notReady:
        'The istio-proxy sidecar of pod {{pod}} has not been ready for {{for}}, so the pod gets no traffic{{cause}}.',
      istiodUnavailable:
        'istiod {{name}} (revision {{revision}}) has been unavailable for {{for}} ({{available}} of {{desired}} replicas): proxies of that revision get no configuration or certificate updates, and pod creation in its namespaces may fail.',
    },
    remediation:
      'Confirm with {{check}}. {{fix}} `istioctl proxy-status` shows which proxies are connected to which istiod.',
    references: [
      'https://istio.io/latest/docs/ops/diagnostic-tools/proxy-cmd/',
      'https://istio.io/latest/docs/reference/config/annotations/',
      'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/',
    ],
    params: {
      minRestarts: { default: 3, description: 'Restarts of istio-proxy that count as restarting.' },
      maxAge: {
        default: '24h',
        description: 'Ignore an OOM kill or restart whose last termination finished longer ago than this.',
      },
      notReadyFor: {
        default: '5m',
        description: 'How long istio-proxy (or istiod) must be not ready before it is reported.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const minRestarts = Number(params.minRestarts)
    const maxAge = parseDuration(params.maxAge)
    const notReadyFor = parseDuration(params.notReadyFor)
    const cp = controlPlane(snapshot)
    const down = new Map<Istiod, number>()
    for (const i of cp.istiods) {
      const since = istiodDownFor(i.obj, now, notReadyFor)
      if (since === undefined) continue
      down.set(i, since)
      const d = i.obj
      const available = conditionOf(d, 'Available')
      report({
        object: d,
        messageId: 'istiodUnavailable',
        data: {
          revision: i.revision,
          for: humanDuration(since),
          available: typeof d.status?.availableReplicas === 'number' ? d.status.availableReplicas : 0,
          desired: typeof d.spec?.replicas === 'number' ? d.spec.replicas : 1,
          check: `\`kubectl describe deployment ${d.metadata.name} -n ${d.metadata.namespace}\` and \`kubectl logs -n ${d.metadata.namespace} deployment/${d.metadata.name}\``,
          fix: "Bring istiod back: its pods' events tell why they do not start (scheduling, image pull, memory). It injects and configures every sidecar of its revision.",
        },
        evidence: available ? { condition: conditionEvidence(available, now) } : { status: d.status },
      })
    }
    if (!snapshot.has('v1/Pod')) return
    for (const m of meshedPods(snapshot)) {
      const pod = m.pod
      if (!isRunning(pod)) continue
      const s = proxyStatusOf(pod)
      if (!s) continue
      const finding = judge(s, now, minRestarts, maxAge, notReadyFor, pod)
      if (!finding) continue
      const limit: unknown = m.proxy?.resources?.limits?.memory
      const ns = pod.metadata.namespace ?? 'default'
      const data: Record<string, string | number> = {
        pod: pod.metadata.name,
        check: `\`kubectl describe pod ${pod.metadata.name} -n ${ns}\` and \`kubectl logs ${pod.metadata.name} -n ${ns} -c istio-proxy${finding.messageId === 'notReady' ? '' : ' --previous'}\``,
        fix: FIX[finding.messageId] as string,
        restarts: typeof s.restartCount === 'number' ? s.restartCount : 0,
        limit: typeof limit === 'string' || typeof limit === 'number' ? String(limit) : 'none',
        ...finding.data,
      }
      const evidence: Record<string, unknown> = {
        container: 'istio-proxy',
        ready: s.ready ?? null,
        restartCount: s.restartCount ?? 0,
        state: stateEvidence(s.state),
      }
      if (s.lastState?.terminated) evidence.lastState = stateEvidence(s.lastState)
      if (finding.messageId === 'notReady') {
        const istiod = istiodOf(cp, pod, snapshot)
        const since = istiod && down.get(istiod)
        data.cause = since
          ? `; its control plane ${istiod!.obj.metadata.name} is unavailable, which is the likely cause`
          : ''
        if (istiod) evidence.istiod = `${istiod.obj.metadata.namespace}/${istiod.obj.metadata.name}`
      }
      report({ object: pod, messageId: finding.messageId, data, evidence, key: 'istio-proxy' })
    }
  },
})

const FIX: Record<string, string> = {
  oomKilled:
    'Give the proxy more memory with the pod template annotations `sidecar.istio.io/proxyMemory` and `sidecar.istio.io/proxyMemoryLimit`; a Sidecar resource that limits the hosts each proxy must know shrinks Envoy in large meshes.',
  restarting:
    'Fix what the proxy logs before it exits: most often it cannot reach istiod (port 15012), cannot get its certificate, or runs out of memory.',
  notReady:
    'A proxy is not ready until istiod has sent it its configuration: check that istiod is up and reachable from the pod on port 15012 (NetworkPolicies, DNS), and read the proxy log for rejected configuration.',
}

function judge(
  s: ContainerStatus,
  now: Date,
  minRestarts: number,
  maxAge: number,
  notReadyFor: number,
  pod: KubeObject,
): { messageId: string; data: Record<string, string> } | undefined {
  const current = s.state?.terminated
  const last = s.lastState?.terminated
  const term = current ?? last
  const termAge = ageMs(term?.finishedAt, now)
  const recent = termAge !== undefined && termAge <= maxAge
  if (term?.reason === 'OOMKilled' && recent) return { messageId: 'oomKilled', data: {} }
  const restarts = typeof s.restartCount === 'number' ? s.restartCount : 0
  const backingOff = s.state?.waiting?.reason === 'CrashLoopBackOff'
  if (restarts >= minRestarts && (recent || backingOff))
    return {
      messageId: 'restarting',
      data: {
        ago: termAge !== undefined ? humanDuration(termAge) : 'a while',
        reason: term?.reason ?? s.state?.waiting?.reason ?? 'no reason given',
      },
    }
  if (s.ready === false && s.state?.running) {
    // The kubelet flips ContainersReady when the proxy stops being ready; without it, count from the start.
    const cond = conditionOf(pod, 'ContainersReady')
    const since =
      cond && cond.status === 'False'
        ? ageMs(cond.lastTransitionTime, now)
        : ageMs(s.state.running.startedAt, now)
    if (since !== undefined && since >= notReadyFor)
      return { messageId: 'notReady', data: { for: humanDuration(since) } }
  }
  return undefined
}
