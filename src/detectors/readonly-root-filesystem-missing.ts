import { defineDetector } from '../detect/define.js'
import { EXEMPT_CONTAINERS_PARAM, reportFlaggedContainers, SYSTEM_NAMESPACE_PARAMS } from './lib/security.js'
import { WORKLOAD_KINDS } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'readonly-root-filesystem-missing',
    title: "Container can write to its own image's filesystem",
    description:
      "Without readOnlyRootFilesystem: true, anything that gets code running in the container can change its binaries and configuration, drop tools, and keep them until the pod is replaced. A read-only root filesystem stops that; the app writes only to the volumes it declares (an emptyDir for /tmp or a cache). Writes to the root filesystem also use the node's disk and can get the pod evicted. Hygiene. One finding per workload, naming its containers.",
    severity: 'info',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      writable:
        "{{kind}} {{name}}: container(s) {{containers}} do not set readOnlyRootFilesystem: true, so a compromised process can modify the container's own files.",
    },
    remediation:
      'Set `securityContext.readOnlyRootFilesystem: true` on {{containers}} in the pod template of {{kind}} {{name}}, mount an emptyDir where the app writes (/tmp, caches), then `kubectl rollout status {{kind}}/{{name}} -n {{namespace}}`.',
    references: [
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
      'https://kubernetes.io/docs/concepts/storage/volumes/#emptydir',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS, ...EXEMPT_CONTAINERS_PARAM },
  },
  detect(ctx) {
    reportFlaggedContainers(ctx, {
      messageId: 'writable',
      check: (sc) => {
        const value: unknown = sc?.readOnlyRootFilesystem
        return value === true ? undefined : { readOnlyRootFilesystem: value ?? null }
      },
    })
  },
})
