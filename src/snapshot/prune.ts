// A snapshot of 150,000 pods holds them all at once, and part of each pod is read by nothing: its
// IPs, container and image ids, the mounts its container statuses repeat from the spec. The fields
// below are dropped from a snapshot's objects when every enabled detector is a built-in one (a
// team's own detector may read anything; see prune-builtin.ts). Each was chosen by reading the
// code of every consumer (detectors, root causes, the snapshot's indexes), and `prune.test.ts`
// runs every built-in detector's cases over objects that record each field asked for, and fails
// if one listed here is read. Add a field only after both.
import type { KubeObject } from '../core/types.js'

/**
 * Fields no built-in consumer reads, by version-free kind: dotted paths, `[]` for every element
 * of an array. Only objects of these kinds are touched.
 */
export const PRUNED_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Pod: [
    'status.podIP',
    'status.podIPs',
    'status.hostIP',
    'status.hostIPs',
    ...['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'].flatMap((s) => [
      `status.${s}[].containerID`,
      `status.${s}[].imageID`,
      `status.${s}[].volumeMounts`,
      `status.${s}[].state.terminated.containerID`,
      `status.${s}[].lastState.terminated.containerID`,
    ]),
  ],
  // Endpoints are read by pod name (targetRef.kind and name); a Pod's uid is 36 bytes per endpoint.
  'discovery.k8s.io/EndpointSlice': ['endpoints[].targetRef.uid'],
}

/** A path set as a tree: `true` marks a field to drop. */
export interface FieldTree {
  [segment: string]: FieldTree | true
}

/** The paths of each kind as trees, for {@link pruneObject}. */
export function fieldTrees(fields: Readonly<Record<string, readonly string[]>>): Map<string, FieldTree> {
  const out = new Map<string, FieldTree>()
  for (const [kind, paths] of Object.entries(fields)) {
    const root: FieldTree = {}
    for (const p of paths) {
      const segs = segmentsOf(p)
      let t = root
      for (const [i, seg] of segs.entries()) {
        if (i === segs.length - 1) t[seg] = true
        else {
          const next = t[seg]
          if (next === true) break // an ancestor is dropped whole
          t = next ?? (t[seg] = {})
        }
      }
    }
    out.set(kind, root)
  }
  return out
}

/** `status.containerStatuses[].containerID` → `status`, `containerStatuses`, `[]`, `containerID`. */
export function segmentsOf(path: string): string[] {
  return path.split('.').flatMap((s) => (s.endsWith('[]') ? [s.slice(0, -2), '[]'] : [s]))
}

/**
 * `obj` without the fields of `tree`. An object that loses a field is replaced by a copy without it
 * (in its parent, or returned for `obj` itself): the fields are absent, as if the API server had not
 * sent them, so listing keys or probing the first one (cel-js does, to type a map) finds no
 * `undefined`. Not `delete`: deleting a property other than the last turns a V8 object into a
 * dictionary, larger than it was. Objects that keep all their fields are left as they are.
 */
export function pruneObject(obj: KubeObject, tree: FieldTree): KubeObject {
  return pruneAt(obj, tree) as KubeObject
}

function pruneAt(v: unknown, tree: FieldTree): unknown {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) {
    const sub = tree['[]']
    if (sub && sub !== true)
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i]
        const y = pruneAt(x, sub)
        if (y !== x) v[i] = y
      }
    return v
  }
  const o = v as Record<string, unknown>
  let drops = false
  for (const k in tree) {
    if (k === '[]' || !Object.prototype.hasOwnProperty.call(o, k)) continue
    const sub = tree[k]!
    if (sub === true) drops = true
    else {
      const x = o[k]
      const y = pruneAt(x, sub)
      if (y !== x) o[k] = y
    }
  }
  if (!drops) return o
  const out: Record<string, unknown> = {}
  for (const k in o) if (tree[k] !== true) out[k] = o[k]
  return out
}

/** {@link PRUNED_FIELDS} as trees. */
export const PRUNED_TREES: ReadonlyMap<string, FieldTree> = fieldTrees(PRUNED_FIELDS)
