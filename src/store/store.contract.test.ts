import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ClusterStatus, Severity } from '../core/types.js'
import { dropPostgresSchema, openStore } from './index.js'
import type { RecordScanInput, Store, StoredFindingInput } from './index.js'

// One suite, every behaviour, both dialects. The PostgreSQL half runs against the real server
// (CI's .ci/run starts it); each store gets its own schema, dropped at the end.
const PG_URL = process.env.KUBEDAC_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test'
const RUN = `kdac_t${process.pid}_${Date.now().toString(36)}`

interface Backend {
  name: 'sqlite' | 'postgres'
  /** A new, empty store; `same` reopens an earlier one's database. */
  fresh(same?: string): Promise<{ store: Store; id: string }>
  setup(): Promise<void>
  cleanup(): Promise<void>
}

function sqliteBackend(): Backend {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-store-'))
  let n = 0
  return {
    name: 'sqlite',
    async setup() {},
    async fresh(same) {
      const id = same ?? join(dir, `s${n++}.db`)
      return { store: await openStore({ file: id }), id }
    },
    async cleanup() {
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

function postgresBackend(): Backend {
  const schemas: string[] = []
  return {
    name: 'postgres',
    async setup() {
      const url = new URL(PG_URL)
      if (!url.username && !process.env.PGUSER) url.username = userInfo().username
      const c = new pg.Client({ connectionString: url.toString() })
      try {
        await c.connect()
        await c.query('select 1')
      } catch (e) {
        throw new Error(
          `PostgreSQL is not reachable at ${PG_URL} (${e instanceof Error ? e.message : String(e)}): the store's contract suite needs it; start it (bash .ci/run does)`,
          { cause: e },
        )
      } finally {
        await c.end().catch(() => {})
      }
    },
    async fresh(same) {
      const id = same ?? `${RUN}_${schemas.length}`
      if (!same) schemas.push(id)
      return { store: await openStore({ url: PG_URL, schema: id, poolSize: 4 }), id }
    },
    async cleanup() {
      for (const s of schemas) await dropPostgresSchema(PG_URL, s)
    },
  }
}

const T0 = Date.UTC(2026, 2, 1, 12)
const at = (minutes: number) => new Date(T0 + minutes * 60_000)

function finding(cluster: string, name: string, over: Partial<StoredFindingInput> = {}): StoredFindingInput {
  const detector = over.detector ?? 'container-crashloop'
  return {
    detector,
    title: `${detector} title`,
    severity: 'warning',
    category: 'workload',
    cluster,
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name },
    messageId: 'default',
    message: `${name} is failing`,
    evidence: { restarts: 3 },
    remediation: 'fix it',
    runbook: 'https://example.test/runbook',
    fingerprint: `${detector}|${cluster}|${name}`,
    cause: `Deployment/shop/${name}`,
    ...over,
  }
}

function scanOf(
  cluster: string,
  findings: StoredFindingInput[],
  now: Date,
  opts: {
    status?: ClusterStatus
    ran?: string[]
    skipped?: string[]
    labels?: Record<string, string>
    resolveAfter?: Record<string, number>
    fleetThreshold?: number
  } = {},
): RecordScanInput {
  const ran = opts.ran ?? ['container-crashloop', 'image-pull-failure', 'node-version-skew', 'pvc-pending']
  return {
    cluster: {
      name: cluster,
      source: `ctx-${cluster}`,
      labels: opts.labels ?? { team: 'shop', env: 'prod' },
    },
    result: {
      name: cluster,
      source: `ctx-${cluster}`,
      status: opts.status ?? 'scanned',
      objects: 10,
      skipped: opts.skipped ?? [],
      errors:
        opts.status && opts.status !== 'scanned'
          ? [{ source: cluster, message: 'boom', code: 'KDAC_E_LIST_FAILED' }]
          : [],
    },
    findings,
    detectorsRan: ran,
    now,
    ...(opts.resolveAfter ? { resolveAfter: opts.resolveAfter } : {}),
    ...(opts.fleetThreshold ? { fleetThreshold: opts.fleetThreshold } : {}),
  }
}

async function expectCode(p: Promise<unknown>, code: string, text: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e, `expected ${code}`).toBeInstanceOf(Error)
  expect((e as { code?: string }).code).toBe(code)
  expect((e as Error).message).toMatch(text)
}

/** Runs a claimer in another process (the real cross-process case) and returns the ids it claimed. */
function claimInChild(backend: Backend['name'], id: string, dir: string, label: string): Promise<number[]> {
  const script = join(dir, `claimer-${label}.mts`)
  const opts = backend === 'sqlite' ? { file: id } : { url: PG_URL, schema: id, poolSize: 2 }
  writeFileSync(
    script,
    `import { openStore } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))}
const store = await openStore(${JSON.stringify(opts)})
const got: number[] = []
for (;;) {
  const batch = await store.claimDue(new Date(${T0 + 3_600_000}), 3, 600000)
  if (batch.length === 0) break
  for (const m of batch) got.push(m.id)
}
await store.close()
console.log(JSON.stringify(got))
`,
  )
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.stderr.on('data', (d: Buffer) => (err += d.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`claimer exited ${code}: ${err}`))
      else resolve(JSON.parse(out.trim().split('\n').pop() as string) as number[])
    })
  })
}

for (const backend of [sqliteBackend(), postgresBackend()]) {
  describe(`store contract (${backend.name})`, () => {
    const open: Store[] = []
    const fresh = async (same?: string) => {
      const r = await backend.fresh(same)
      open.push(r.store)
      return r
    }
    beforeAll(() => backend.setup())
    afterAll(async () => {
      for (const s of open) await s.close()
      await backend.cleanup()
    })

    it('migrates once: opening the same database twice keeps its data and schema', async () => {
      const { store, id } = await fresh()
      await store.recordScan(scanOf('c1', [finding('c1', 'web')], at(0)))
      await store.close()
      const again = (await fresh(id)).store
      expect((await again.listFindings()).total).toBe(1)
      const third = (await fresh(id)).store
      expect((await third.listClusters()).map((c) => c.name)).toEqual(['c1'])
      expect(await third.ping()).toBe(true)
      await third.optimize()
      expect((await third.listFindings({ cluster: 'c1' })).total).toBe(1)
    })

    it('keeps a finding open across scans: first/last seen, occurrences, refreshed message, severity and evidence', async () => {
      const { store } = await fresh()
      const r1 = await store.recordScan(scanOf('c1', [finding('c1', 'web')], at(0)))
      expect(r1).toMatchObject({ newFindings: 1, reopened: 0, resolvedFindings: 0 })
      let f = await store.getFinding('container-crashloop|c1|web')
      expect(f).toMatchObject({ state: 'open', isNew: true, occurrences: 1, reopenCount: 0 })
      expect(f?.firstSeen).toEqual(at(0))
      const r2 = await store.recordScan(
        scanOf(
          'c1',
          [finding('c1', 'web', { message: 'worse', severity: 'critical', evidence: { restarts: 9 } })],
          at(5),
        ),
      )
      expect(r2).toMatchObject({ newFindings: 0, reopened: 0, resolvedFindings: 0 })
      f = await store.getFinding('container-crashloop|c1|web')
      expect(f).toMatchObject({
        state: 'open',
        isNew: false,
        occurrences: 2,
        message: 'worse',
        severity: 'critical',
        evidence: { restarts: 9 },
      })
      expect(f?.firstSeen).toEqual(at(0))
      expect(f?.lastSeen).toEqual(at(5))
      expect(await store.getFinding('nope')).toBeNull()
    })

    it('resolves a finding its detector no longer reports, and reopens it when it returns (acknowledgement cleared)', async () => {
      const { store } = await fresh()
      await store.recordScan(scanOf('c1', [finding('c1', 'web'), finding('c1', 'api')], at(0)))
      await store.acknowledge('container-crashloop|c1|web', { by: 'ana', comment: 'on it', at: at(1) })
      const r = await store.recordScan(scanOf('c1', [finding('c1', 'api')], at(5)))
      expect(r.resolvedFindings).toBe(1)
      let web = await store.getFinding('container-crashloop|c1|web')
      expect(web).toMatchObject({ state: 'resolved', cleanScans: 1 })
      expect(web?.resolvedAt).toEqual(at(5))
      const back = await store.recordScan(scanOf('c1', [finding('c1', 'api'), finding('c1', 'web')], at(10)))
      expect(back).toMatchObject({ reopened: 1, newFindings: 0 })
      web = await store.getFinding('container-crashloop|c1|web')
      expect(web).toMatchObject({
        state: 'open',
        reopenCount: 1,
        occurrences: 2,
        resolvedAt: null,
        acknowledgement: null,
      })
      expect(web?.firstSeen).toEqual(at(0))
      const scans = await store.listScans({ cluster: 'c1' })
      expect(scans.map((s) => [s.findings, s.newFindings, s.reopenedFindings, s.resolvedFindings])).toEqual([
        [2, 0, 1, 0],
        [1, 0, 0, 1],
        [2, 2, 0, 0],
      ])
    })

    it('resolves nothing on a partial or unreachable scan', async () => {
      const { store } = await fresh()
      await store.recordScan(scanOf('c1', [finding('c1', 'web')], at(0)))
      for (const status of ['partial', 'unreachable'] as const) {
        const r = await store.recordScan(scanOf('c1', [], at(5), { status }))
        expect(r.resolvedFindings).toBe(0)
        expect((await store.getFinding('container-crashloop|c1|web'))?.state).toBe('open')
      }
      const c = await store.getCluster('c1')
      expect(c).toMatchObject({ lastStatus: 'unreachable', lastError: 'boom', scans: 3 })
      expect((await store.recordScan(scanOf('c1', [], at(9)))).resolvedFindings).toBe(1)
    })

    it('resolves nothing for a detector that did not run, while resolving what a detector that ran did not report', async () => {
      const { store } = await fresh()
      await store.recordScan(
        scanOf(
          'c1',
          [finding('c1', 'web'), finding('c1', 'data', { detector: 'pvc-pending', cause: 'PVC/shop/data' })],
          at(0),
        ),
      )
      const r = await store.recordScan(
        scanOf('c1', [], at(5), { ran: ['container-crashloop'], skipped: ['pvc-pending'] }),
      )
      expect(r.resolvedFindings).toBe(1)
      expect((await store.getFinding('pvc-pending|c1|data'))?.state).toBe('open')
      expect((await store.getFinding('container-crashloop|c1|web'))?.state).toBe('resolved')
    })

    it('honours resolveAfter: N clean scans in a row, the count reset when the finding is seen again', async () => {
      const { store } = await fresh()
      const ra = { resolveAfter: { 'container-crashloop': 3 } }
      await store.recordScan(scanOf('c1', [finding('c1', 'web')], at(0), ra))
      await store.recordScan(scanOf('c1', [], at(1), ra))
      await store.recordScan(scanOf('c1', [], at(2), ra))
      expect(await store.getFinding('container-crashloop|c1|web')).toMatchObject({
        state: 'open',
        cleanScans: 2,
      })
      await store.recordScan(scanOf('c1', [finding('c1', 'web')], at(3), ra))
      expect(await store.getFinding('container-crashloop|c1|web')).toMatchObject({
        state: 'open',
        cleanScans: 0,
      })
      await store.recordScan(scanOf('c1', [], at(4), ra))
      await store.recordScan(scanOf('c1', [], at(5), ra))
      expect((await store.recordScan(scanOf('c1', [], at(6), ra))).resolvedFindings).toBe(1)
      expect(await store.getFinding('container-crashloop|c1|web')).toMatchObject({
        state: 'resolved',
        cleanScans: 3,
      })
    })

    it('groups a cluster’s open findings by cause into incidents, escalates on a severity rise, resolves when all members resolve', async () => {
      const { store } = await fresh()
      const pod = (name: string, sev: Severity = 'warning') =>
        finding('c1', name, {
          severity: sev,
          cause: 'Node//node-1',
          object: { apiVersion: 'v1', kind: 'Pod', namespace: 'shop', name },
        })
      const other = finding('c1', 'db', { detector: 'pvc-pending', cause: 'PVC/shop/db', severity: 'info' })
      const r1 = await store.recordScan(scanOf('c1', [pod('a'), pod('b'), other], at(0)))
      expect(r1.opened.map((i) => [i.kind, i.cause, i.members, i.severity]).sort()).toEqual([
        ['cluster', 'Node//node-1', 2, 'warning'],
        ['cluster', 'PVC/shop/db', 1, 'info'],
      ])
      const nodeInc = r1.opened.find((i) => i.cause === 'Node//node-1')!
      expect(nodeInc.title).toBe('container-crashloop title (+1 more)')
      expect((await store.getFinding('container-crashloop|c1|a'))?.incidentId).toBe(nodeInc.id)

      const r2 = await store.recordScan(
        scanOf('c1', [pod('a'), pod('b', 'critical'), pod('c'), other], at(5)),
      )
      expect(r2.opened).toEqual([])
      expect(r2.escalated.map((i) => [i.id, i.severity, i.members])).toEqual([[nodeInc.id, 'critical', 3]])
      // Falling back and rising again to a severity already reached is not a new escalation.
      await store.recordScan(scanOf('c1', [pod('a'), other], at(10)))
      const r4 = await store.recordScan(scanOf('c1', [pod('a', 'critical'), other], at(15)))
      expect(r4.escalated).toEqual([])

      const detail = await store.getIncident(nodeInc.id)
      expect(detail).toMatchObject({
        state: 'open',
        members: 1,
        severity: 'critical',
        peakSeverity: 'critical',
        clusterNames: ['c1'],
      })
      expect(detail?.findings.filter((f) => f.state === 'open').map((f) => f.object.name)).toEqual(['a'])

      const r5 = await store.recordScan(scanOf('c1', [other], at(20)))
      expect(r5.resolved.map((i) => i.id)).toEqual([nodeInc.id])
      expect((await store.getIncident(nodeInc.id))?.resolvedAt).toEqual(at(20))
      const r6 = await store.recordScan(scanOf('c1', [other, pod('a')], at(25)))
      expect(r6.opened).toHaveLength(1)
      expect(r6.opened[0]?.id).not.toBe(nodeInc.id)
      const open = await store.listIncidents({ state: 'open' })
      expect(open.total).toBe(2)
      expect(
        (await store.listIncidents({ state: 'resolved', cluster: 'c1' })).items.map((i) => i.id),
      ).toEqual([nodeInc.id])
    })

    it('opens a fleet incident when the same detector and fleet key is open on enough clusters, and resolves it below', async () => {
      const { store } = await fresh()
      const skew = (c: string, sev: Severity = 'warning') =>
        finding(c, 'node-1', {
          detector: 'node-version-skew',
          title: 'Kubelet version skew',
          fleetKey: 'kubelet v1.27.3',
          severity: sev,
          cause: 'Node//node-1',
          object: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
        })
      const th = { fleetThreshold: 3 }
      expect((await store.recordScan(scanOf('a', [skew('a')], at(0), th))).opened.map((i) => i.kind)).toEqual(
        ['cluster'],
      )
      expect((await store.recordScan(scanOf('b', [skew('b')], at(1), th))).opened.map((i) => i.kind)).toEqual(
        ['cluster'],
      )
      const r3 = await store.recordScan(scanOf('c', [skew('c')], at(2), th))
      const fleet = r3.opened.find((i) => i.kind === 'fleet')!
      expect(fleet).toMatchObject({
        cluster: null,
        detector: 'node-version-skew',
        cause: 'kubelet v1.27.3',
        clusters: 3,
        members: 3,
        severity: 'warning',
        title: '3 clusters have Kubelet version skew (kubelet v1.27.3)',
      })
      const r4 = await store.recordScan(scanOf('d', [skew('d', 'critical')], at(3), th))
      expect(r4.escalated.map((i) => [i.id, i.clusters, i.severity])).toEqual([[fleet.id, 4, 'critical']])
      const detail = await store.getIncident(fleet.id)
      expect(detail?.clusterNames).toEqual(['a', 'b', 'c', 'd'])
      expect(detail?.findings).toHaveLength(4)
      expect((await store.listFindings({ incidentId: fleet.id })).total).toBe(4)
      // d leaves: the highest severity falls back to warning (the max is recomputed).
      await store.recordScan(scanOf('d', [], at(4), th))
      expect(await store.getIncident(fleet.id)).toMatchObject({
        clusters: 3,
        severity: 'warning',
        peakSeverity: 'critical',
      })
      const r6 = await store.recordScan(scanOf('c', [], at(5), th))
      expect(r6.resolved.map((i) => [i.kind, i.id])).toContainEqual(['fleet', fleet.id])
      expect(await store.getIncident(fleet.id)).toMatchObject({ state: 'resolved', clusters: 2 })
    })

    it('counts fleet clusters exactly when many clusters are recorded at once', async () => {
      const { store } = await fresh()
      const names = Array.from({ length: 12 }, (_, i) => `k${i}`)
      const results = await Promise.all(
        names.map((c, i) =>
          store.recordScan(
            scanOf(
              c,
              [
                finding(c, 'pull', { detector: 'image-pull-failure', fleetKey: 'registry.example.test' }),
                finding(c, 'node', { detector: 'node-version-skew', fleetKey: `kubelet-${i % 2}` }),
              ],
              at(i),
            ),
          ),
        ),
      )
      const openedFleet = results.flatMap((r) => r.opened).filter((i) => i.kind === 'fleet')
      expect(openedFleet).toHaveLength(3)
      const fleets = (await store.listIncidents({ kind: 'fleet', state: 'open' })).items
      expect(fleets.map((i) => [i.cause, i.clusters, i.members]).sort()).toEqual([
        ['kubelet-0', 6, 6],
        ['kubelet-1', 6, 6],
        ['registry.example.test', 12, 12],
      ])
    })

    it('keeps the open counters equal to the findings through severity changes, resolves, reopens and silences', async () => {
      const { store } = await fresh()
      const f = (c: string, n: string, sev: Severity, detector = 'container-crashloop') =>
        finding(c, n, { severity: sev, detector, fleetKey: 'k' })
      const steps: [string, StoredFindingInput[], { status?: ClusterStatus }?][] = [
        ['a', [f('a', 'x', 'warning'), f('a', 'y', 'critical'), f('a', 'z', 'info', 'pvc-pending')]],
        ['b', [f('b', 'x', 'warning'), f('b', 'y', 'warning')]],
        ['a', [f('a', 'x', 'critical'), f('a', 'z', 'warning', 'pvc-pending')]],
        ['b', [], { status: 'partial' }],
        ['b', [f('b', 'y', 'info')]],
        ['a', [f('a', 'y', 'critical'), f('a', 'x', 'critical')]],
      ]
      let t = 0
      for (const [c, fs, o] of steps) await store.recordScan(scanOf(c, fs, at(t++), o ?? {}))
      await store.createSilence(
        { matchers: { cluster: 'a' }, owner: 'o', reason: 'r', createdBy: 'me', expiresAt: at(100) },
        at(t),
      )
      const expected = new Map<string, { open: number; silenced: number }>()
      for (const x of (await store.listFindings({ state: 'open' }, undefined, { limit: 1000 })).items) {
        const k = `${x.severity}/${x.detector}`
        const e = expected.get(k) ?? { open: 0, silenced: 0 }
        if (x.silencedUntil && x.silencedUntil > at(t)) e.silenced++
        else e.open++
        expected.set(k, e)
      }
      const counts = await store.openFindingsBySeverityAndDetector(at(t))
      expect(
        new Map(counts.map((c) => [`${c.severity}/${c.detector}`, { open: c.open, silenced: c.silenced }])),
      ).toEqual(expected)
      expect(counts.reduce((n, c) => n + c.silenced, 0)).toBe(2)
    })

    it('writes concurrent scans of one cluster in the order they were submitted', async () => {
      const { store } = await fresh()
      const [r1, r2, r3] = await Promise.all([
        store.recordScan(scanOf('c1', [finding('c1', 'web'), finding('c1', 'api')], at(0))),
        store.recordScan(scanOf('c1', [finding('c1', 'api')], at(1))),
        store.recordScan(scanOf('c1', [finding('c1', 'api'), finding('c1', 'web')], at(2))),
      ])
      expect([r1?.newFindings, r2?.resolvedFindings, r3?.reopened]).toEqual([2, 1, 1])
      expect((await store.getFinding('container-crashloop|c1|web'))?.reopenCount).toBe(1)
      expect(new Set([r1?.scanId, r2?.scanId, r3?.scanId]).size).toBe(3)
    })

    it('counts page totals up to a limit, and says when the total is a lower bound', async () => {
      const { store } = await fresh()
      await store.recordScan(
        scanOf(
          'c1',
          Array.from({ length: 30 }, (_, i) => finding('c1', `w${i}`)),
          at(0),
        ),
      )
      expect(await store.listFindings({}, undefined, { limit: 5, countLimit: 10 })).toMatchObject({
        total: 10,
        totalExact: false,
      })
      expect(await store.listFindings({}, undefined, { limit: 5 })).toMatchObject({
        total: 30,
        totalExact: true,
      })
      const inc = await store.listIncidents({}, { limit: 20, countLimit: 25 })
      expect(inc).toMatchObject({ total: 25, totalExact: false, nextCursor: '20' })
      expect(await store.listIncidents({}, { limit: 20, offset: 20 })).toMatchObject({
        total: 30,
        totalExact: true,
        nextCursor: null,
      })
    })

    it('never lets a finding of one cluster take over another cluster’s fingerprint', async () => {
      const { store } = await fresh()
      await store.recordScan(scanOf('c1', [finding('c1', 'web', { fingerprint: 'same' })], at(0)))
      await store.recordScan(
        scanOf('c2', [finding('c2', 'web', { fingerprint: 'same', message: 'intruder' })], at(1)),
      )
      expect(await store.getFinding('same')).toMatchObject({ cluster: 'c1', message: 'web is failing' })
    })

    it('acknowledges and snoozes findings, and refuses unknown ones', async () => {
      const { store } = await fresh()
      await store.recordScan(scanOf('c1', [finding('c1', 'web'), finding('c1', 'api')], at(0)))
      const f = await store.acknowledge('container-crashloop|c1|web', {
        by: 'ana',
        comment: 'ticket OPS-1',
        at: at(1),
      })
      expect(f.acknowledgement).toEqual({ by: 'ana', at: at(1), comment: 'ticket OPS-1' })
      expect((await store.listFindings({ acknowledged: true })).items.map((x) => x.object.name)).toEqual([
        'web',
      ])
      expect((await store.unacknowledge('container-crashloop|c1|web')).acknowledgement).toBeNull()
      const s = await store.snooze('container-crashloop|c1|api', at(60))
      expect(s.snoozedUntil).toEqual(at(60))
      expect((await store.listFindings({ snoozed: true, now: at(30) })).total).toBe(1)
      expect((await store.listFindings({ snoozed: true, now: at(61) })).total).toBe(0)
      expect((await store.snooze('container-crashloop|c1|api', null)).snoozedUntil).toBeNull()
      await expectCode(store.acknowledge('missing', { by: 'ana', at: at(1) }), 'KDAC_E_NOT_FOUND', /missing/)
      await expectCode(store.snooze('missing', at(2)), 'KDAC_E_NOT_FOUND', /missing/)
      await expectCode(
        store.acknowledge('container-crashloop|c1|web', { by: ' ', at: at(1) }),
        'KDAC_E_STORE_INPUT',
        /by is empty/,
      )
    })

    it('silences findings by matchers, counts them apart, and stops silencing everywhere when the silence expires', async () => {
      const { store } = await fresh()
      await store.recordScan(
        scanOf('c1', [finding('c1', 'web', { objectLabels: { app: 'web' } }), finding('c1', 'api')], at(0)),
      )
      await store.recordScan(
        scanOf('c2', [finding('c2', 'web')], at(0), { labels: { team: 'data', env: 'dev' } }),
      )
      const sil = await store.createSilence(
        {
          matchers: {
            detector: 'container-crashloop',
            clusterLabels: { team: 'shop' },
            objectLabels: { app: 'web' },
          },
          owner: 'shop-team',
          reason: 'known, rollout pending',
          ticket: 'OPS-7',
          createdBy: 'ana',
          expiresAt: at(60),
        },
        at(1),
      )
      expect(sil).toMatchObject({ origin: 'api', owner: 'shop-team', ticket: 'OPS-7' })
      expect(sil.expiresAt).toEqual(at(60))
      const silenced = await store.listFindings({ silenced: true, now: at(2) })
      expect(silenced.items.map((f) => f.fingerprint)).toEqual(['container-crashloop|c1|web'])
      expect(silenced.items[0]?.silencedBy).toBe(sil.id)
      expect((await store.listFindings({ silenced: false, now: at(2) })).total).toBe(2)
      expect(await store.openFindingsBySeverityAndDetector(at(2))).toEqual([
        { severity: 'warning', detector: 'container-crashloop', open: 2, silenced: 1 },
      ])
      // A new scan keeps it silenced; time passing past the expiry unsilences it with no write.
      await store.recordScan(
        scanOf('c1', [finding('c1', 'web', { objectLabels: { app: 'web' } }), finding('c1', 'api')], at(3)),
      )
      expect((await store.listFindings({ silenced: true, now: at(4) })).total).toBe(1)
      expect((await store.listFindings({ silenced: true, now: at(61) })).total).toBe(0)
      expect(await store.openFindingsBySeverityAndDetector(at(61))).toEqual([
        { severity: 'warning', detector: 'container-crashloop', open: 3, silenced: 0 },
      ])
      // Cluster labels change: the silence no longer matches c1.
      await store.recordScan(scanOf('c1', [finding('c1', 'api')], at(5), { labels: { team: 'other' } }))
      expect((await store.listFindings({ silenced: true, now: at(6) })).total).toBe(0)
      expect((await store.listClusters({ labels: { team: 'other' } })).map((c) => c.name)).toEqual(['c1'])
      await store.recordScan(scanOf('c1', [finding('c1', 'api')], at(7)))
      expect((await store.listFindings({ silenced: true, now: at(8) })).total).toBe(1)

      expect(await store.expireSilence(sil.id, at(9))).toBe(true)
      expect((await store.listFindings({ silenced: true, now: at(9) })).total).toBe(0)
      expect((await store.listSilences({ activeAt: at(10) })).length).toBe(0)
      expect((await store.listSilences()).map((s) => s.id)).toEqual([sil.id])
      expect(await store.deleteSilence(sil.id, at(11))).toBe(true)
      expect(await store.deleteSilence(sil.id, at(11))).toBe(false)
      expect(await store.expireSilence('nope', at(11))).toBe(false)
      await expectCode(
        store.createSilence(
          { matchers: [], owner: 'x', reason: 'y', createdBy: 'z', expiresAt: null },
          at(1),
        ),
        'KDAC_E_STORE_INPUT',
        /matchers must be an object/,
      )
    })

    it('matches silences by the rules of silences.yaml: globs, ~regex, no namespace on cluster-scoped objects', async () => {
      const { store } = await fresh()
      await store.recordScan(
        scanOf(
          'prod-eu-1',
          [
            finding('prod-eu-1', 'web'),
            finding('prod-eu-1', 'node-1', {
              detector: 'node-version-skew',
              object: { apiVersion: 'v1', kind: 'Node', name: 'node-1' },
            }),
          ],
          at(0),
        ),
      )
      const silenced = async (matchers: Record<string, unknown>) => {
        const s = await store.createSilence(
          { matchers, owner: 'o', reason: 'r', createdBy: 'me', expiresAt: at(60) },
          at(1),
        )
        const names = (await store.listFindings({ silenced: true, now: at(2) })).items
          .map((f) => f.object.name)
          .sort()
        await store.deleteSilence(s.id, at(1))
        return names
      }
      expect(await silenced({ detector: 'container-*' })).toEqual(['web'])
      expect(await silenced({ cluster: '~prod-(eu|us)-\\d+' })).toEqual(['node-1', 'web'])
      expect(await silenced({ namespace: '*' })).toEqual(['web'])
      expect(await silenced({ cluster: 'prod' })).toEqual([])
    })

    it('syncs file silences idempotently and lists the ones expiring soon', async () => {
      const { store } = await fresh()
      await store.recordScan(scanOf('c1', [finding('c1', 'web')], at(0)))
      const file = [
        {
          id: 'mute-web',
          matchers: { cluster: 'c1' },
          owner: 'o',
          reason: 'r',
          createdBy: 'silences.yaml',
          expiresAt: at(30),
        },
        {
          matchers: { namespace: 'kube-system' },
          owner: 'o',
          reason: 'r2',
          createdBy: 'silences.yaml',
          expiresAt: at(600),
        },
      ]
      expect(await store.replaceFileSilences(file, at(1))).toEqual({ added: 2, updated: 0, removed: 0 })
      expect(await store.replaceFileSilences(file, at(2))).toEqual({ added: 0, updated: 0, removed: 0 })
      expect((await store.listFindings({ silenced: true, now: at(3) })).total).toBe(1)
      const api = await store.createSilence(
        { matchers: { detector: 'x' }, owner: 'o', reason: 'r', createdBy: 'api', expiresAt: null },
        at(3),
      )
      expect((await store.listSilences({ expiringBefore: at(60) })).map((s) => s.id)).toEqual(['mute-web'])
      expect(await store.replaceFileSilences([{ ...file[0]!, expiresAt: at(40) }], at(4))).toEqual({
        added: 0,
        updated: 1,
        removed: 1,
      })
      expect((await store.listSilences({ origin: 'file' })).map((s) => [s.id, s.expiresAt])).toEqual([
        ['mute-web', at(40)],
      ])
      expect(await store.getSilence(api.id)).toMatchObject({ origin: 'api' })
      expect(await store.replaceFileSilences([], at(5))).toEqual({ added: 0, updated: 0, removed: 1 })
      expect((await store.listFindings({ silenced: true, now: at(6) })).total).toBe(0)
      await expectCode(
        store.replaceFileSilences([{ ...file[0]!, id: api.id }], at(6)),
        'KDAC_E_STORE_INPUT',
        /API silence has this id/,
      )
    })

    it('lists findings with filters, sorts and pages (cursor and offset), with totals', async () => {
      const { store } = await fresh()
      const mk = (c: string, i: number): StoredFindingInput =>
        finding(c, `w${i}`, {
          detector: i % 2 ? 'container-crashloop' : 'pvc-pending',
          severity: (['critical', 'warning', 'info'] as const)[i % 3],
          object:
            i % 5 === 0
              ? { apiVersion: 'v1', kind: 'Node', name: `n${i}` }
              : { apiVersion: 'apps/v1', kind: 'Deployment', namespace: `ns${i % 4}`, name: `w${i}` },
        })
      await store.recordScan(
        scanOf(
          'east',
          Array.from({ length: 30 }, (_, i) => mk('east', i)),
          at(0),
        ),
      )
      await store.recordScan(
        scanOf(
          'west',
          Array.from({ length: 20 }, (_, i) => mk('west', i)),
          at(1),
          { labels: { team: 'data' } },
        ),
      )
      await store.recordScan(
        scanOf(
          'west',
          Array.from({ length: 10 }, (_, i) => mk('west', i)),
          at(2),
          { labels: { team: 'data' } },
        ),
      )
      expect((await store.listFindings()).total).toBe(50)
      expect((await store.listFindings({ state: 'open' })).total).toBe(40)
      expect((await store.listFindings({ state: 'resolved' })).total).toBe(10)
      expect((await store.listFindings({ cluster: 'west' })).total).toBe(20)
      expect((await store.listFindings({ cluster: ['west', 'east'] })).total).toBe(50)
      expect((await store.listFindings({ clusterLabels: { team: 'data' } })).total).toBe(20)
      expect((await store.listFindings({ clusterLabels: { team: 'data', env: 'prod' } })).total).toBe(0)
      expect((await store.listFindings({ detector: 'pvc-pending', cluster: 'east' })).total).toBe(15)
      expect((await store.listFindings({ severity: 'critical', cluster: 'east' })).total).toBe(10)
      expect((await store.listFindings({ severity: ['critical', 'info'], cluster: 'east' })).total).toBe(20)
      expect((await store.listFindings({ namespace: '', cluster: 'east' })).total).toBe(6)
      expect((await store.listFindings({ namespace: 'ns1', cluster: 'east' })).total).toBe(6)

      for (const field of ['lastSeen', 'firstSeen', 'severity', 'cluster', 'detector'] as const)
        for (const dir of ['asc', 'desc'] as const) {
          const seen: string[] = []
          let cursor: string | null = null
          let pages = 0
          do {
            const page = await store.listFindings({}, { field, dir }, { limit: 7, cursor })
            expect(page.total).toBe(50)
            seen.push(...page.items.map((f) => f.fingerprint))
            cursor = page.nextCursor
            pages++
          } while (cursor)
          expect(pages).toBe(8)
          expect(new Set(seen).size).toBe(50)
          const all = (await store.listFindings({}, { field, dir }, { limit: 50 })).items
          expect(all.map((f) => f.fingerprint)).toEqual(seen)
          const key = (f: (typeof all)[number]) =>
            field === 'severity'
              ? ['info', 'warning', 'critical'].indexOf(f.severity)
              : field === 'lastSeen'
                ? f.lastSeen.getTime()
                : field === 'firstSeen'
                  ? f.firstSeen.getTime()
                  : f[field]
          for (let i = 1; i < all.length; i++) {
            const a = key(all[i - 1]!)
            const b = key(all[i]!)
            expect(dir === 'asc' ? a <= b : a >= b, `${field} ${dir} at ${i}`).toBe(true)
          }
        }
      // Last-seen pages without one state and one severity merge a read per (state, severity):
      // the same rows in the same order (the fingerprint breaks ties) as sorting them all.
      const everything = (await store.listFindings({}, { field: 'cluster', dir: 'asc' }, { limit: 50 })).items
      const filters: { state?: 'open'; severity?: Severity[] }[] = [
        {},
        { state: 'open' },
        { severity: ['critical', 'info'] },
      ]
      for (const filter of filters)
        for (const dir of ['asc', 'desc'] as const) {
          const sign = dir === 'asc' ? 1 : -1
          const want = everything
            .filter((f) => filter.state === undefined || f.state === filter.state)
            .filter((f) => filter.severity === undefined || filter.severity.includes(f.severity))
            .sort(
              (a, b) =>
                sign * (a.lastSeen.getTime() - b.lastSeen.getTime()) ||
                sign * (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0),
            )
            .map((f) => f.fingerprint)
          const seen: string[] = []
          let cursor: string | null = null
          do {
            const page = await store.listFindings(filter, { field: 'lastSeen', dir }, { limit: 7, cursor })
            seen.push(...page.items.map((f) => f.fingerprint))
            cursor = page.nextCursor
          } while (cursor)
          expect(seen, `${JSON.stringify(filter)} ${dir}`).toEqual(want)
          const second = await store.listFindings(filter, { field: 'lastSeen', dir }, { limit: 7, offset: 7 })
          expect(second.items.map((f) => f.fingerprint)).toEqual(want.slice(7, 14))
        }

      const byOffset = await store.listFindings(
        {},
        { field: 'cluster', dir: 'asc' },
        { limit: 10, offset: 45 },
      )
      expect(byOffset.items).toHaveLength(5)
      expect(byOffset.nextCursor).toBeNull()
      await expectCode(store.listFindings({}, undefined, { limit: 0 }), 'KDAC_E_STORE_INPUT', /limit/)
      await expectCode(
        store.listFindings({}, undefined, { limit: 5, cursor: 'garbage' }),
        'KDAC_E_STORE_INPUT',
        /cursor/,
      )
      await expectCode(
        store.listFindings({}, { field: 'bogus' as 'cluster', dir: 'asc' }),
        'KDAC_E_STORE_INPUT',
        /sort field/,
      )
      await expectCode(
        store.listFindings({ severity: 'fatal' as Severity }),
        'KDAC_E_STORE_INPUT',
        /severity/,
      )
      // SQL-looking input is data, never SQL.
      expect((await store.listFindings({ cluster: "east' or '1'='1" })).total).toBe(0)
    })

    it('lists clusters and scans, counts clusters by their last scan status; marks incidents notified', async () => {
      const { store } = await fresh()
      await store.recordScan({ ...scanOf('c1', [finding('c1', 'web')], at(1)), startedAt: at(0) })
      await store.recordScan(scanOf('c2', [], at(2), { status: 'partial' }))
      const clusters = await store.listClusters()
      expect(clusters.map((c) => [c.name, c.lastStatus, c.labels])).toEqual([
        ['c1', 'scanned', { env: 'prod', team: 'shop' }],
        ['c2', 'partial', { env: 'prod', team: 'shop' }],
      ])
      expect(await store.clustersByStatus()).toEqual([
        { status: 'partial', clusters: 1 },
        { status: 'scanned', clusters: 1 },
      ])
      const scans = await store.listScans()
      expect(scans.map((s) => s.cluster)).toEqual(['c2', 'c1'])
      expect(scans[0]).toMatchObject({ status: 'partial', errors: [{ message: 'boom' }] })
      // A scan keeps when it started (its duration for the metrics), or its finish when not given.
      expect(scans.map((s) => [s.startedAt, s.finishedAt, s.findings])).toEqual([
        [at(2), at(2), 0],
        [at(0), at(1), 1],
      ])
      expect((await store.listScans({ beforeId: scans[0]!.id })).map((s) => s.cluster)).toEqual(['c1'])
      const inc = (await store.listIncidents({ notified: false })).items
      expect(inc).toHaveLength(1)
      await store.markIncidentNotified(inc[0]!.id, at(3))
      expect((await store.listIncidents({ notified: true })).items[0]?.lastNotifiedAt).toEqual(at(3))
      await expectCode(store.markIncidentNotified('nope', at(3)), 'KDAC_E_NOT_FOUND', /incident nope/)
      // Only the last scan counts: c2 scanned completely moves from partial to scanned.
      await store.recordScan(scanOf('c2', [], at(4)))
      expect(await store.clustersByStatus()).toEqual([{ status: 'scanned', clusters: 2 }])
    })

    it('refuses bad input with an error naming the finding and field, and writes nothing', async () => {
      const { store } = await fresh()
      const bad = async (f: Partial<StoredFindingInput>, text: RegExp) =>
        expectCode(
          store.recordScan(scanOf('c1', [finding('c1', 'ok'), finding('c1', 'x', f)], at(0))),
          'KDAC_E_STORE_INPUT',
          text,
        )
      await bad(
        { severity: 'fatal' as Severity },
        /finding 1 .*unknown severity "fatal"; expected one of critical, warning, info/,
      )
      await bad(
        { message: 'm'.repeat(70_000) },
        /finding 1 .*message is 70000 characters long; the limit is 65536/,
      )
      await bad({ cluster: 'other' }, /belongs to cluster "other"/)
      await bad(
        { evidence: { n: 1n } as unknown as Record<string, unknown> },
        /evidence cannot be stored as JSON/,
      )
      await bad(
        { evidence: { big: 'x'.repeat(1_100_000) } },
        /evidence is \d+ bytes of JSON; the limit is 1048576/,
      )
      await bad({ title: 'a\u0000b' }, /title contains a NUL character/)
      await bad({ cause: '' }, /cause is empty/)
      await bad({ object: undefined as unknown as StoredFindingInput['object'] }, /object is missing/)
      await expectCode(
        store.recordScan({ ...scanOf('c1', [], at(0)), now: new Date('nope') }),
        'KDAC_E_STORE_INPUT',
        /now must be a valid Date/,
      )
      await expectCode(
        store.recordScan(scanOf('c1', [], at(0), { resolveAfter: { x: 0 } })),
        'KDAC_E_STORE_INPUT',
        /resolveAfter.x must be a positive integer/,
      )
      await expectCode(
        store.recordScan({
          ...scanOf('c1', [], at(0)),
          result: { ...scanOf('c1', [], at(0)).result, status: 'done' as ClusterStatus },
        }),
        'KDAC_E_STORE_INPUT',
        /unknown scan status "done"/,
      )
      expect(await store.listClusters()).toEqual([])
      expect((await store.listFindings()).total).toBe(0)
    })

    it('stores identities as long as the limits allow (multibyte too), and refuses longer ones by name', async () => {
      const { store } = await fresh()
      const wide = (n: number) => 'é'.repeat(n)
      const cluster = wide(253)
      const f = finding(cluster, 'x', {
        detector: `d${wide(252)}`,
        cluster,
        fingerprint: wide(256),
        cause: wide(1024),
        fleetKey: wide(256),
        object: { apiVersion: 'v1', kind: 'Pod', namespace: wide(253), name: wide(1024) },
        objectLabels: { [wide(317)]: wide(1024) },
      })
      const r = await store.recordScan({
        ...scanOf(cluster, [f], at(0), { ran: [f.detector] }),
        cluster: { name: cluster, source: 's', labels: { [wide(317)]: wide(253) } },
      })
      expect(r.opened).toHaveLength(1)
      expect((await store.getFinding(wide(256)))?.cause).toBe(wide(1024))
      await store.acknowledge(wide(256), { by: wide(1024), at: at(1) })
      await store.enqueue(
        [{ key: wide(256), receiver: wide(1024), event: 'open', incidentId: wide(256), payload: {} }],
        at(0),
      )
      expect(
        await store.enqueue(
          [{ key: wide(256), receiver: 'r', event: 'open', incidentId: 'i', payload: {} }],
          at(0),
        ),
      ).toBe(0)
      await expectCode(
        store.recordScan(
          scanOf('c1', [finding('c1', 'y', { detector: 'd'.repeat(254), fingerprint: 'fp' })], at(0)),
        ),
        'KDAC_E_STORE_INPUT',
        /detector is 254 characters long; the limit is 253/,
      )
      await expectCode(
        store.recordScan({
          ...scanOf('c1', [], at(0)),
          cluster: { name: 'c1', source: 's', labels: { team: 'x'.repeat(254) } },
        }),
        'KDAC_E_STORE_INPUT',
        /labels.team is 254 characters long/,
      )
    })

    it('outbox: idempotent enqueue, leased claims, sent and failed, retries', async () => {
      const { store } = await fresh()
      const msg = (key: string) => ({
        key,
        receiver: 'am',
        event: 'open' as const,
        incidentId: 'i1',
        payload: { k: key },
      })
      expect(await store.enqueue([msg('a'), msg('b'), msg('a')], at(0))).toBe(2)
      expect(await store.enqueue([msg('a'), msg('c')], at(1))).toBe(1)
      expect(await store.outboxStats()).toEqual({ pending: 3, sent: 0, failed: 0 })
      expect(await store.claimDue(new Date(T0 - 1), 10, 60_000)).toEqual([])
      const first = await store.claimDue(at(2), 2, 60_000)
      expect(first.map((m) => [m.key, m.attempts, m.payload])).toEqual([
        ['a', 1, { k: 'a' }],
        ['b', 1, { k: 'b' }],
      ])
      expect(first[0]?.createdAt).toEqual(at(0))
      // Leased: not claimable again until the lease runs out (a crashed sender's messages come back).
      expect((await store.claimDue(at(2), 10, 600_000)).map((m) => m.key)).toEqual(['c'])
      expect(await store.claimDue(at(2.5), 10, 60_000)).toEqual([])
      const again = await store.claimDue(at(3.5), 10, 60_000)
      expect(again.map((m) => [m.key, m.attempts])).toEqual([
        ['a', 2],
        ['b', 2],
      ])
      await store.markSent(again[0]!.id, at(4))
      await store.markFailed(again[1]!.id, 'HTTP 503', at(10))
      expect(await store.claimDue(at(9), 10, 60_000)).toEqual([])
      const retry = await store.claimDue(at(10), 10, 60_000)
      expect(retry.map((m) => [m.key, m.attempts])).toEqual([['b', 3]])
      expect(retry[0]?.nextAttemptAt).toEqual(at(10))
      await store.markFailed(retry[0]!.id, 'HTTP 400', null)
      expect(await store.outboxStats()).toEqual({ pending: 1, sent: 1, failed: 1 })
      expect(await store.claimDue(at(100), 10, 60_000)).toHaveLength(1)
      await expectCode(store.markFailed(retry[0]!.id, 'again', at(200)), 'KDAC_E_NOT_FOUND', /outbox message/)
      await expectCode(store.markSent(99_999, at(1)), 'KDAC_E_NOT_FOUND', /outbox message 99999/)
      await expectCode(
        store.enqueue([{ ...msg('z'), event: 'boom' as 'open' }], at(1)),
        'KDAC_E_STORE_INPUT',
        /unknown event "boom"/,
      )
    })

    it('outbox: two stores and two processes claiming at once never get the same message', async () => {
      const { store, id } = await fresh()
      const second = (await fresh(id)).store
      const msgs = Array.from({ length: 120 }, (_, i) => ({
        key: `k${i}`,
        receiver: 'r',
        event: 'open' as const,
        incidentId: `i${i}`,
        payload: i,
      }))
      expect(await store.enqueue(msgs.slice(0, 60), at(0))).toBe(60)
      const claimed: number[] = []
      for (let round = 0; round < 10; round++) {
        const [a, b] = await Promise.all([
          store.claimDue(at(1), 4, 3_600_000),
          second.claimDue(at(1), 4, 3_600_000),
        ])
        claimed.push(...a.map((m) => m.id), ...b.map((m) => m.id))
      }
      expect(claimed).toHaveLength(60)
      expect(new Set(claimed).size).toBe(60)

      expect(await store.enqueue(msgs.slice(60), at(0))).toBe(60)
      const dir = mkdtempSync(join(tmpdir(), 'kubedac-claim-'))
      try {
        const [x, y] = await Promise.all([
          claimInChild(backend.name, id, dir, 'x'),
          claimInChild(backend.name, id, dir, 'y'),
        ])
        expect(x.length + y.length).toBe(60)
        expect(new Set([...x, ...y]).size).toBe(60)
        expect([...x, ...y].some((i) => claimed.includes(i))).toBe(false)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    })
  })
}

describe('openStore', () => {
  it('refuses a URL that is not PostgreSQL, and never shows a password', async () => {
    await expectCode(openStore({ url: 'mysql://u:secret@127.0.0.1/db' }), 'KDAC_E_STORE_OPEN', /not postgres/)
    const e = await openStore({ url: 'postgres://u:hunter2@127.0.0.1:1/db' }).catch((x: unknown) => x)
    expect((e as { code?: string }).code).toBe('KDAC_E_STORE_OPEN')
    expect((e as Error).message).toMatch(/PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/db/)
    expect((e as Error).message).not.toMatch(/hunter2/)
  })

  it('names the SQLite file it cannot open', async () => {
    await expectCode(
      openStore({ file: '/nonexistent-dir/x/kubedac.db' }),
      'KDAC_E_STORE_OPEN',
      /nonexistent-dir/,
    )
  })
})
