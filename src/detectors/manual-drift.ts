import type { KubeObject } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { paramList } from './lib/k8s.js'

const KINDS = ['apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'v1/ConfigMap', 'v1/Service']

interface Entry {
  manager: string
  operation: string
  time: string
  ms: number
  fields: unknown
}

/** Matches a manager name against a list whose entries may end with `*` (a prefix). */
function matcher(list: string[]): (name: string) => boolean {
  const exact = new Set(list.filter((x) => !x.endsWith('*')))
  const prefixes = list.filter((x) => x.endsWith('*')).map((x) => x.slice(0, -1))
  return (name) => exact.has(name) || prefixes.some((p) => name.startsWith(p))
}

/** Leaf field paths of a managedFields `fieldsV1` entry (`spec.replicas`), at most `max`. */
function fieldPaths(fields: unknown, max = 8): string[] {
  const out: string[] = []
  const walk = (node: unknown, path: string) => {
    if (out.length >= max) return
    if (!node || typeof node !== 'object') return
    const keys = Object.keys(node).filter((k) => k !== '.')
    if (keys.length === 0) {
      if (path) out.push(path)
      return
    }
    for (const k of keys) {
      // `f:name` is a field, `k:{...}` a list item by key, `v:` a set value, `i:` an index.
      const part = k.startsWith('f:') ? k.slice(2) : `[${k.slice(2)}]`
      walk(
        (node as Record<string, unknown>)[k],
        path ? (part.startsWith('[') ? path + part : `${path}.${part}`) : part,
      )
      if (out.length >= max) return
    }
  }
  walk(fields, '')
  return out
}

export default defineDetector({
  meta: {
    id: 'manual-drift',
    title: 'Object changed by hand after GitOps applied it',
    description:
      'The object is managed by a GitOps controller (Argo CD or Flux), but its managedFields show a later change by a person (kubectl edit, patch, scale, apply, or another manual client). The live object no longer matches Git: the next sync silently reverts the fix (or the hand-made change hides a problem Git still has), and nobody reviewing Git sees what really runs.',
    severity: 'info',
    category: 'gitops',
    requires: [],
    requiresAny: KINDS,
    needsManagedFields: true,
    messages: {
      drift:
        '{{kind}} {{name}} was changed by hand with {{manager}} ({{operation}}) at {{manualTime}}, after {{gitopsManager}} last applied it at {{gitopsTime}}: the live object differs from Git ({{fields}}).',
    },
    remediation:
      'Put the change in Git (or revert it): compare with `argocd app diff <app>` or `flux diff kustomization <name> --path <dir>`, and see who changed what with `kubectl get {{kindLower}} {{name}} -n {{namespace}} --show-managed-fields -o yaml`. Then sync again (`argocd app sync <app>`, `flux reconcile kustomization <name> --with-source`). To have such edits undone automatically, enable Argo CD self-heal (Flux reverts drift at every reconciliation).',
    references: [
      'https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management',
      'https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/#automatic-self-healing',
      'https://fluxcd.io/flux/components/kustomize/kustomizations/#drift-detection',
    ],
    params: {
      gitopsManagers: {
        default: [
          'argocd-controller',
          'argocd-application-controller',
          'kustomize-controller',
          'helm-controller',
        ],
        description: 'Field managers of GitOps controllers: an object one of them wrote is GitOps-owned.',
      },
      manualManagers: {
        default: ['kubectl', 'kubectl-*', 'k9s'],
        description: 'Field managers that are people, not controllers (`*` at the end matches a prefix).',
      },
      ignoreManagers: {
        default: ['kubectl-rollout'],
        description:
          'Manual managers whose changes are not drift: `kubectl rollout restart` only stamps a restart annotation.',
      },
    },
  },
  detect({ snapshot, report, params }) {
    const isGitops = matcher(paramList(params.gitopsManagers))
    const isManual = matcher(paramList(params.manualManagers))
    const isIgnored = matcher(paramList(params.ignoreManagers))
    for (const kind of KINDS) {
      for (const obj of snapshot.list(kind)) {
        const mf = obj.metadata.managedFields
        if (!Array.isArray(mf) || mf.length < 2) continue
        let gitops: Entry | undefined
        let manual: Entry | undefined
        for (const e of mf) {
          const manager = e && typeof e === 'object' ? (e as { manager?: unknown }).manager : undefined
          const time = (e as { time?: unknown } | null)?.time
          if (typeof manager !== 'string' || typeof time !== 'string') continue
          // Status writes are controllers reporting, never drift.
          if ((e as { subresource?: unknown }).subresource === 'status') continue
          const ms = Date.parse(time)
          if (Number.isNaN(ms)) continue
          const entry: Entry = {
            manager,
            operation: String((e as { operation?: unknown }).operation ?? 'Update'),
            time,
            ms,
            fields: (e as { fieldsV1?: unknown }).fieldsV1,
          }
          if (isGitops(manager)) {
            if (!gitops || ms > gitops.ms) gitops = entry
          } else if (isManual(manager) && !isIgnored(manager)) {
            if (!manual || ms > manual.ms) manual = entry
          }
        }
        if (!gitops || !manual || manual.ms <= gitops.ms) continue
        const fields = fieldPaths(manual.fields)
        report({
          object: obj as KubeObject,
          messageId: 'drift',
          data: {
            manager: manual.manager,
            operation: manual.operation,
            manualTime: manual.time,
            gitopsManager: gitops.manager,
            gitopsTime: gitops.time,
            fields: fields.length ? fields.slice(0, 3).join(', ') : 'fields not recorded',
            kindLower: obj.kind.toLowerCase(),
          },
          evidence: {
            manual: { manager: manual.manager, operation: manual.operation, time: manual.time, fields },
            gitops: { manager: gitops.manager, time: gitops.time },
          },
        })
      }
    }
  },
})
