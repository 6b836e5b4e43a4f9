import { defineDetector } from '../detect/define.js'
import {
  CONTROL_PLANE_KINDS,
  controlPlane,
  defaultRevision,
  imageVersion,
  isRunning,
  meshedPods,
  minorsBehind,
  namespaceMesh,
  revisionReader,
  resolveRevision,
  restartCommand,
  type NamespaceMesh,
  type Version,
} from './lib/mesh-gitops.js'

export default defineDetector({
  meta: {
    id: 'istio-proxy-version-skew',
    title: 'Istio sidecar runs another version or revision than its control plane',
    description:
      'A sidecar keeps the proxy version it was injected with until its pod is recreated. After an Istio upgrade (in place, or by moving a namespace to a new revision), pods that were not restarted keep the old proxy: they may miss fixes and features the control plane expects, and Istio only supports proxies a limited number of minor versions behind istiod. The next upgrade, or the removal of the old revision, then breaks them.',
    severity: 'warning',
    category: 'mesh',
    requires: ['v1/Pod', 'apps/v1/Deployment'],
    optional: ['v1/Namespace', ...CONTROL_PLANE_KINDS],
    messages: {
      tooFarBehind:
        'Pod {{pod}} runs Istio proxy {{proxyVersion}}, {{behindText}} behind the newest control plane {{istiodVersion}} (more than {{maxMinorSkew}} is outside what Istio supports).',
      revisionMismatch:
        'Pod {{pod}} runs a sidecar injected by revision {{podRevision}}, but namespace {{namespace}} now points at revision {{targetRevision}}: the pod keeps the old proxy until it is restarted.',
      versionMismatch:
        'Pod {{pod}} runs Istio proxy {{proxyVersion}}, but its control plane (revision {{podRevision}}) runs {{istiodVersion}}: Istio was upgraded and this pod was not restarted.',
    },
    remediation:
      'Restart the workload so it gets the current proxy: {{restart}}. Compare versions with `istioctl proxy-status` (or `kubectl get pods -n {{namespace}} -L istio.io/rev -o custom-columns=NAME:.metadata.name,PROXY:.spec.containers[?(@.name=="istio-proxy")].image`) and `kubectl get deploy -n istio-system -l app=istiod -o wide`. After a canary upgrade, restart every workload of the namespace before removing the old revision.',
    references: [
      'https://istio.io/latest/docs/setup/upgrade/canary/',
      'https://istio.io/latest/docs/releases/supported-releases/#control-planedata-plane-skew',
      'https://istio.io/latest/docs/reference/config/analysis/ist0158/',
    ],
    params: {
      maxMinorSkew: {
        default: 1,
        description:
          'Most minor versions a proxy may be behind the newest istiod before it is reported whatever its revision.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const cp = controlPlane(snapshot)
    // Without a control plane in the snapshot (a managed or remote one) there is nothing to compare with.
    if (cp.istiods.length === 0 && cp.tags.size === 0) return
    const maxSkew = Number(params.maxMinorSkew)
    const namespaces: ReadonlyMap<string, NamespaceMesh> = snapshot.has('v1/Namespace')
      ? namespaceMesh(snapshot)
      : new Map()
    const newest = cp.newest?.version
    const defaultRev = defaultRevision(cp)
    // Per namespace and per image, not per pod: a fleet has few of each.
    const targets = new Map<string, string | undefined>()
    let lastNs: string | undefined
    let lastTarget: string | undefined
    const targetOf = (nsName: string): string | undefined => {
      if (nsName === lastNs) return lastTarget
      lastNs = nsName
      if (targets.has(nsName)) return (lastTarget = targets.get(nsName))
      const ns = namespaces.get(nsName)
      let target: string | undefined
      if (ns?.injection !== undefined) target = ns.injection === 'enabled' ? defaultRev : undefined
      else if (ns?.rev !== undefined) target = resolveRevision(cp, ns.rev)
      targets.set(nsName, target)
      return (lastTarget = target)
    }
    const versions = new Map<unknown, Version | undefined>()
    let lastImage: unknown
    let lastVersion: Version | undefined
    const versionOf = (image: unknown): Version | undefined => {
      if (image === lastImage) return lastVersion
      lastImage = image
      if (versions.has(image)) return (lastVersion = versions.get(image))
      const v = imageVersion(image)
      versions.set(image, v)
      return (lastVersion = v)
    }
    const revisionOf = revisionReader(snapshot)
    for (const m of meshedPods(snapshot)) {
      const pod = m.pod
      if (!isRunning(pod)) continue
      const proxyVersion = versionOf(m.proxy.image)
      const podRev = revisionOf(pod)
      const target = targetOf(pod.metadata.namespace ?? '')
      let messageId: string | undefined
      let data: Record<string, string | number> | undefined
      if (proxyVersion && newest && newest.major === proxyVersion.major) {
        const behind = minorsBehind(proxyVersion, newest)
        if (behind > maxSkew) {
          messageId = 'tooFarBehind'
          data = {
            proxyVersion: proxyVersion.text,
            istiodVersion: newest.text,
            behind,
            behindText: `${behind} minor version${behind === 1 ? '' : 's'}`,
            maxMinorSkew: maxSkew,
          }
        }
      }
      if (!messageId && podRev !== undefined && target !== undefined && podRev !== target && !m.gateway) {
        messageId = 'revisionMismatch'
        data = { podRevision: podRev, targetRevision: target }
      }
      if (!messageId && proxyVersion && podRev !== undefined) {
        const own = cp.byRevision.get(podRev)?.[0]?.version
        if (own && (own.major !== proxyVersion.major || own.minor !== proxyVersion.minor)) {
          messageId = 'versionMismatch'
          data = { proxyVersion: proxyVersion.text, istiodVersion: own.text, podRevision: podRev }
        }
      }
      if (!messageId) continue
      report({
        object: pod,
        messageId,
        data: { ...data, pod: pod.metadata.name, restart: restartCommand(snapshot, pod) },
        evidence: {
          proxyImage: typeof m.proxy.image === 'string' ? m.proxy.image : null,
          podRevision: podRev ?? null,
          namespaceRevision: target ?? null,
          newestIstiod: cp.newest?.version
            ? `${cp.newest.obj.metadata.name} ${cp.newest.version.text}`
            : null,
        },
      })
    }
  },
})
