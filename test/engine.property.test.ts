import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { CollectSink } from '../src/collect/define.js'
import { loadPaths } from '../src/collect/files.js'
import { configureDetectors } from '../src/config/config.js'
import type { KubeObject } from '../src/core/types.js'
import { runDetectors } from '../src/detect/engine.js'
import { loadBuiltinDetectors } from '../src/detect/registry.js'
import { SnapshotBuilder } from '../src/snapshot/snapshot.js'

// Every built-in detector, fed the example fleet's objects with random damage: a detector may find
// nothing, but it must not throw (a throw is an error entry that hides the detector's verdict).
const detectors = configureDetectors(await loadBuiltinDetectors(), {})

async function fleetObjects(): Promise<KubeObject[]> {
  const objects: KubeObject[] = []
  const sink: CollectSink = {
    object: (o) => (objects.push(o), true),
    collected: () => undefined,
    data: () => undefined,
    log: () => undefined,
    error: (e) => {
      throw new Error(e.message)
    },
  }
  await loadPaths([join(import.meta.dirname, '..', 'examples', 'fleet')], sink)
  return objects
}

const base = await fleetObjects()

/** Every path to a value inside an object, so a mutation can hit any field. */
function paths(
  v: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (v && typeof v === 'object') {
    for (const [k, child] of Object.entries(v)) {
      const p = [...prefix, Array.isArray(v) ? Number(k) : k]
      out.push(p)
      paths(child, p, out)
    }
  }
  return out
}

function setAt(obj: Record<string, unknown>, path: (string | number)[], value: unknown, del: boolean): void {
  let cur: Record<string | number, unknown> = obj
  for (const k of path.slice(0, -1)) {
    const next = cur[k]
    if (!next || typeof next !== 'object') return
    cur = next as Record<string | number, unknown>
  }
  const last = path.at(-1) as string | number
  // Only what JSON can hold: no holes in arrays, no values JSON.parse could not produce.
  if (del && Array.isArray(cur)) cur.splice(last as number, 1)
  else if (del) delete cur[last]
  else cur[last] = value === undefined ? null : JSON.parse(JSON.stringify(value))
}

const junk = fc.oneof(
  fc.constant(null),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.oneof(fc.string(), fc.constant(null), fc.integer())),
  fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.constant(null))),
  fc.constantFrom('True', 'False', 'Unknown', '', 'not-a-time', '2026-13-45T99:00:00Z', '-5', '1e400'),
)

function damaged(mutations: [number, number, unknown, boolean][]): KubeObject[] {
  const objects = structuredClone(base)
  for (const [oi, pi, value, del] of mutations) {
    const obj = objects[oi % objects.length] as unknown as Record<string, unknown>
    const ps = paths(obj).filter(
      (p) =>
        p[0] !== 'apiVersion' &&
        p[0] !== 'kind' &&
        !(p[0] === 'metadata' && p[1] === 'name' && p.length === 2),
    )
    if (!ps.length) continue
    setAt(obj, ps[pi % ps.length]!, value, del)
  }
  return objects
}

function detect(objects: KubeObject[]) {
  const b = new SnapshotBuilder('prop')
  for (const o of objects)
    if (o.metadata && typeof o.metadata === 'object' && typeof o.metadata.name === 'string') b.add(o)
  return runDetectors(b.build(), detectors)
}

describe('the detector library on damaged objects (property)', () => {
  it('never fails when fields are missing, as in manifests without defaults or older API versions', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constant(undefined), fc.constant(true)), {
          minLength: 1,
          maxLength: 20,
        }),
        (m) => {
          expect(detect(damaged(m)).errors).toEqual([])
        },
      ),
      { numRuns: 300 },
    )
  })

  it('never throws on fields of the wrong type; a CEL detector may only report an evaluation error naming the object', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat(), junk, fc.boolean()), { minLength: 1, maxLength: 12 }),
        (m) => {
          const r = detect(damaged(m))
          for (const e of r.errors)
            expect(`${e.code} ${e.message}`).toMatch(/^KDAC_E_CEL_EVAL .* on [A-Za-z]+ /)
        },
      ),
      { numRuns: 300 },
    )
  })
})
