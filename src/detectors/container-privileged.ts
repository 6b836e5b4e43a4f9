import { defineDetector } from '../detect/define.js'
import {
  containerSecurity,
  forEachContainer,
  isWindowsPod,
  SYSTEM_NAMESPACE_PARAMS,
  systemNamespaceTest,
  templatePath,
} from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

export default defineDetector({
  meta: {
    id: 'container-privileged',
    title: 'Container runs privileged',
    description:
      'A privileged container has every Linux capability and every device of its node, and runs without seccomp or AppArmor confinement: whoever controls the process (a bug, a compromised dependency) controls the node, every other pod on it and their secrets. Apart from node agents (CNI, CSI, kube-proxy) in system namespaces, applications do not need it.',
    severity: 'warning',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      privileged:
        'Container {{container}} of {{kind}} {{name}} runs privileged (securityContext.privileged: true): it has full control of the node it runs on, so a compromise of this app is a compromise of the node and of every pod on it.',
    },
    remediation:
      "Check what the container really needs: `kubectl get {{kind}} {{name}} -n {{namespace}} -o jsonpath='{..securityContext}'`. Remove `privileged: true` from container {{container}} (under `{{path}}`), add only the capabilities it needs in `securityContext.capabilities.add` (for example NET_BIND_SERVICE), and roll it out from its manifest or with `kubectl edit {{kind}} {{name}} -n {{namespace}}`. Then keep it out with Pod Security Admission: `kubectl label namespace {{namespace}} pod-security.kubernetes.io/enforce=baseline` (try it first with `--dry-run=server`, which lists the pods that would be refused).",
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS },
  },
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    for (const t of podTemplates(snapshot)) {
      if (system(t.namespace) || isWindowsPod(t.spec)) continue
      forEachContainer(t.spec, (c, name, init) => {
        const sc = containerSecurity(c)
        if (sc?.privileged !== true) return
        report({
          object: t.owner,
          messageId: 'privileged',
          key: name,
          data: { container: name, path: templatePath(t.owner.kind) },
          evidence: { container: name, init, securityContext: sc },
        })
      })
    }
  },
})
