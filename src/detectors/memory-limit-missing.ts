import { defineDetector } from '../detect/define.js'
import { WORKLOAD_KINDS, podTemplates, templateContainers } from './lib/workloads.js'
import {
  containerWords,
  excludedNamespaces,
  isFinishedPod,
  limitRangeDefaults,
  sets,
} from './lib/scheduling-storage.js'

export default defineDetector({
  meta: {
    id: 'memory-limit-missing',
    title: 'Container has no memory limit',
    description:
      "Memory, unlike CPU, cannot be throttled: a container without a memory limit can grow until its node runs out. Then the kubelet evicts pods and the kernel's OOM killer may kill containers of other workloads on the same node, not just the one that leaked. Hygiene: nothing is broken today, so it is reported as info.",
    severity: 'info',
    category: 'scheduling',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    optional: ['v1/LimitRange'],
    messages: {
      missing:
        "{{kind}} {{name}}: {{containerType}} {{container}} has no memory limit, so a leak or a spike in it can use up its node's memory and get other pods evicted or killed.",
    },
    remediation:
      'Set `resources.limits.memory` on {{containerType}} {{container}} in the pod template of {{kind}} {{name}}, with headroom above its peak usage (`kubectl top pod -n {{namespace}} --containers`, or a day of `container_memory_working_set_bytes`), for example `kubectl set resources {{kind}}/{{name}} -n {{namespace}} -c {{container}} --limits=memory=512Mi` (better: in the manifest in Git). A namespace-wide fallback is a LimitRange with a `default` memory limit.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/',
      'https://kubernetes.io/docs/concepts/policy/limit-range/',
    ],
    params: {
      excludeNamespaces: {
        default: ['kube-system'],
        description:
          "Namespaces not checked: kube-system's add-ons are the cluster vendor's to size (set [] to check them too).",
      },
    },
  },
  detect({ snapshot, report, params }) {
    const excluded = excludedNamespaces(params.excludeNamespaces)
    for (const t of podTemplates(snapshot)) {
      if (excluded.has(t.namespace) || isFinishedPod(t.owner)) continue
      for (const c of templateContainers(t.spec)) {
        const res = c.c.resources
        if (sets(res?.limits, 'memory')) continue
        if (limitRangeDefaults(snapshot, t.namespace).limits.has('memory')) break
        report({
          object: t.owner,
          messageId: 'missing',
          key: c.name,
          data: { container: c.name, containerType: containerWords(c.kind, c.sidecar) },
          evidence: {
            container: c.name,
            ...(c.kind === 'init' ? { init: true } : {}),
            resources: res && typeof res === 'object' ? res : {},
          },
        })
      }
    }
  },
})
