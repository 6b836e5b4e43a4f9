import { defineDetector } from '../detect/define.js'
import {
  containerSecurity,
  EXEMPT_CONTAINERS_PARAM,
  exemptContainerSet,
  forEachContainer,
  isWindowsPod,
  SYSTEM_NAMESPACE_PARAMS,
  systemNamespaceTest,
} from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

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
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    const exempt = exemptContainerSet(params)
    let found: { container: string; init: boolean; readOnlyRootFilesystem: unknown }[] = []
    const check = (c: unknown, name: string, init: boolean) => {
      const value: unknown = containerSecurity(c)?.readOnlyRootFilesystem
      if (value === true || exempt.has(name)) return
      found.push({ container: name, init, readOnlyRootFilesystem: value ?? null })
    }
    for (const t of podTemplates(snapshot)) {
      if (system(t.namespace) || isWindowsPod(t.spec)) continue
      forEachContainer(t.spec, check)
      if (found.length === 0) continue
      report({
        object: t.owner,
        messageId: 'writable',
        data: { containers: found.map((f) => f.container).join(', ') },
        evidence: { containers: found },
      })
      found = []
    }
  },
})
