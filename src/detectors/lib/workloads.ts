import type { KubeObject } from '../../core/types.js'
import type { Snapshot } from '../../snapshot/snapshot.js'

/**
 * The kinds that carry pod templates. A configuration detector (probes, resources, security
 * settings) declares them as `requiresAny`, so it runs on whichever were collected: rendered
 * manifests have Deployments but no Pods, a `kubectl get pods` dump the opposite.
 */
export const WORKLOAD_KINDS: string[] = [
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'apps/v1/ReplicaSet',
  'batch/v1/Job',
  'batch/v1/CronJob',
  'v1/Pod',
]

/** A pod spec and the object that owns it: a workload's template, or a pod no collected workload owns. */
export interface PodTemplate {
  /** The object to report on: the workload, or the bare pod. */
  owner: KubeObject
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec: any
  labels: Record<string, string>
  namespace: string
}

const TOP_OWNER: Record<string, string[]> = {
  ReplicaSet: ['Deployment'],
  Job: ['CronJob'],
}

function controllerOf(o: KubeObject): { kind: string; name: string } | undefined {
  const refs = o.metadata.ownerReferences
  if (!Array.isArray(refs)) return undefined
  return refs.find((r) => r && r.controller) ?? refs[0]
}

function templateOf(o: KubeObject): { spec: unknown; labels: unknown } | undefined {
  if (o.kind === 'Pod') return { spec: o.spec, labels: o.metadata.labels }
  const t = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template
  return t && typeof t === 'object' ? { spec: t.spec, labels: t.metadata?.labels } : undefined
}

/**
 * Every pod spec of the cluster once: one per workload (not one per replica, so a Deployment of 40
 * pods is checked once), plus pods that no collected workload owns. Shared by all detectors through
 * `snapshot.memo`; a detector using it must declare {@link WORKLOAD_KINDS}.
 */
export function podTemplates(snapshot: Snapshot): readonly PodTemplate[] {
  return snapshot.memo('lib/podTemplates', () => {
    const out: PodTemplate[] = []
    const push = (owner: KubeObject) => {
      const t = templateOf(owner)
      if (!t || !t.spec || typeof t.spec !== 'object') return
      out.push({
        owner,
        spec: t.spec,
        labels: t.labels && typeof t.labels === 'object' ? (t.labels as Record<string, string>) : {},
        namespace: owner.metadata.namespace ?? '',
      })
    }
    for (const kind of WORKLOAD_KINDS) {
      for (const o of snapshot.list(kind)) {
        const c = controllerOf(o)
        if (c && typeof c.kind === 'string') {
          // Owned by a workload we hold (or whose kind we list): that workload's template covers it.
          if (o.kind === 'Pod') {
            if (snapshot.ownersOf(o).length > 0) continue
          } else if (TOP_OWNER[o.kind]?.includes(c.kind)) {
            if (snapshot.ownersOf(o).length > 0) continue
          }
        }
        push(o)
      }
    }
    return out
  })
}

/** A container of a pod spec with the list it is in. */
export interface TemplateContainer {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  c: any
  name: string
  /** `init` for init containers (native sidecars included), `app` for regular ones. */
  kind: 'init' | 'app'
  /** An init container with `restartPolicy: Always`: it runs beside the app for the pod's life. */
  sidecar: boolean
}

/** The containers of a pod spec, init containers first; entries that are not objects with a name are skipped. */
export function templateContainers(spec: unknown): TemplateContainer[] {
  const out: TemplateContainer[] = []
  if (!spec || typeof spec !== 'object') return out
  const s = spec as { initContainers?: unknown; containers?: unknown }
  if (Array.isArray(s.initContainers))
    for (const c of s.initContainers)
      if (c && typeof c === 'object' && typeof c.name === 'string')
        out.push({ c, name: c.name, kind: 'init', sidecar: c.restartPolicy === 'Always' })
  if (Array.isArray(s.containers))
    for (const c of s.containers)
      if (c && typeof c === 'object' && typeof c.name === 'string')
        out.push({ c, name: c.name, kind: 'app', sidecar: false })
  return out
}
