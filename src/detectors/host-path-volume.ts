import { defineDetector } from '../detect/define.js'
import {
  forEachContainer,
  SYSTEM_NAMESPACE_PARAMS,
  systemNamespaceTest,
  templatePath,
} from './lib/security.js'
import { podTemplates, WORKLOAD_KINDS } from './lib/workloads.js'

// Container runtime sockets, and the directories that hold them: whoever can write to one can
// start a privileged container on the node, even through a read-only mount.
const RUNTIME_SOCKETS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/var/run/containerd/containerd.sock',
  '/run/containerd/containerd.sock',
  '/var/run/crio/crio.sock',
  '/run/crio/crio.sock',
  '/var/run/cri-dockerd.sock',
  '/run/cri-dockerd.sock',
  '/run/k3s/containerd/containerd.sock',
]

function normalizePath(p: string): string {
  let s = p.replace(/\/{2,}/g, '/')
  while (s.length > 1 && s.endsWith('/')) s = s.slice(0, -1)
  return s
}

function isRuntimeSocket(path: string): boolean {
  for (const sock of RUNTIME_SOCKETS) if (sock === path || sock.startsWith(path + '/')) return true
  return false
}

interface Mount {
  container: string
  mountPath: unknown
  readOnly: boolean
}

export default defineDetector({
  meta: {
    id: 'host-path-volume',
    title: 'Pod mounts a directory of the node (hostPath) it can write to',
    description:
      "A hostPath volume mounts a file or directory of the node into the pod. Written to, it lets the pod change the node itself: plant files that other pods or the kubelet read, fill the node's disk, or, for the container runtime's socket or the node's root, start privileged containers and take over the node. Node agents (log shippers, CSI drivers) need it; applications should use a PersistentVolumeClaim, a ConfigMap or an emptyDir.",
    severity: 'warning',
    category: 'security',
    requires: [],
    requiresAny: WORKLOAD_KINDS,
    messages: {
      hostPath:
        '{{kind}} {{name}} mounts the node directory {{hostPath}} (volume {{volume}}) read-write in {{containers}}: it can change files on the node, which other pods and the kubelet may rely on.',
      runtimeSocket:
        "{{kind}} {{name}} mounts the container runtime's socket {{hostPath}} (volume {{volume}}) in {{containers}}: through it the pod can start privileged containers and take over the node, even if the mount is read-only.",
      hostRoot:
        "{{kind}} {{name}} mounts the node's root filesystem / (volume {{volume}}) in {{containers}}: it can read every secret on the node (kubelet credentials, other pods' volumes) and, read-write, change the node itself.",
    },
    remediation:
      "Confirm: `kubectl get {{kind}} {{name}} -n {{namespace}} -o jsonpath='{.{{path}}.volumes[?(@.hostPath)]}'`. Replace volume {{volume}} with what the app really needs: a PersistentVolumeClaim for data, a ConfigMap or Secret for configuration, an emptyDir for scratch space. If it must read node files (logs, metrics), mount the narrowest path with `readOnly: true` in every volumeMount. Mounting the runtime socket gives node-level control: only trusted node agents in a system namespace listed in `systemNamespaces` should do it.",
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline',
    ],
    params: { ...SYSTEM_NAMESPACE_PARAMS },
  },
  detect({ snapshot, report, params }) {
    const system = systemNamespaceTest(params)
    for (const t of podTemplates(snapshot)) {
      const volumes: unknown = t.spec.volumes
      if (!Array.isArray(volumes)) continue
      let any = false
      for (const v of volumes) if (v && typeof v.hostPath?.path === 'string') any = true
      if (!any || system(t.namespace)) continue
      for (const v of volumes) {
        if (!v || typeof v.hostPath?.path !== 'string' || typeof v.name !== 'string') continue
        const path = normalizePath(v.hostPath.path)
        const mounts: Mount[] = []
        forEachContainer(t.spec, (c, name) => {
          if (!Array.isArray(c.volumeMounts)) return
          for (const m of c.volumeMounts)
            if (m && m.name === v.name)
              mounts.push({ container: name, mountPath: m.mountPath, readOnly: m.readOnly === true })
        })
        // A volume no container mounts does nothing.
        if (mounts.length === 0) continue
        const writable = mounts.filter((m) => !m.readOnly)
        const messageId = path === '/' ? 'hostRoot' : isRuntimeSocket(path) ? 'runtimeSocket' : 'hostPath'
        if (messageId === 'hostPath' && writable.length === 0) continue
        const shown = messageId === 'hostPath' ? writable : mounts
        report({
          object: t.owner,
          messageId,
          key: v.name,
          data: {
            volume: v.name,
            hostPath: path,
            containers: [...new Set(shown.map((m) => m.container))].join(', '),
            path: templatePath(t.owner.kind),
          },
          evidence: {
            volume: { name: v.name, hostPath: v.hostPath },
            mounts,
          },
        })
      }
    }
  },
})
