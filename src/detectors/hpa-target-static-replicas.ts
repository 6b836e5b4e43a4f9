import { defineDetector } from '../detect/define.js'
import { HPA, TARGET_KINDS, hpaNames, refText, scaledWorkloads, staticReplicasOf } from './lib/autoscaling.js'
import { paramList } from './lib/k8s.js'

export default defineDetector({
  meta: {
    id: 'hpa-target-static-replicas',
    title: 'A manifest still sets the replicas of a workload an HPA scales',
    description:
      "When a HorizontalPodAutoscaler scales a workload, it owns spec.replicas. If the workload's manifest also sets replicas (seen in the kubectl last-applied annotation, a server-side apply field manager owning f:spec.f:replicas, or the rendered manifest itself), every `kubectl apply`, GitOps sync (Argo CD, Flux) or Helm upgrade puts the size back to the manifest's value: a workload the HPA had grown to 12 pods under load drops to 3 in one step, then the HPA scales it up again a minute later. Pods are killed in the middle of the peak, and the cycle repeats at every sync.",
    severity: 'warning',
    category: 'autoscaling',
    requires: [HPA],
    requiresAny: TARGET_KINDS,
    needsManagedFields: true,
    messages: {
      lastApplied:
        '{{target}} is scaled by HPA {{hpa}}, but the configuration last applied to it by {{tool}} sets spec.replicas to {{value}}: each new apply or sync puts the size back to {{value}}, undoing what the HPA scaled to, until the HPA scales it again.',
      managedFields:
        "{{target}} is scaled by HPA {{hpa}}, but {{tool}} applies spec.replicas with server-side apply ({{value}} now): each sync puts the size back to the manifest's value, undoing what the HPA scaled to, until the HPA scales it again.",
      manifest:
        'The manifest of {{target}} sets spec.replicas to {{value}} although HPA {{hpa}} scales it: each apply puts the size back to {{value}}, undoing what the HPA scaled to.',
    },
    remediation:
      'Let the HPA own the size: remove `replicas` from the manifest of {{target}} (in a Helm chart: `{{- if not .Values.autoscaling.enabled }} replicas: ... {{- end }}`). With client-side `kubectl apply` or Argo CD, first drop the field from the last-applied annotation, or the next apply resets the workload to 1 pod: `kubectl apply edit-last-applied {{targetKind}}/{{targetName}} -n {{namespace}}` (delete spec.replicas), then apply the manifest without it. In Argo CD, also add `ignoreDifferences` on `/spec/replicas` with the `RespectIgnoreDifferences=true` sync option. Check who owns the field: `kubectl get {{targetKind}} {{targetName}} -n {{namespace}} --show-managed-fields -o yaml`.',
    references: [
      'https://kubernetes.io/docs/tasks/run-application/horizontal-pod-autoscale/#migrating-deployments-and-statefulsets-to-horizontal-autoscaling',
      'https://kubernetes.io/docs/reference/using-api/server-side-apply/#transferring-ownership',
      'https://argo-cd.readthedocs.io/en/stable/user-guide/diffing/',
    ],
    params: {
      ignoreManagers: {
        default: ['kube-controller-manager'],
        description:
          'Field managers allowed to own spec.replicas of an HPA target (the HPA controller runs in kube-controller-manager).',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const ignore = paramList(params.ignoreManagers)
    for (const w of scaledWorkloads(snapshot)) {
      const s = staticReplicasOf(w.target, ignore)
      if (!s) continue
      report({
        object: w.target,
        messageId: s.source,
        data: {
          target: refText(w.target),
          targetKind: w.target.kind.toLowerCase(),
          targetName: w.target.metadata.name,
          hpa: hpaNames(w.hpas),
          value: s.value,
          tool: s.tool,
        },
        evidence: {
          ...s.evidence,
          hpa: w.hpas.map((h) => ({
            name: h.metadata.name,
            minReplicas: h.spec?.minReplicas ?? 1,
            maxReplicas: h.spec?.maxReplicas,
            desiredReplicas: h.status?.desiredReplicas,
          })),
        },
      })
    }
  },
})
