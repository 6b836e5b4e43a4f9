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
    id: 'requests-missing',
    title: 'Container does not request CPU or memory',
    description:
      'The scheduler places pods by what their containers request, not by what they use. A container without a CPU or memory request counts as needing none: nodes fill up beyond what they can run, the container is among the first evicted when its node runs short of memory, and an HPA cannot compute utilization for it. Hygiene: nothing is broken today, so it is reported as info.',
    severity: 'info',
    category: 'scheduling',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    optional: ['v1/LimitRange'],
    messages: {
      missing:
        '{{kind}} {{name}}: {{containerType}} {{container}} requests no {{missing}}: the scheduler counts it as needing none, so its node can end up with more work than it can run{{consequence}}.',
    },
    remediation:
      'Set `resources.requests` for {{missing}} on {{containerType}} {{container}} in the pod template of {{kind}} {{name}}, about its usual usage (`kubectl top pod -n {{namespace}} --containers`), for example `kubectl set resources {{kind}}/{{name}} -n {{namespace}} -c {{container}} --requests=cpu=100m,memory=256Mi` (better: in the manifest in Git). A namespace-wide fallback is a LimitRange with `defaultRequest`.',
    references: [
      'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
      'https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/',
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
      let defaults: ReturnType<typeof limitRangeDefaults> | undefined
      for (const c of templateContainers(t.spec)) {
        const res = c.c.resources
        // The API server copies a limit into a missing request, so a limit alone is a request too.
        const cpu = sets(res?.requests, 'cpu') || sets(res?.limits, 'cpu')
        const memory = sets(res?.requests, 'memory') || sets(res?.limits, 'memory')
        if (cpu && memory) continue
        defaults ??= limitRangeDefaults(snapshot, t.namespace)
        const noCpu = !cpu && !defaults.requests.has('cpu')
        const noMemory = !memory && !defaults.requests.has('memory')
        if (!noCpu && !noMemory) continue
        const missing = noCpu && noMemory ? 'CPU or memory' : noCpu ? 'CPU' : 'memory'
        report({
          object: t.owner,
          messageId: 'missing',
          key: c.name,
          data: {
            container: c.name,
            containerType: containerWords(c.kind, c.sidecar),
            missing,
            consequence: noMemory
              ? ', and it is among the first evicted when the node runs short of memory'
              : '',
          },
          evidence: {
            container: c.name,
            ...(c.kind === 'init' ? { init: true } : {}),
            resources: res && typeof res === 'object' ? res : {},
            ...(t.owner.kind === 'Pod' && typeof t.owner.status?.qosClass === 'string'
              ? { qosClass: t.owner.status.qosClass }
              : {}),
          },
        })
      }
    }
  },
})
