import { defineDetector } from '../detect/define.js'
import { EXEMPT_CONTAINERS_PARAM, reportFlaggedContainers, SYSTEM_NAMESPACE_PARAMS } from './lib/security.js'
import { WORKLOAD_KINDS } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'seccomp-profile-missing',
    title: 'Container runs without a seccomp profile',
    description:
      "seccomp filters the Linux system calls a container may make; the runtime's default profile (RuntimeDefault) blocks a few dozen rarely needed calls that many kernel exploits use. Unless the kubelet runs with --seccomp-default, a container without a seccompProfile runs Unconfined. Setting RuntimeDefault once in the pod securityContext covers every container and almost never breaks an app. Hygiene: required by the restricted Pod Security Standard. One finding per workload, naming its containers.",
    severity: 'info',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      missing:
        '{{kind}} {{name}}: container(s) {{containers}} have no seccomp profile (neither on the container nor on the pod), so they may make any system call unless the node applies a default.',
      unconfined:
        '{{kind}} {{name}}: container(s) {{containers}} explicitly run with seccomp Unconfined, so every system call is allowed.',
    },
    remediation:
      'Set `seccompProfile: {type: RuntimeDefault}` in the pod securityContext of {{kind}} {{name}} (it covers every container) and remove any `Unconfined` profile from {{containers}}, then `kubectl rollout status {{kind}}/{{name}} -n {{namespace}}`.',
    references: [
      'https://kubernetes.io/docs/tutorials/security/seccomp/',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS, ...EXEMPT_CONTAINERS_PARAM },
  },
  detect(ctx) {
    reportFlaggedContainers(ctx, {
      messageId: 'missing',
      sharp: {
        messageId: 'unconfined',
        test: (f) => (f.seccompProfile as { type?: unknown } | null)?.type === 'Unconfined',
      },
      check: (sc, pod) => {
        const profile: unknown = sc?.seccompProfile ?? pod?.seccompProfile
        const type: unknown = (profile as { type?: unknown } | undefined)?.type
        if (typeof type === 'string' && type !== 'Unconfined') return undefined
        // Privileged containers run unconfined whatever they say: container-privileged reports them.
        if (sc?.privileged === true) return undefined
        return { seccompProfile: profile ?? null }
      },
      podEvidence: (pod) => ({ podSeccompProfile: pod?.seccompProfile ?? null }),
    })
  },
})
