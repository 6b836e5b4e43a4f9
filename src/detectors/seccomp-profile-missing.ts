import { defineDetector } from '../detect/define.js'
import {
  containerSecurity,
  EXEMPT_CONTAINERS_PARAM,
  exemptContainerSet,
  forEachContainer,
  isWindowsPod,
  podSecurity,
  SYSTEM_NAMESPACE_PARAMS,
  systemNamespaceTest,
} from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

interface Found {
  container: string
  init: boolean
  seccompProfile: unknown
}

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
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    const exempt = exemptContainerSet(params)
    let podProfile: unknown
    let found: Found[] = []
    let unconfined = false
    const check = (c: unknown, name: string, init: boolean) => {
      const sc = containerSecurity(c)
      const profile: unknown = sc?.seccompProfile ?? podProfile
      const type: unknown = (profile as { type?: unknown } | undefined)?.type
      if ((typeof type === 'string' && type !== 'Unconfined') || exempt.has(name)) return
      // Privileged containers run unconfined whatever they say: container-privileged reports them.
      if (sc?.privileged === true) return
      if (type === 'Unconfined') unconfined = true
      found.push({ container: name, init, seccompProfile: profile ?? null })
    }
    for (const t of podTemplates(snapshot)) {
      if (system(t.namespace) || isWindowsPod(t.spec)) continue
      podProfile = podSecurity(t.spec)?.seccompProfile
      forEachContainer(t.spec, check)
      if (found.length === 0) continue
      const named = unconfined
        ? found.filter((f) => (f.seccompProfile as { type?: unknown } | null)?.type === 'Unconfined')
        : found
      report({
        object: t.owner,
        messageId: unconfined ? 'unconfined' : 'missing',
        data: { containers: named.map((f) => f.container).join(', ') },
        evidence: { containers: found, podSeccompProfile: podProfile ?? null },
      })
      found = []
      unconfined = false
    }
  },
})
