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
    id: 'privilege-escalation-allowed',
    title: 'Container may gain more privileges than it started with',
    description:
      'Unless a container sets allowPrivilegeEscalation: false, a process inside it can gain more privileges than its parent through setuid binaries (sudo, su, ping…) or file capabilities. It is the door most container escapes and local root exploits go through; closing it costs nothing for almost every app. Hygiene: one line of the restricted Pod Security Standard. One finding per workload, naming its containers.',
    severity: 'info',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      allowed:
        '{{kind}} {{name}}: container(s) {{containers}} do not set allowPrivilegeEscalation: false (it defaults to true), so a process in them can become root through a setuid binary.',
    },
    remediation:
      'Set `securityContext.allowPrivilegeEscalation: false` on {{containers}} in the pod template of {{kind}} {{name}}, then `kubectl rollout status {{kind}}/{{name}} -n {{namespace}}`.',
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS, ...EXEMPT_CONTAINERS_PARAM },
  },
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    const exempt = exemptContainerSet(params)
    let found: { container: string; init: boolean; allowPrivilegeEscalation: unknown }[] = []
    const check = (c: unknown, name: string, init: boolean) => {
      const sc = containerSecurity(c)
      const value: unknown = sc?.allowPrivilegeEscalation
      // Privileged containers always escalate: container-privileged reports them.
      if (value === false || sc?.privileged === true || exempt.has(name)) return
      found.push({ container: name, init, allowPrivilegeEscalation: value ?? null })
    }
    for (const t of podTemplates(snapshot)) {
      if (system(t.namespace) || isWindowsPod(t.spec)) continue
      forEachContainer(t.spec, check)
      if (found.length === 0) continue
      report({
        object: t.owner,
        messageId: 'allowed',
        data: { containers: found.map((f) => f.container).join(', ') },
        evidence: { containers: found },
      })
      found = []
    }
  },
})
