import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { kubeTargets } from '../collect/kubeconfig.js'
import { createKubernetesCollector } from '../collect/kubernetes.js'
import { configureDetectors } from '../config/config.js'
import { groupKind } from '../core/kinds.js'
import type { KubeObject } from '../core/types.js'
import { defaultParams, defineDetector } from '../detect/define.js'
import { runDetectors } from '../detect/engine.js'
import { loadBuiltinDetectors, loadBuiltinSuites } from '../detect/registry.js'
import { causeOf, fleetKeyOf, objectLabelsOf } from '../findings/cause.js'
import { collectCluster } from '../pipeline.js'
import { startSimulator } from '../sim/server.js'
import { fieldTrees, PRUNED_FIELDS, PRUNED_TREES, pruneObject, segmentsOf } from './prune.js'
import { prunedFieldsFor } from './prune-builtin.js'
import { SnapshotBuilder } from './snapshot.js'

/**
 * Paths read (`a.b[].c`), by kind, with who read them. Listing an object's keys is not recorded:
 * `Object.entries`, spreads and `JSON.stringify` then read each value through `get` (recorded),
 * and a consumer that only lists keys sees a pruned object as one the API server could have sent
 * (every pruned field is optional in the API).
 */
type Reads = Map<string, Map<string, Set<string>>>

const isIndex = (p: string) => /^\d+$/.test(p)

/** `obj` behind a proxy (at every depth) that records each field asked for, reads included of absent ones. */
function recording(obj: KubeObject, reads: Reads, reader: { id: string }): KubeObject {
  const kind = groupKind(obj.apiVersion, obj.kind)
  let byPath = reads.get(kind)
  if (!byPath) reads.set(kind, (byPath = new Map()))
  const set = {
    add(path: string) {
      let who = byPath.get(path)
      if (!who) byPath.set(path, (who = new Set()))
      who.add(reader.id)
    },
  }
  const seen = new WeakMap<object, object>()
  const wrap = (target: object, path: string): object => {
    const hit = seen.get(target)
    if (hit) return hit
    const child = (p: string) => (Array.isArray(target) ? `${path}[]` : path ? `${path}.${p}` : p)
    const proxy = new Proxy(target, {
      get(t, p, r) {
        const v: unknown = Reflect.get(t, p, r)
        // An array's length and methods are not fields: its elements are, when the method reads them.
        if (typeof p === 'symbol' || (Array.isArray(t) && !isIndex(p))) return v
        const at = child(p)
        set.add(at)
        return v !== null && typeof v === 'object' ? wrap(v, at) : v
      },
      has(t, p) {
        if (typeof p === 'string') set.add(child(p))
        return Reflect.has(t, p)
      },
    })
    seen.set(target, proxy)
    return proxy
  }
  return wrap(obj, '') as KubeObject
}

/** Whether reading `read` would see a field that `pruned` drops. */
function sees(read: string, pruned: string): boolean {
  const r = segmentsOf(read)
  const p = segmentsOf(pruned)
  return p.length <= r.length && p.every((s, i) => s === r[i])
}

describe('pruned fields', () => {
  it('are read by no built-in detector, root-cause analysis or snapshot index (every case, recorded)', async () => {
    const suites = await loadBuiltinSuites()
    const reads: Reads = new Map()
    const reader = { id: '' }
    let cases = 0
    for (const { detector, cases: cs } of suites)
      for (const c of [...(cs.valid ?? []), ...(cs.invalid ?? []), ...(cs.skip ?? [])]) {
        cases++
        reader.id = `${detector.meta.id} (case ${JSON.stringify(c.name)})`
        const b = new SnapshotBuilder('test', {
          keepManagedFields: detector.meta.needsManagedFields ?? false,
        })
        for (const o of structuredClone(c.objects ?? [])) b.add(recording(o as KubeObject, reads, reader))
        for (const [k, v] of Object.entries(c.data ?? {})) b.setData(k, v)
        for (const k of c.collected ?? []) b.markCollected(k)
        const snapshot = b.build(c.now ? { now: new Date(c.now) } : {})
        const params = { ...defaultParams(detector.meta), ...(c.params ?? {}) }
        const { findings } = runDetectors(snapshot, [{ detector, severity: detector.meta.severity, params }])
        for (const f of findings) {
          causeOf(f, snapshot)
          fleetKeyOf(f, snapshot)
          objectLabelsOf(f, snapshot)
        }
        // Evidence may hold subtrees of the objects: a report serialises them whole.
        JSON.stringify(findings)
      }
    expect(cases).toBeGreaterThan(500)
    const seen: string[] = []
    for (const [kind, paths] of Object.entries(PRUNED_FIELDS))
      for (const [read, who] of reads.get(kind) ?? [])
        for (const p of paths)
          if (sees(read, p))
            seen.push(`${kind} ${read} (read by ${[...who].slice(0, 3).join(', ')}) sees pruned ${p}`)
    expect(seen).toEqual([])
    if (process.env.KUBEDAC_PRINT_READS)
      for (const [k, s] of reads) console.log(k, [...s.keys()].sort().join(' '))
  })

  it('are dropped from objects of their kind only, absent as if never sent', async () => {
    // Keys in alphabetical order, as kubectl writes dumps: `containerID` comes first.
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns' },
      spec: { containers: [{ name: 'a', image: 'a:1' }] },
      status: {
        containerStatuses: [
          {
            containerID: 'containerd://1',
            image: 'a:1',
            name: 'a',
            ready: true,
            volumeMounts: [{ name: 'v' }],
          },
          { lastState: { terminated: { containerID: 'containerd://0', exitCode: 1 } }, name: 'b' },
        ],
        phase: 'Running',
        podIP: '10.0.0.1',
        podIPs: [{ ip: '10.0.0.1' }],
      },
    } as KubeObject
    const b = new SnapshotBuilder('c', { prune: PRUNED_TREES })
    b.add(pod)
    b.add({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
      status: { podIP: '1' },
    } as KubeObject)
    b.markCollected('v1/Pod')
    const snap = b.build()
    const got = snap.get('v1/Pod', 'ns', 'p')!
    expect(got.status).toEqual({
      containerStatuses: [
        { image: 'a:1', name: 'a', ready: true },
        { lastState: { terminated: { exitCode: 1 } }, name: 'b' },
      ],
      phase: 'Running',
    })
    expect(Object.keys(got.status!)).toEqual(['containerStatuses', 'phase'])
    expect(snap.get('v1/ConfigMap', undefined, 'x')!.status).toEqual({ podIP: '1' })
    // CEL types a map by its first entry: a dropped first field must not leave `undefined` there.
    const all = configureDetectors(await loadBuiltinDetectors(), {})
    expect(runDetectors(snap, all).errors).toEqual([])
  })

  it('builds trees that stop at a field dropped whole', () => {
    expect(fieldTrees({ Pod: ['a.b', 'a.b.c', 'x[].y'] }).get('Pod')).toEqual({
      a: { b: true },
      x: { '[]': { y: true } },
    })
    const o = { a: { b: { c: 1, d: 2 } }, x: [{ y: 1, z: 2 }, 3] } as unknown as KubeObject
    expect(pruneObject(o, fieldTrees({ K: ['a.b.c', 'x[].y'] }).get('K')!)).toBe(o)
    expect(o).toEqual({ a: { b: { d: 2 } }, x: [{ z: 2 }, 3] })
    const top = { a: 1, b: 2 } as unknown as KubeObject
    expect(pruneObject(top, fieldTrees({ K: ['a'] }).get('K')!)).toEqual({ b: 2 })
  })

  it('are pruned only when every enabled detector is a built-in one', async () => {
    const builtin = configureDetectors(await loadBuiltinDetectors(), {})
    expect(prunedFieldsFor(builtin)).toBe(PRUNED_TREES)
    const own = { ...noop, origin: '/home/team/detectors/own.ts' }
    expect(prunedFieldsFor([...builtin, { detector: own, severity: 'info', params: {} }]).size).toBe(0)
    // A copy of a built-in TypeScript detector (as a team's file exporting it would load) is not one.
    const ts = builtin.find((d) => d.detector.origin === undefined)!
    expect(prunedFieldsFor([{ ...ts, detector: { ...ts.detector } }]).size).toBe(0)
  })

  it('change no finding of a simulated cluster (live collector, every built-in detector)', async () => {
    const sim = await startSimulator({ clusters: 1, nodes: 4, pods: 300, replicas: 3, problems: 0.2 })
    const dir = await mkdtemp(join(tmpdir(), 'kubedac-prune-'))
    try {
      const kubeconfig = join(dir, 'kubeconfig')
      await sim.writeKubeconfig(kubeconfig)
      const target = kubeTargets({ kubeconfig, allContexts: true }).targets[0]!
      const builtin = configureDetectors(await loadBuiltinDetectors(), {})
      // A detector of a team's own (that finds nothing) turns pruning off.
      const unpruned = [
        ...builtin,
        { detector: { ...noop, origin: '/team/own.ts' }, severity: 'info' as const, params: {} },
      ]
      const now = new Date()
      const findings = async (ds: typeof builtin) => {
        const { snapshot, errors } = await collectCluster(target, [createKubernetesCollector()], ds, now)
        expect(errors).toEqual([])
        const r = runDetectors(snapshot, ds)
        expect(r.errors).toEqual([])
        return { snapshot, findings: r.findings }
      }
      const a = await findings(builtin)
      const b = await findings(unpruned)
      expect(a.snapshot.list('v1/Pod')[0]!.status!.podIPs).toBeUndefined()
      expect(b.snapshot.list('v1/Pod')[0]!.status!.podIPs).toBeDefined()
      expect(a.findings.length).toBeGreaterThan(100)
      expect(JSON.stringify(a.findings)).toBe(JSON.stringify(b.findings))
      expect(a.findings.map((f) => causeOf(f, a.snapshot))).toEqual(
        b.findings.map((f) => causeOf(f, b.snapshot)),
      )
    } finally {
      await sim.close()
      await rm(dir, { recursive: true, force: true })
    }
  })
})

const noop = defineDetector({
  meta: {
    id: 'team-own',
    title: 'A team detector',
    severity: 'info',
    category: 'custom',
    requires: ['v1/Namespace'],
    messages: { x: 'x' },
    remediation: 'x',
  },
  detect() {},
})
