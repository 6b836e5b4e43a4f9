import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { HPA, scaledResources } from './lib/autoscaling.js'

const VPA = 'autoscaling.k8s.io/v1/VerticalPodAutoscaler'
// Modes in which the VPA changes the pods' requests; Off and Initial (at creation only) leave running pods alone.
const ACTING_MODES = new Set(['Auto', 'Recreate', 'InPlaceOrRecreate'])
const BOTH = ['cpu', 'memory']

/** The resources a VPA changes on at least one container, or none when it only recommends. */
function vpaResources(vpa: KubeObject): { mode: string; resources: Set<string> } | undefined {
  const rawMode: unknown = vpa.spec?.updatePolicy?.updateMode
  const mode = typeof rawMode === 'string' ? rawMode : 'Auto'
  if (!ACTING_MODES.has(mode)) return undefined
  const out = new Set<string>()
  const policies: unknown = vpa.spec?.resourcePolicy?.containerPolicies
  let wildcard = false
  if (Array.isArray(policies))
    for (const p of policies) {
      if (!p || typeof p !== 'object') continue
      if (p.containerName === '*') wildcard = true
      if (p.mode === 'Off') continue
      const controlled: unknown = p.controlledResources
      for (const r of Array.isArray(controlled) ? controlled : BOTH) if (typeof r === 'string') out.add(r)
    }
  // Containers no policy names get the defaults: both resources.
  if (!wildcard) for (const r of BOTH) out.add(r)
  return out.size > 0 ? { mode, resources: out } : undefined
}

export default defineDetector({
  meta: {
    id: 'hpa-vpa-overlap',
    title: 'HPA and VPA both react to the same resource of one workload',
    description:
      "A VerticalPodAutoscaler in Auto, Recreate or InPlaceOrRecreate mode changes the pods' CPU and memory requests; a HorizontalPodAutoscaler scaling on CPU or memory measures usage against those same requests. On the same workload and resource they fight: when usage rises the VPA raises the requests, utilization drops, and the HPA removes pods it needed (or the reverse), so the number and size of pods swing and neither converges. The VPA's own documentation says not to combine them on CPU or memory.",
    severity: 'warning',
    category: 'autoscaling',
    requires: [HPA, VPA],
    messages: {
      overlap:
        'HPA {{name}} scales {{target}} on {{resources}}, and VPA {{vpa}} ({{mode}} mode) changes the {{resources}} requests of the same pods: the two autoscalers fight, and the workload swings in size instead of settling.',
    },
    remediation:
      'Keep one autoscaler per resource: let the HPA scale on a custom or external metric (requests per second, queue length) and keep the VPA on CPU and memory, or set the VPA to recommend only (`kubectl patch vpa {{vpa}} -n {{namespace}} --type merge -p \'{"spec":{"updatePolicy":{"updateMode":"Off"}}}\'`) and apply its advice by hand (`kubectl describe vpa {{vpa}} -n {{namespace}}`), or limit the VPA to the other resource with `resourcePolicy.containerPolicies[].controlledResources`. Check what the HPA scales on: `kubectl get hpa {{name}} -n {{namespace}} -o jsonpath=\'{.spec.metrics}\'`.',
    references: [
      'https://github.com/kubernetes/autoscaler/tree/master/vertical-pod-autoscaler#known-limitations',
      'https://kubernetes.io/docs/concepts/workloads/autoscaling/vertical-pod-autoscale/',
    ],
  },
  detect({ snapshot, report }) {
    const vpas = snapshot.list(VPA)
    if (vpas.length === 0) return
    // VPAs by namespace/kind/name of their target.
    const byTarget = new Map<string, KubeObject[]>()
    for (const v of vpas) {
      const t = v.spec?.targetRef
      if (!t || typeof t.kind !== 'string' || typeof t.name !== 'string') continue
      const k = `${v.metadata.namespace ?? ''}/${t.kind}/${t.name}`
      const list = byTarget.get(k)
      if (list) list.push(v)
      else byTarget.set(k, [v])
    }
    for (const hpa of snapshot.list(HPA)) {
      const t = hpa.spec?.scaleTargetRef
      if (!t || typeof t.kind !== 'string' || typeof t.name !== 'string') continue
      const candidates = byTarget.get(`${hpa.metadata.namespace ?? ''}/${t.kind}/${t.name}`)
      if (!candidates) continue
      const hpaResources = new Set<string>()
      for (const r of scaledResources(hpa)) if (BOTH.includes(r.resource)) hpaResources.add(r.resource)
      if (hpaResources.size === 0) continue
      for (const vpa of candidates) {
        const acting = vpaResources(vpa)
        if (!acting) continue
        const shared = BOTH.filter((r) => hpaResources.has(r) && acting.resources.has(r))
        if (shared.length === 0) continue
        report({
          object: hpa,
          key: vpa.metadata.name,
          messageId: 'overlap',
          data: {
            target: `${t.kind}/${t.name}`,
            vpa: vpa.metadata.name,
            mode: acting.mode,
            resources: shared.join(' and '),
          },
          evidence: {
            hpaMetrics: hpa.spec?.metrics ?? { defaulted: 'cpu utilization 80%' },
            vpa: {
              name: vpa.metadata.name,
              updateMode: acting.mode,
              controlledResources: [...acting.resources],
            },
          },
        })
      }
    }
  },
})
