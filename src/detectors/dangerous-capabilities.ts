import { defineDetector } from '../detect/define.js'
import { paramList } from './lib/k8s.js'
import {
  containerSecurity,
  EXEMPT_CONTAINERS_PARAM,
  exemptContainerSet,
  forEachContainer,
  isWindowsPod,
  SYSTEM_NAMESPACE_PARAMS,
  systemNamespaceTest,
  templatePath,
} from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

// Kubernetes accepts capabilities with or without the CAP_ prefix, in any case.
function normalize(cap: string): string {
  const up = cap.toUpperCase()
  return up.startsWith('CAP_') ? up.slice(4) : up
}

export default defineDetector({
  meta: {
    id: 'dangerous-capabilities',
    title: 'Container adds a dangerous Linux capability',
    description:
      'Some Linux capabilities are nearly as strong as root on the node: SYS_ADMIN (mount filesystems, most container escapes), SYS_MODULE (load kernel modules), SYS_PTRACE (read other processes’ memory), NET_ADMIN (rewrite the node’s network), DAC_READ_SEARCH (read any file), BPF and PERFMON (kernel tracing), or ALL of them. An application that adds one turns a bug in it into a node compromise.',
    severity: 'warning',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      dangerous:
        'Container {{container}} of {{kind}} {{name}} adds the Linux capabilities {{capabilities}}, which give it near-root power over the node: a compromise of this app can take over the node.',
    },
    remediation:
      "See what it adds: `kubectl get {{kind}} {{name}} -n {{namespace}} -o jsonpath='{..securityContext.capabilities}'`. Remove {{capabilities}} from `securityContext.capabilities.add` of container {{container}} (under `{{path}}`), keep `drop: [ALL]` and add back only narrow ones it needs (NET_BIND_SERVICE to listen below port 1024). If it truly needs them (a VPN, a network or storage agent), run it in a dedicated namespace listed in `systemNamespaces` and restrict who can deploy there.",
    references: [
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
      'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container',
      'https://man7.org/linux/man-pages/man7/capabilities.7.html',
    ],
    params: {
      capabilities: {
        default: [
          'ALL',
          'SYS_ADMIN',
          'NET_ADMIN',
          'SYS_PTRACE',
          'SYS_MODULE',
          'DAC_READ_SEARCH',
          'BPF',
          'PERFMON',
        ],
        description:
          'Capabilities reported when added (without the CAP_ prefix). NET_RAW is left out: container runtimes grant it by default; add it to be strict.',
      },
      ...SYSTEM_NAMESPACE_PARAMS,
      ...EXEMPT_CONTAINERS_PARAM,
    },
  },
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    const exempt = exemptContainerSet(params)
    const dangerous = new Set(paramList(params.capabilities).map(normalize))
    for (const t of podTemplates(snapshot)) {
      if (system(t.namespace) || isWindowsPod(t.spec)) continue
      forEachContainer(t.spec, (c, name, init) => {
        const sc = containerSecurity(c)
        const add: unknown = sc?.capabilities?.add
        // Privileged containers have every capability: container-privileged reports them.
        if (!Array.isArray(add) || add.length === 0 || sc?.privileged === true || exempt.has(name)) return
        let found: string[] | undefined
        for (const cap of add)
          if (typeof cap === 'string' && dangerous.has(normalize(cap))) (found ??= []).push(normalize(cap))
        if (!found) return
        report({
          object: t.owner,
          messageId: 'dangerous',
          key: name,
          data: { container: name, capabilities: found.join(', '), path: templatePath(t.owner.kind) },
          evidence: { container: name, init, capabilities: sc?.capabilities },
        })
      })
    }
  },
})
