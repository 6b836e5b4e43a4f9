import { defineDetector } from '../detect/define.js'
import { EXEMPT_CONTAINERS_PARAM, reportFlaggedContainers, SYSTEM_NAMESPACE_PARAMS } from './lib/security.js'
import { WORKLOAD_KINDS } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'run-as-root',
    title: 'Container may run as root',
    description:
      'A container runs as the user its image says unless the pod says otherwise, and many images say root (UID 0). Root in a container is not root on the node, but it is much closer: any container escape or writable hostPath becomes root on the node, and the app can rewrite its own files. runAsNonRoot: true makes the kubelet refuse to start a container whose user is root; runAsUser sets a non-zero UID outright. Hygiene: part of the restricted Pod Security Standard. One finding per workload, naming its containers.',
    severity: 'info',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      mayRunAsRoot:
        '{{kind}} {{name}}: container(s) {{containers}} set neither runAsNonRoot: true nor a non-zero runAsUser (on the container or the pod), so they run as root whenever their image does.',
      uidZero: '{{kind}} {{name}}: container(s) {{containers}} are told to run as root (runAsUser: 0).',
    },
    remediation:
      "Set `runAsNonRoot: true` and a non-zero `runAsUser` (e.g. 10001) in the pod securityContext of {{kind}} {{name}} or on {{containers}}, then `kubectl rollout status {{kind}}/{{name}} -n {{namespace}}`; check the image's USER first.",
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-the-security-context-for-a-pod',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS, ...EXEMPT_CONTAINERS_PARAM },
  },
  detect(ctx) {
    reportFlaggedContainers(ctx, {
      messageId: 'mayRunAsRoot',
      // A container told to run as UID 0 is the sharper statement: name those.
      sharp: { messageId: 'uidZero', test: (f) => f.runAsUser === 0 },
      check: (sc, pod) => {
        // The container's setting wins over the pod's.
        const uid: unknown = sc?.runAsUser ?? pod?.runAsUser
        const nonRoot: unknown = sc?.runAsNonRoot ?? pod?.runAsNonRoot
        if (uid !== 0 && ((typeof uid === 'number' && uid > 0) || nonRoot === true)) return undefined
        return { runAsUser: uid ?? null, runAsNonRoot: nonRoot ?? null }
      },
    })
  },
})
