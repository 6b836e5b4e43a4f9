import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import {
  ageMs,
  clip,
  eventEvidence,
  forEachContainerStatus,
  humanDuration,
  parseDuration,
  stateEvidence,
  type ContainerStatus,
} from './lib/k8s.js'
import { podIndex, WAITING_OWNED_ELSEWHERE } from './lib/pods-workloads.js'

// The kubelet's wording when a probe makes it restart a container.
const PROBE_KILL = /failed (liveness|startup) probe/i
const PROBE_FAILED = /^(Liveness|Startup) probe (?:failed|errored)[:\s]*(.*)$/s
const FIELD_CONTAINER = /\{([^}]+)\}/

interface ProbeKills {
  kill?: KubeObject
  failure?: KubeObject
  probe?: string
  detail?: string
}

function containerOf(e: Record<string, unknown>): string | undefined {
  const fp = (e.involvedObject as { fieldPath?: unknown } | undefined)?.fieldPath
  return typeof fp === 'string' ? FIELD_CONTAINER.exec(fp)?.[1] : undefined
}

// The newest probe kill (Killing) and probe failure (Unhealthy) for one container.
function probeKills(events: readonly KubeObject[], container: string): ProbeKills {
  const out: ProbeKills = {}
  for (let i = events.length - 1; i >= 0 && !(out.kill && out.failure); i--) {
    const e = events[i] as Record<string, unknown>
    const message = typeof e.message === 'string' ? e.message : ''
    const c = containerOf(e)
    if (c !== undefined && c !== container) continue
    if (!out.kill && e.reason === 'Killing') {
      const m = PROBE_KILL.exec(message)
      if (m && (c !== undefined || message.includes(`Container ${container} `))) {
        out.kill = events[i]
        out.probe ??= (m[1] as string).toLowerCase()
      }
    } else if (!out.failure && e.reason === 'Unhealthy') {
      const m = PROBE_FAILED.exec(message)
      if (m && c !== undefined) {
        out.failure = events[i]
        out.probe ??= (m[1] as string).toLowerCase()
        out.detail = clip((m[2] as string).trim(), 200) || 'no output'
      }
    }
  }
  return out
}

export default defineDetector({
  meta: {
    id: 'container-restarts-elevated',
    title: 'Container restarts again and again (without a crash loop)',
    description:
      'The container has restarted many times and restarted recently, yet is not in CrashLoopBackOff now: it runs for a while, then dies or is killed by its liveness probe, typically under load. Every restart drops the requests in flight and empties caches; it is often the first sign of a slow leak, a deadlock, or a liveness probe stricter than the app can meet.',
    severity: 'warning',
    category: 'pod',
    requires: ['v1/Pod'],
    optional: ['v1/Event'],
    messages: {
      probeKills:
        'Container {{container}} of pod {{name}} has restarted {{restarts}} times, the last {{ago}} ago: its {{probe}} probe fails and the kubelet kills it ({{detail}}).',
      restarts:
        'Container {{container}} of pod {{name}} has restarted {{restarts}} times, the last {{ago}} ago (last exit: {{lastExit}}), though it is not crash-looping now.',
    },
    remediation:
      'Read the run before the last restart: `kubectl logs {{name}} -n {{namespace}} -c {{container}} --previous` and `kubectl describe pod {{name}} -n {{namespace}}` (Last State, Events: Unhealthy, Killing). A liveness probe kill: check that the probe endpoint does not depend on slow downstream services, and give it room (`timeoutSeconds`, `failureThreshold`, a `startupProbe` for slow starts); exit 137 without a probe failure: look at memory (`kubectl top pod {{name}} -n {{namespace}} --containers`); other exit codes: fix the error in the logs.',
    references: [
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-restarts',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    ],
    params: {
      minRestarts: {
        default: 5,
        description: 'Restarts (the container restartCount) from which the detector fires.',
      },
      window: {
        default: '24h',
        description:
          'The last restart must have happened within this time: a container that has been steady since is not reported.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const minRestarts = Number(params.minRestarts)
    const window = parseDuration(params.window)
    const withEvents = snapshot.has('v1/Event')
    for (const pod of podIndex(snapshot).restarted) {
      let events: KubeObject[] | undefined
      forEachContainerStatus(pod, (s: ContainerStatus, init) => {
        const restarts = s.restartCount
        if (typeof restarts !== 'number' || restarts < minRestarts) return
        // Crash loops, image pulls and create errors have their own detectors; so do OOM kills.
        const waiting = s.state?.waiting?.reason
        if (typeof waiting === 'string' && WAITING_OWNED_ELSEWHERE.has(waiting)) return
        const last = s.lastState?.terminated
        if (last?.reason === 'OOMKilled') return
        const ago = ageMs(last?.finishedAt ?? s.state?.running?.startedAt, now)
        if (ago === undefined || ago > window) return

        events ??= withEvents ? snapshot.eventsFor(pod) : []
        const kills = probeKills(events, s.name)
        const exitCode = typeof last?.exitCode === 'number' ? last.exitCode : undefined
        const lastExit =
          last === undefined
            ? 'unknown'
            : exitCode === undefined
              ? (last.reason ?? 'unknown')
              : `${last.reason ?? 'exit'}, exit code ${exitCode}`
        const data: Record<string, string | number> = {
          container: s.name,
          restarts,
          ago: humanDuration(ago),
          lastExit,
        }
        const evidence: Record<string, unknown> = {
          container: s.name,
          init,
          restartCount: restarts,
          lastState: stateEvidence(s.lastState),
          state: stateEvidence(s.state),
        }
        const started = pod.status?.startTime
        const podAge = ageMs(typeof started === 'string' ? started : undefined, now)
        if (podAge !== undefined) evidence.podAge = humanDuration(podAge)
        if (kills.kill) evidence.killEvent = eventEvidence(kills.kill)
        if (kills.failure) evidence.probeEvent = eventEvidence(kills.failure)
        if (!kills.kill && exitCode === 137)
          evidence.exitMeaning =
            'killed (SIGKILL): a liveness probe kill, or killed from outside the container'
        let messageId = 'restarts'
        if (kills.kill || kills.failure) {
          messageId = 'probeKills'
          data.probe = kills.probe ?? 'liveness'
          data.detail = kills.detail ?? clip((kills.kill as Record<string, unknown>).message, 200) ?? ''
        }
        report({ object: pod, messageId, key: s.name, data, evidence })
      })
    }
  },
})
