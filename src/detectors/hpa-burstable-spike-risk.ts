import { defineDetector } from '../detect/define.js'
import {
  HPA,
  TARGET_KINDS,
  refText,
  runningContainers,
  scaledResources,
  scaledWorkloads,
} from './lib/autoscaling.js'
import { parseQuantity } from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'hpa-burstable-spike-risk',
    title: 'HPA scales on utilization of pods whose limits are far above their requests',
    description:
      "An HPA on CPU or memory utilization measures usage as a percentage of the containers' requests, and the scheduler places pods by those requests. When a container's limit is many times its request, the pods absorb a spike by bursting into node capacity that nobody reserved: nodes run hot (CPU throttling, memory evictions of the pods furthest above their requests) before the new pods the HPA asks for are ready, and the utilization the HPA reads jumps in large steps, so it scales late and then overshoots. Requests close to real usage and limits close to requests let the HPA follow the load.",
    severity: 'info',
    category: 'autoscaling',
    requires: [HPA],
    requiresAny: TARGET_KINDS,
    messages: {
      burstable:
        'HPA {{name}} scales {{target}} on {{resource}} utilization, but container {{container}} may use {{ratio}}× its {{resource}} request ({{request}} requested, {{limit}} limit): under a spike the pods burst into capacity nobody reserved, and nodes saturate before the HPA adds pods.',
    },
    remediation:
      "Bring requests close to real usage and the limit close to the request: look at usage with `kubectl top pod -n {{namespace}} --containers` (or a day of Prometheus data), then set `resources.requests.{{resource}}` near the usual peak and the limit at most a few times higher on container {{container}} of {{target}}. Lower the HPA's target utilization if it must react earlier: `kubectl describe hpa {{name}} -n {{namespace}}`.",
    references: [
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#algorithm-details',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/#burstable',
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    ],
    params: {
      limitRatio: {
        default: 4,
        description:
          'Fires when a limit is at least this many times the request of the resource the HPA scales on.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const ratioMin = Number(params.limitRatio)
    for (const w of scaledWorkloads(snapshot)) {
      if (!w.spec) continue
      const containers = runningContainers(w.spec)
      for (const hpa of w.hpas) {
        const seen = new Set<string>()
        for (const r of scaledResources(hpa)) {
          if (r.type !== 'Utilization') continue
          for (const { name, c } of containers) {
            if (r.container !== undefined && r.container !== name) continue
            const reqText: unknown = c.resources?.requests?.[r.resource]
            const limText: unknown = c.resources?.limits?.[r.resource]
            const request = parseQuantity(reqText)
            const limit = parseQuantity(limText)
            if (!(request > 0) || !(limit > 0)) continue
            const ratio = limit / request
            if (ratio < ratioMin) continue
            const key = `${r.resource}/${name}`
            if (seen.has(key)) continue
            seen.add(key)
            report({
              object: hpa,
              key,
              messageId: 'burstable',
              data: {
                target: refText(w.target),
                resource: r.resource,
                container: name,
                ratio: Math.round(ratio * 10) / 10,
                request: String(reqText),
                limit: String(limText),
              },
              evidence: {
                metric: r.metric,
                container: { name, requests: c.resources?.requests, limits: c.resources?.limits },
              },
            })
          }
        }
      }
    }
  },
})
