import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import {
  INJECTION_LABEL,
  REV_LABEL,
  controlPlane,
  firstFew,
  isRunning,
  istioPresent,
  meshedPods,
  namespaceMesh,
  restartCommand,
  revisionReader,
  type ControlPlane,
} from './lib/mesh-gitops.js'

function knownRevisions(cp: ControlPlane): string {
  const all = new Set<string>([...cp.injectors.keys(), ...cp.tags.keys(), ...cp.byRevision.keys()])
  return all.size ? firstFew([...all].sort()) : 'none'
}

// Whether a revision or tag exists: an injector or tag webhook for it, or an istiod of that revision.
function exists(cp: ControlPlane, rev: string): boolean {
  return cp.injectors.has(rev) || cp.tags.has(rev) || cp.byRevision.has(rev)
}

export default defineDetector({
  meta: {
    id: 'istio-revision-orphan',
    title: 'Istio revision label names a control plane that does not exist',
    description:
      "`istio.io/rev` picks which Istio control plane (revision, or revision tag) injects and configures a namespace's pods. When it names a revision that has no injector webhook or istiod (a typo, or a revision removed after an upgrade), new pods start without a sidecar (or fail to start when the webhook remains without its istiod), and running sidecars of that revision lose their control plane: they get no configuration or certificate updates.",
    severity: 'warning',
    category: 'mesh',
    requires: ['v1/Namespace', 'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration'],
    optional: ['apps/v1/Deployment', 'v1/Pod'],
    messages: {
      namespaceOrphan:
        'Namespace {{name}} is labeled istio.io/rev={{revision}}, but no Istio revision or tag of that name exists (known: {{known}}): new pods there start without a sidecar.',
      defaultMissing:
        'Namespace {{name}} is labeled istio-injection=enabled, but no injector serves the default revision (known revisions: {{known}}): new pods there start without a sidecar.',
      noIstiod:
        'Namespace {{name}} uses Istio revision {{revision}}: its injector webhook exists, but no istiod Deployment of that revision runs in this cluster, so pod creation there fails or gets no configuration.',
      noIstio:
        'Namespace {{name}} asks for Istio sidecars ({{label}}), but no Istio control plane or injector is installed in this cluster: its pods run outside any mesh.',
      podOrphan:
        'Pod {{pod}} belongs to Istio revision {{revision}}, which no longer exists (known: {{known}}): its proxy gets no configuration or certificate updates.',
    },
    remediation:
      'List the revisions and tags that exist: `kubectl get mutatingwebhookconfigurations -l app=sidecar-injector -L istio.io/rev,istio.io/tag` and `kubectl get deploy -n istio-system -l app=istiod -L istio.io/rev`. Point the namespace at one of them: `kubectl label namespace {{ns}} istio.io/rev=<revision> --overwrite` (or install the missing revision, or `istioctl tag set <tag> --revision <revision>`), then restart its workloads: {{restart}}. If the namespace should not be in the mesh, remove the labels: `kubectl label namespace {{ns}} istio.io/rev- istio-injection-`.',
    references: [
      'https://istio.io/latest/docs/setup/upgrade/canary/',
      'https://istio.io/latest/docs/reference/config/analysis/ist0139/',
      'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/',
    ],
  },
  detect({ snapshot, report }) {
    const cp = controlPlane(snapshot)
    const known = knownRevisions(cp)
    // istiods are checked only when Deployments were listed and this cluster runs its own control plane.
    const localIstiod = cp.deploymentsCollected && cp.istiods.length > 0
    const orphanNamespaces = new Set<string>()
    const present = istioPresent(cp)
    for (const ns of namespaceMesh(snapshot).values()) {
      const nsName = ns.name
      const restart = `\`kubectl rollout restart deployment -n ${nsName}\``
      if (!present) {
        // Leftover labels after Istio was removed, or Istio not installed yet: one finding per namespace.
        const label =
          ns.injection === 'enabled'
            ? `${INJECTION_LABEL}=enabled`
            : ns.injection === undefined && ns.rev !== undefined
              ? `${REV_LABEL}=${ns.rev}`
              : undefined
        if (label)
          report({
            object: ns.obj,
            messageId: 'noIstio',
            key: ns.rev ?? 'default',
            data: { label, revision: ns.rev ?? 'default', known, restart, ns: nsName },
            evidence: { labels: { [INJECTION_LABEL]: ns.injection ?? null, [REV_LABEL]: ns.rev ?? null } },
          })
        continue
      }
      if (ns.injection !== undefined) {
        // istio-injection wins: a revision label beside it is ignored (another detector's finding).
        if (ns.injection === 'enabled' && !cp.defaultServed) {
          report({
            object: ns.obj,
            messageId: 'defaultMissing',
            key: 'default',
            data: { known, revision: 'default', restart, ns: nsName },
            evidence: { labels: { [INJECTION_LABEL]: ns.injection }, injectors: [...cp.injectors.keys()] },
          })
          orphanNamespaces.add(nsName)
        }
        continue
      }
      if (ns.rev === undefined) continue
      const rev = ns.rev
      if (!exists(cp, rev)) {
        report({
          object: ns.obj,
          messageId: 'namespaceOrphan',
          key: rev,
          data: { revision: rev, known, restart, ns: nsName },
          evidence: {
            labels: { [REV_LABEL]: rev },
            injectors: [...cp.injectors.keys()],
            tags: Object.fromEntries(cp.tags),
            istiods: cp.istiods.map((i) => `${i.obj.metadata.namespace}/${i.obj.metadata.name}`),
          },
        })
        orphanNamespaces.add(nsName)
        continue
      }
      const target = cp.tags.get(rev) ?? rev
      if (localIstiod && !cp.byRevision.has(target)) {
        report({
          object: ns.obj,
          messageId: 'noIstiod',
          key: rev,
          data: { revision: target, known, restart, ns: nsName },
          evidence: {
            labels: { [REV_LABEL]: rev },
            webhook:
              (cp.injectors.get(target) ?? cp.injectors.get(rev))?.metadata.name ??
              `istio-revision-tag-${rev}`,
            istiods: cp.istiods.map(
              (i) => `${i.obj.metadata.namespace}/${i.obj.metadata.name} (${i.revision})`,
            ),
          },
        })
        orphanNamespaces.add(nsName)
      }
    }
    if (!snapshot.has('v1/Pod') || !present) return
    // Sidecars whose revision is gone. A pod without a sidecar that asks for a missing revision by label
    // is istio-sidecar-missing's finding (noInjector).
    const revisionOf = revisionReader(snapshot)
    for (const m of meshedPods(snapshot)) {
      const pod = m.pod
      if (!isRunning(pod)) continue
      const rev = revisionOf(pod)
      if (rev === undefined) continue
      // The namespace finding already says it; one finding per cause.
      if (orphanNamespaces.has(pod.metadata.namespace ?? '')) continue
      if (exists(cp, rev)) continue
      report({
        object: pod as KubeObject,
        messageId: 'podOrphan',
        key: rev,
        data: {
          pod: pod.metadata.name,
          revision: rev,
          known,
          restart: restartCommand(snapshot, pod),
          ns: pod.metadata.namespace ?? '',
        },
        evidence: {
          podRevision: rev,
          injectors: [...cp.injectors.keys()],
          tags: Object.fromEntries(cp.tags),
        },
      })
    }
  },
})
