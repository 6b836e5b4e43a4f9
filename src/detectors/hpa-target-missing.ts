import { defineDetector } from '../detect/define.js'
import { HPA, TARGET_KINDS, resolveTarget } from './lib/autoscaling.js'
import { clip, conditionEvidence, hpaConditionsOf } from './lib/k8s.js'

// The HPA's own word that the target is gone: `deployments/scale.apps "web" not found`.
const NOT_FOUND = /not found/

export default defineDetector({
  meta: {
    id: 'hpa-target-missing',
    title: 'HPA scales a workload that does not exist',
    description:
      "A HorizontalPodAutoscaler names the workload it scales in spec.scaleTargetRef (kind and name, in the HPA's own namespace). When nothing by that name exists, the HPA does nothing at all. Usually the workload was renamed or deleted and the HPA left behind, or the kind is wrong (a Deployment that became a StatefulSet); the workload that was meant to be autoscaled then runs at a fixed size.",
    severity: 'warning',
    category: 'autoscaling',
    requires: [HPA],
    optional: TARGET_KINDS,
    messages: {
      missing:
        'HPA {{name}} scales {{target}}, which does not exist in namespace {{namespace}}: the HPA does nothing, and whatever workload it was meant for is not autoscaled.',
      reportedMissing:
        'HPA {{name}} scales {{target}}, which the HPA cannot find ({{detail}}): the HPA does nothing, and whatever workload it was meant for is not autoscaled.',
    },
    remediation:
      "See what the HPA points at and what exists: `kubectl get hpa {{name}} -n {{namespace}} -o jsonpath='{.spec.scaleTargetRef}'` and `kubectl get deployments,statefulsets -n {{namespace}}`. If the workload was renamed or changed kind, fix `spec.scaleTargetRef` where the HPA is defined (Git); if the workload is gone for good, delete the HPA: `kubectl delete hpa {{name}} -n {{namespace}}`. The target must be in the same namespace as the HPA.",
    references: [
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#how-does-a-horizontalpodautoscaler-work',
      'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/horizontal-pod-autoscaler-v2/',
    ],
  },
  detect({ snapshot, report, now }) {
    for (const hpa of snapshot.list(HPA)) {
      const r = resolveTarget(snapshot, hpa)
      if (r.status === 'found') continue
      const ref: unknown = hpa.spec?.scaleTargetRef
      if (r.status === 'missing') {
        const evidence: Record<string, unknown> = { scaleTargetRef: ref, collected: r.kindKey }
        const able = hpaConditionsOf(hpa).find((c) => c.type === 'AbleToScale' && c.status === 'False')
        if (able) evidence.condition = conditionEvidence({ ...able, message: clip(able.message) }, now)
        report({
          object: hpa,
          messageId: 'missing',
          data: { target: `${r.kind}/${r.name}` },
          evidence,
        })
        continue
      }
      // Kind not collected (or a custom resource): the HPA's own condition still tells.
      const able = hpaConditionsOf(hpa).find((c) => c.type === 'AbleToScale' && c.status === 'False')
      if (!able || able.reason !== 'FailedGetScale' || !NOT_FOUND.test(able.message ?? '')) continue
      const t = ref as { kind?: unknown; name?: unknown } | undefined
      report({
        object: hpa,
        messageId: 'reportedMissing',
        data: {
          target: `${typeof t?.kind === 'string' ? t.kind : '?'}/${typeof t?.name === 'string' ? t.name : '?'}`,
          detail: clip(able.message, 200) ?? 'not found',
        },
        evidence: {
          scaleTargetRef: ref,
          condition: conditionEvidence({ ...able, message: clip(able.message) }, now),
        },
      })
    }
  },
})
