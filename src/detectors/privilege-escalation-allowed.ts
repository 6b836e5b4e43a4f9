import { defineDetector } from '../detect/define.js'
import { EXEMPT_CONTAINERS_PARAM, reportFlaggedContainers, SYSTEM_NAMESPACE_PARAMS } from './lib/security.js'
import { WORKLOAD_KINDS } from './lib/workloads.js'

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
  detect(ctx) {
    reportFlaggedContainers(ctx, {
      messageId: 'allowed',
      check: (sc) => {
        const value: unknown = sc?.allowPrivilegeEscalation
        // Privileged containers always escalate: container-privileged reports them.
        return value === false || sc?.privileged === true
          ? undefined
          : { allowPrivilegeEscalation: value ?? null }
      },
    })
  },
})
