import { defineDetector } from '../detect/define.js'
import { parseDuration, stateEvidence, type ContainerStatus } from './lib/k8s.js'
import { ISTIO_PROXY, annotationsOf, isRunning, meshedPods } from './lib/mesh-gitops.js'

const PROXY_CONFIG = 'proxy.istio.io/config'
// Matches the setting in the annotation's YAML or JSON (`holdApplicationUntilProxyStarts: true`).
const HOLD_TRUE = /holdApplicationUntilProxyStarts["']?\s*:\s*["']?true\b/

export default defineDetector({
  meta: {
    id: 'istio-startup-race',
    title: 'App container fails at start-up before its Istio sidecar is ready',
    description:
      "Kubernetes starts a pod's containers together, so an application can start before its istio-proxy sidecar is ready. Its first outgoing calls (to a database, a config server) then fail, and an app that exits on such an error is restarted within its first minute. It usually recovers on the second try, but start-up is slower, alerts fire on restarts, and a rollout can stall. Istio's holdApplicationUntilProxyStarts setting starts the app only once the proxy is ready.",
    severity: 'info',
    category: 'mesh',
    requires: ['v1/Pod'],
    messages: {
      race: 'Container {{container}} of pod {{pod}} failed {{seconds}}s after the pod started ({{reason}}) and was restarted, while its Istio sidecar does not hold the application until the proxy is ready.',
    },
    remediation:
      "Make the app wait for the proxy: add the pod template annotation `proxy.istio.io/config: '{ holdApplicationUntilProxyStarts: true }'` (or set it mesh-wide in meshConfig.defaultConfig), or enable native sidecars. Confirm with `kubectl logs {{pod}} -n {{namespace}} -c {{container}} --previous` (connection refused or reset at start-up) and `kubectl get pod {{pod}} -n {{namespace}} -o jsonpath='{.metadata.annotations.proxy\\.istio\\.io/config}'`.",
    references: [
      'https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#ProxyConfig',
      'https://istio.io/latest/docs/ops/common-problems/injection/',
      'https://kubernetes.io/docs/concepts/workloads/pods/sidecar-containers/',
    ],
    params: {
      window: {
        default: '60s',
        description: 'A first run that ended within this time of the pod start counts as a start-up failure.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const window = parseDuration(params.window)
    for (const m of meshedPods(snapshot)) {
      // A native sidecar starts (and passes its startup probe) before the app: no race.
      if (m.native || m.gateway) continue
      const pod = m.pod
      if (!isRunning(pod)) continue
      // Cheapest test first: most pods never restarted.
      const statuses = pod.status?.containerStatuses
      if (!Array.isArray(statuses)) continue
      let restarted = false
      for (const s of statuses)
        if (s && typeof s.restartCount === 'number' && s.restartCount >= 1 && s.name !== ISTIO_PROXY) {
          restarted = true
          break
        }
      if (!restarted) continue
      const config = annotationsOf(pod)[PROXY_CONFIG]
      if (typeof config === 'string' && HOLD_TRUE.test(config)) continue
      // The mesh default is not in the snapshot, but its effect is: the injector then puts a postStart
      // hook on istio-proxy that waits for the proxy.
      if (m.proxy?.lifecycle?.postStart) continue
      const started = pod.status?.startTime
      if (typeof started !== 'string') continue
      const startMs = Date.parse(started)
      if (Number.isNaN(startMs)) continue
      let hit: { s: ContainerStatus; seconds: number } | undefined
      for (const s of statuses as ContainerStatus[]) {
        if (!s || s.name === ISTIO_PROXY || !(typeof s.restartCount === 'number' && s.restartCount >= 1))
          continue
        const t = s.lastState?.terminated
        if (!t || t.reason === 'OOMKilled' || t.reason === 'Completed') continue
        // The first run: it began with the pod and ended within the window.
        const ranFrom = Date.parse(typeof t.startedAt === 'string' ? t.startedAt : '') - startMs
        const ranFor = Date.parse(typeof t.finishedAt === 'string' ? t.finishedAt : '') - startMs
        // NaN (a missing or unreadable time) fails every comparison.
        if (ranFrom <= window && ranFor >= 0 && ranFor <= window) {
          hit = { s, seconds: Math.round(ranFor / 1000) }
          break
        }
      }
      if (!hit) continue
      const { s, seconds } = hit
      report({
        object: pod,
        messageId: 'race',
        key: s.name,
        data: {
          container: s.name,
          pod: pod.metadata.name,
          seconds,
          reason: s.lastState?.terminated?.reason ?? 'no reason given',
        },
        evidence: {
          podStartTime: started,
          restartCount: s.restartCount,
          lastState: stateEvidence(s.lastState),
          proxyConfig: typeof config === 'string' ? config : null,
        },
      })
    }
  },
})
