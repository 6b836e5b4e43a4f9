import { defineDetector } from '../detect/define.js'

// `v1.30.4`, `v1.29.3-eks-ae9a62a`, `v1.28.5+k3s1`, `v1.27.8-gke.1067004`.
const MINOR = /^v?(\d+)\.(\d+)/
const EXAMPLES = 5

export default defineDetector({
  meta: {
    id: 'node-version-skew',
    title: 'Nodes run different kubelet versions',
    description:
      "The kubelets of a cluster should run one Kubernetes minor version, the control plane's or close to it. Several minor versions usually mean an upgrade that stopped half-way (a node pool left behind); a kubelet more than a few minor versions older than the newest falls outside the supported version skew, misses fixes and blocks the next control-plane upgrade.",
    severity: 'info',
    category: 'node',
    requires: ['v1/Node'],
    messages: {
      tooFarBehind:
        '{{lagging}} node(s) of cluster {{name}} run a kubelet more than {{maxSkew}} minor versions behind the newest one ({{newest}}); the oldest, {{oldest}}, is {{behind}} behind. That is at or past the supported skew: upgrade them before the next control-plane upgrade. Versions: {{versions}}.',
      mixed:
        'The nodes of cluster {{name}} run {{count}} kubelet minor versions ({{versions}}): an upgrade looks unfinished, so {{lagging}} node(s) still run an older version than {{newest}}.',
    },
    remediation:
      'List the versions: `kubectl get nodes -o custom-columns=NAME:.metadata.name,KUBELET:.status.nodeInfo.kubeletVersion,POOL:.metadata.labels` and compare with the control plane (`kubectl version`). Upgrade the lagging node pools (managed clusters: upgrade the node pool or node group; kubeadm: `kubeadm upgrade node` then upgrade the kubelet package on each node, after `kubectl drain`). If a pool is kept old on purpose, plan its end: kubelets may be at most three minor versions older than the API server (two before Kubernetes 1.28).',
    references: [
      'https://kubernetes.io/releases/version-skew-policy/#kubelet',
      'https://kubernetes.io/docs/tasks/administer-cluster/cluster-upgrade/',
    ],
    params: {
      maxMinorSkew: {
        default: 2,
        description:
          'How many minor versions a kubelet may be behind the newest kubelet before the finding says it is too far behind.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const maxSkew = Number(params.maxMinorSkew)
    // major.minor → nodes, keyed by a sortable number.
    const groups = new Map<number, { label: string; nodes: string[] }>()
    for (const node of snapshot.list('v1/Node')) {
      const v = node.status?.nodeInfo?.kubeletVersion
      if (typeof v !== 'string') continue
      const m = MINOR.exec(v)
      if (!m) continue
      const major = Number(m[1])
      const minor = Number(m[2])
      const k = major * 1000 + minor
      const g = groups.get(k)
      if (g) g.nodes.push(node.metadata.name)
      else groups.set(k, { label: `v${major}.${minor}`, nodes: [node.metadata.name] })
    }
    if (groups.size < 2) return
    const keys = [...groups.keys()].sort((a, b) => a - b)
    const newestKey = keys[keys.length - 1] as number
    const oldestKey = keys[0] as number
    const newest = groups.get(newestKey)!
    const oldest = groups.get(oldestKey)!
    const sameMajor = Math.floor(newestKey / 1000) === Math.floor(oldestKey / 1000)
    const behind = sameMajor ? newestKey - oldestKey : Infinity
    let lagging = 0
    for (const k of keys) if (k !== newestKey) lagging += groups.get(k)!.nodes.length
    const versions = keys
      .slice()
      .reverse()
      .map((k) => `${groups.get(k)!.label} on ${groups.get(k)!.nodes.length} node(s)`)
      .join(', ')
    const tooFar = behind > maxSkew
    let farBehind = 0
    if (tooFar)
      for (const k of keys)
        if (!sameMajor || newestKey - k > maxSkew) farBehind += groups.get(k)!.nodes.length
    report({
      object: { apiVersion: 'v1', kind: 'Cluster', name: snapshot.cluster },
      messageId: tooFar ? 'tooFarBehind' : 'mixed',
      data: {
        count: keys.length,
        versions,
        newest: newest.label,
        oldest: oldest.label,
        behind: Number.isFinite(behind) ? behind : 'several',
        maxSkew,
        lagging: tooFar ? farBehind : lagging,
      },
      evidence: {
        kubeletVersions: Object.fromEntries(
          keys
            .slice()
            .reverse()
            .map((k) => {
              const g = groups.get(k)!
              return [g.label, { nodes: g.nodes.length, examples: g.nodes.slice(0, EXAMPLES) }]
            }),
        ),
      },
    })
  },
})
