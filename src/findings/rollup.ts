import type { Finding, KubeObject } from '../core/types.js'
import { refOf } from '../core/kinds.js'
import { fingerprintOf } from './finding.js'

/** Most pods a rolled-up finding names in its evidence; the count is always exact. */
export const MAX_ROLLUP_PODS = 20

/** A finding before roll-up, with the object it was reported on (when the detector gave one). */
export interface RawFinding {
  finding: Finding
  object?: KubeObject
  key?: string
}

/**
 * Rolls pod findings up to the owning workload (one finding for a Deployment whose 40 pods crash,
 * the pods in evidence) and merges findings that share a fingerprint.
 */
export function rollUp(
  raw: RawFinding[],
  rootOwner: ((pod: KubeObject) => KubeObject) | undefined,
  sourceOf?: (obj: KubeObject) => string | undefined,
): Finding[] {
  const byFp = new Map<string, { finding: Finding; pods: string[]; count: number }>()
  const out: Finding[] = []
  for (const r of raw) {
    let f = r.finding
    let pod: KubeObject | undefined
    let target = r.object
    if (rootOwner && r.object && r.object.kind === 'Pod' && r.object.apiVersion === 'v1') {
      const root = rootOwner(r.object)
      if (root !== r.object) {
        pod = r.object
        target = root
        const object = refOf(root)
        f = { ...f, object, fingerprint: fingerprintOf(f.detector, f.cluster, object, r.key) }
      }
    }
    const seen = byFp.get(f.fingerprint)
    if (!seen) {
      const source = target && sourceOf?.(target)
      if (source !== undefined) f.source = source
      const entry = { finding: f, pods: pod ? [pod.metadata.name] : [], count: pod ? 1 : 0 }
      byFp.set(f.fingerprint, entry)
      out.push(f)
      continue
    }
    if (pod) {
      seen.count++
      if (seen.pods.length < MAX_ROLLUP_PODS) seen.pods.push(pod.metadata.name)
    }
  }
  for (const { finding, pods, count } of byFp.values()) {
    if (count === 0) continue
    finding.evidence = { ...finding.evidence, pods, podCount: count }
    if (count > 1)
      finding.message = `${finding.message} Affects ${count} pods of ${finding.object.kind} ${finding.object.name}.`
  }
  return out
}
