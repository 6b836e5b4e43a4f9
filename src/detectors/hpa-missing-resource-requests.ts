import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { podTemplateSpecOf } from './lib/k8s.js'

// The targets whose pod template can be read, by kind; anything else (a CRD) is out of reach.
const TARGET_KINDS: Record<string, string> = {
  Deployment: 'apps/v1/Deployment',
  StatefulSet: 'apps/v1/StatefulSet',
  ReplicaSet: 'apps/v1/ReplicaSet',
}

/** A utilization target of an HPA: a resource, for all containers or one. */
interface UtilizationTarget {
  resource: string
  container?: string
  metric: unknown
}

function utilizationTargets(hpa: KubeObject): UtilizationTarget[] {
  const spec = hpa.spec ?? {}
  const out: UtilizationTarget[] = []
  if (typeof spec.targetCPUUtilizationPercentage === 'number')
    out.push({
      resource: 'cpu',
      metric: { targetCPUUtilizationPercentage: spec.targetCPUUtilizationPercentage },
    })
  const metrics: unknown = spec.metrics
  if (Array.isArray(metrics)) {
    for (const m of metrics) {
      if (m?.type === 'Resource' && typeof m.resource?.name === 'string') {
        // v2 (`target.type: Utilization`) and v2beta1 (`targetAverageUtilization`) shapes.
        if (
          m.resource.target?.type === 'Utilization' ||
          typeof m.resource.targetAverageUtilization === 'number'
        )
          out.push({ resource: m.resource.name, metric: m })
      } else if (m?.type === 'ContainerResource' && typeof m.containerResource?.name === 'string') {
        const cr = m.containerResource
        if (cr.target?.type === 'Utilization' && typeof cr.container === 'string')
          out.push({ resource: cr.name, container: cr.container, metric: m })
      }
    }
  }
  // Without any metric, the API server defaults an HPA to 80% CPU utilization: rendered manifests show it unset.
  if (
    out.length === 0 &&
    spec.targetCPUUtilizationPercentage === undefined &&
    (!Array.isArray(metrics) || metrics.length === 0)
  )
    out.push({ resource: 'cpu', metric: { defaulted: 'cpu utilization 80%' } })
  return out
}

// Requests the pod gets even though the template does not say them: the API server copies a limit
// into a missing request, and a LimitRange default fills both.
function hasRequest(
  resources: Record<string, Record<string, unknown>> | undefined,
  resource: string,
): boolean {
  return resources?.requests?.[resource] !== undefined || resources?.limits?.[resource] !== undefined
}

export default defineDetector({
  meta: {
    id: 'hpa-missing-resource-requests',
    title: 'HPA scales on utilization but the pods have no requests',
    description:
      'An HPA that targets CPU or memory utilization measures usage as a percentage of what each container requests. If a container has no request for that resource, the percentage cannot be computed: the HPA stops scaling and the workload stays at its current size whatever the load.',
    severity: 'warning',
    category: 'autoscaling',
    requires: ['autoscaling/v2/HorizontalPodAutoscaler', 'apps/v1/Deployment'],
    optional: ['apps/v1/StatefulSet', 'apps/v1/ReplicaSet', 'v1/LimitRange'],
    messages: {
      noRequest:
        'HPA {{hpa}} scales on {{resource}} utilization, but container {{container}} of {{target}} has no {{resource}} request, so the HPA cannot compute utilization and does not scale.',
    },
    remediation:
      'Set `resources.requests.{{resource}}` on container {{container}} in the pod template of {{target}} (about its usual usage: `kubectl top pod -n {{namespace}} --containers`), then check with `kubectl describe hpa {{hpa}} -n {{namespace}}` that ScalingActive is True. Or scale on an absolute value instead (`target.type: AverageValue`).',
    references: [
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work',
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    ],
  },
  detect({ snapshot, report }) {
    // Per namespace: the resources a LimitRange gives containers by default, computed once.
    const defaulted = new Map<string, Set<string>>()
    const limitRangeDefaults = (ns: string): Set<string> => {
      let set = defaulted.get(ns)
      if (set) return set
      set = new Set()
      if (snapshot.has('v1/LimitRange'))
        for (const lr of snapshot.list('v1/LimitRange', ns)) {
          const limits: unknown = lr.spec?.limits
          if (!Array.isArray(limits)) continue
          for (const l of limits) {
            if (l?.type !== 'Container') continue
            for (const r of Object.keys(l.defaultRequest ?? {})) set.add(r)
            for (const r of Object.keys(l.default ?? {})) set.add(r)
          }
        }
      defaulted.set(ns, set)
      return set
    }

    for (const hpa of snapshot.list('autoscaling/v2/HorizontalPodAutoscaler')) {
      const ref = hpa.spec?.scaleTargetRef
      const kindKey = typeof ref?.kind === 'string' ? TARGET_KINDS[ref.kind] : undefined
      if (!kindKey || typeof ref.name !== 'string') continue
      if (typeof ref.apiVersion === 'string' && !ref.apiVersion.startsWith('apps/')) continue
      if (!snapshot.has(kindKey)) continue
      const ns = hpa.metadata.namespace ?? ''
      // A missing target is hpa-target-missing's finding, not this one's.
      const target = snapshot.get(kindKey, ns, ref.name)
      if (!target) continue
      const podSpec = podTemplateSpecOf(target)
      if (!podSpec) continue

      const fromLimitRange = limitRangeDefaults(ns)
      const containers: { name: string; resources?: Record<string, Record<string, unknown>> }[] = [
        ...(Array.isArray(podSpec.containers) ? podSpec.containers : []),
        // Native sidecars count towards the pod's utilization like app containers.
        ...(Array.isArray(podSpec.initContainers)
          ? podSpec.initContainers.filter((c: { restartPolicy?: string }) => c?.restartPolicy === 'Always')
          : []),
      ].filter((c) => c && typeof c.name === 'string')
      const seen = new Set<string>()
      for (const t of utilizationTargets(hpa)) {
        if (fromLimitRange.has(t.resource)) continue
        for (const c of containers) {
          if (t.container !== undefined && c.name !== t.container) continue
          if (hasRequest(c.resources, t.resource)) continue
          const key = `${t.resource}/${c.name}`
          if (seen.has(key)) continue
          seen.add(key)
          report({
            object: hpa,
            messageId: 'noRequest',
            key,
            data: {
              hpa: hpa.metadata.name,
              resource: t.resource,
              container: c.name,
              target: `${target.kind}/${target.metadata.name}`,
            },
            evidence: {
              metric: t.metric,
              target: { kind: target.kind, name: target.metadata.name },
              container: { name: c.name, resources: c.resources ?? {} },
            },
          })
        }
      }
    }
  },
})
