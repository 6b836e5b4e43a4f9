import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { ageMs, conditionOf, humanDuration, parseDuration } from './lib/k8s.js'
import {
  ENDPOINT_KINDS,
  NODE,
  POD,
  SERVICE,
  endpointsOf,
  isExternalName,
  isPodReady,
  nameList,
  nodeReadiness,
  whyNotReady,
} from './lib/networking.js'

export default defineDetector({
  meta: {
    id: 'service-notready-endpoints',
    title: 'Some of a Service endpoints have been not ready for a long time',
    description:
      'A Service only sends traffic to its ready endpoints. When some of its pods stay not ready (a failing readiness probe, a crash loop, a dead node), the Service keeps working on the remaining ones, with less capacity and less redundancy than planned: the next failure or traffic spike can take it down. Endpoints that are briefly not ready during a rollout are normal; this detector fires only when the state has lasted.',
    severity: 'warning',
    category: 'networking',
    requires: [SERVICE],
    requiresAny: ENDPOINT_KINDS,
    optional: [POD, NODE],
    messages: {
      someNotReady:
        'Service {{name}} has {{notReady}} of its {{total}} endpoints not ready for at least {{for}} ({{pods}}): it runs on reduced capacity.',
    },
    remediation:
      'List the endpoints and their state: `kubectl get endpointslices -n {{namespace}} -l kubernetes.io/service-name={{name}} -o wide`, then look at a not-ready pod: `kubectl describe pod <pod> -n {{namespace}}` (Events show a failing readiness probe, Conditions show why). Fix the probe or the application; a pod on a dead node is replaced once the node is drained (`kubectl drain <node> --ignore-daemonsets --delete-emptydir-data`).',
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/#conditions',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    ],
    params: {
      minDuration: {
        default: '15m',
        description:
          'How long an endpoint must have been not ready (its pod Ready condition, else the last change of the endpoints) before it counts.',
      },
    },
  },
  detect({ snapshot, report, params, now }) {
    const min = parseDuration(params.minDuration)
    const withPods = snapshot.has(POD)
    let nodeReady: ((n: string) => boolean | undefined) | undefined
    for (const svc of snapshot.list(SERVICE)) {
      if (isExternalName(svc)) continue
      const ns = svc.metadata.namespace ?? ''
      const eps = endpointsOf(snapshot, ns, svc.metadata.name)
      // None ready is service-no-endpoints' finding.
      if (!eps || eps.ready === 0 || eps.notReady.length === 0) continue
      const fallback = ageMs(eps.lastChange, now)
      const stuck: { pod: string; for: number | undefined; why: string; node?: string }[] = []
      for (const ep of eps.notReady) {
        let pod: KubeObject | undefined
        if (withPods && ep.pod) pod = snapshot.get(POD, ns, ep.pod)
        // The pod list and the endpoints are read at slightly different instants.
        if (pod && isPodReady(pod)) continue
        const age = pod ? (ageMs(conditionOf(pod, 'Ready')?.lastTransitionTime, now) ?? fallback) : fallback
        if (age !== undefined && age < min) continue
        nodeReady ??= nodeReadiness(snapshot)
        const entry: (typeof stuck)[number] = {
          pod: ep.pod ?? ep.address ?? '?',
          for: age,
          why: pod ? whyNotReady(pod, nodeReady) : 'not ready',
        }
        const node = pod?.spec?.nodeName ?? ep.node
        if (typeof node === 'string' && node) entry.node = node
        stuck.push(entry)
      }
      if (stuck.length === 0) continue
      let shortest: number | undefined
      for (const s of stuck)
        if (s.for !== undefined && (shortest === undefined || s.for < shortest)) shortest = s.for
      report({
        object: svc,
        messageId: 'someNotReady',
        data: {
          notReady: stuck.length,
          total: eps.ready + eps.notReady.length,
          for: shortest === undefined ? 'an unknown time' : humanDuration(shortest),
          pods: nameList(stuck.map((s) => `${s.pod}: ${s.why}`)),
        },
        evidence: {
          endpoints: { source: eps.source, ready: eps.ready, notReady: eps.notReady.length },
          notReady: stuck.slice(0, 5).map((s) => ({
            pod: s.pod,
            why: s.why,
            ...(s.node ? { node: s.node } : {}),
            for: s.for === undefined ? 'unknown' : humanDuration(s.for),
          })),
        },
      })
    }
  },
})
