import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dropPostgresSchema, openStore } from '../src/store/index.js'
import type { StoredFinding } from '../src/store/types.js'
import { startLocalReceiver, type LocalReceiver } from './support/local-receiver.js'
import { FLEET, serveOnce, startServe, tempDir } from './support/serve.js'

// `kubedac serve` killed with SIGKILL at the worst moments, then started again: nothing recorded
// is lost or half-written, and no notification takes effect twice.

const SECRET = 'whsec-kill-0123456789abcdef'
const env = { KDAC_KILL_WEBHOOK_SECRET: SECRET }

let tmp: ReturnType<typeof tempDir>
let receiver: LocalReceiver

/** A fleet of `copies` × the example fleet's clusters, as one folder of cluster folders. */
function bigFleet(dir: string, copies: number): string[] {
  const names: string[] = []
  for (let i = 0; i < copies; i++)
    for (const c of readdirSync(FLEET)) {
      const name = `${c}-${String(i).padStart(2, '0')}`
      cpSync(join(FLEET, c), join(dir, name), { recursive: true })
      names.push(name)
    }
  return names.sort()
}

function config(dir: string, url: string, more = '') {
  writeFileSync(
    join(dir, 'kubedac.yaml'),
    `notifications:
  receivers:
    - name: hook
      type: webhook
      url: ${url}/hook
      secretEnv: KDAC_KILL_WEBHOOK_SECRET
  defaultReceivers: [hook]
${more}`,
  )
}

async function allFindings(db: string): Promise<StoredFinding[]> {
  const store = await openStore({ file: db })
  try {
    const out: StoredFinding[] = []
    let cursor: string | null = null
    do {
      const page = await store.listFindings({}, undefined, { limit: 1000, cursor })
      out.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    return out
  } finally {
    await store.close()
  }
}

beforeAll(async () => {
  tmp = tempDir()
  receiver = await startLocalReceiver({ secret: SECRET, delayMs: 150 })
})

afterAll(async () => {
  await receiver?.close()
  tmp?.remove()
})

describe('kubedac serve killed with SIGKILL and restarted', () => {
  it('loses nothing and half-writes nothing when killed in the middle of a scan', async () => {
    const dir = join(tmp.dir, 'scan-kill')
    const fleet = join(dir, 'fleet')
    const names = bigFleet(fleet, 10)
    config(dir, receiver.url)
    const args = ['fleet', '--database', 'kubedac.db', '--concurrency', '2']
    const p = startServe([...args, '--interval', '1h', '--listen', '127.0.0.1:0'], { cwd: dir, env })
    let started: string[] = []
    try {
      // Wait until some scans are recorded and another has started but not finished, then kill.
      await p.waitFor(
        () => {
          const recorded = new Set(p.logs.filter((l) => l.msg === 'scan recorded').map((l) => l.cluster))
          started = p.logs
            .filter((l) => l.msg === 'scan started' && !recorded.has(l.cluster))
            .map((l) => l.cluster as string)
          return recorded.size >= 3 && started.length > 0
        },
        60_000,
        'a scan in progress',
      )
    } finally {
      await p.kill('SIGKILL')
    }
    const recordedBefore = new Set(
      p.logs.filter((l) => l.msg === 'scan recorded').map((l) => l.cluster as string),
    )
    expect(recordedBefore.size, 'killed before the round ended').toBeLessThan(names.length)
    expect(started.length).toBeGreaterThan(0)

    // The database is intact, and holds whole scans only.
    const raw = new BetterSqlite3(join(dir, 'kubedac.db'))
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok')
    raw.close()

    const again = await serveOnce(args, { cwd: dir, env })
    expect(
      again.code,
      JSON.stringify([...again.logs.filter((l) => l.level !== 'info'), ...again.other]),
    ).toBe(0)

    const store = await openStore({ file: join(dir, 'kubedac.db') })
    const clusters = await store.listClusters()
    const scans = await store.listScans({ limit: 1000 })
    await store.close()
    expect(clusters.map((c) => c.name).sort()).toEqual(names)
    const scansOf = new Map<string, number>()
    for (const s of scans) scansOf.set(s.cluster, (scansOf.get(s.cluster) ?? 0) + 1)
    for (const n of names) expect(scansOf.get(n), n).toBe(recordedBefore.has(n) ? 2 : 1)
    // Every finding was seen by every recorded scan of its cluster (the fleet did not change):
    // a scan half-recorded at the kill would show as a count that does not match.
    const findings = await allFindings(join(dir, 'kubedac.db'))
    for (const f of findings) expect(f.occurrences, `${f.cluster} ${f.detector}`).toBe(scansOf.get(f.cluster))
    // And the findings are exactly those of one clean scan of each cluster.
    const ref = join(dir, 'reference.db')
    const clean = await serveOnce(['fleet', '--database', ref], { cwd: dir, env: { ...env } })
    expect(clean.code).toBe(0)
    const want = (await allFindings(ref)).map((f) => f.fingerprint).sort()
    expect(findings.map((f) => f.fingerprint).sort()).toEqual(want)
  }, 180_000)

  it('at-least-once delivery with idempotency keys: killed in the middle of a notification burst, the restart delivers every message and the receiver applies each key exactly once', async () => {
    const dir = join(tmp.dir, 'notify-kill')
    bigFleet(join(dir, 'fleet'), 6)
    config(dir, receiver.url)
    const args = ['fleet', '--database', 'kubedac.db', '--notify-lease', '2s']
    const first = receiver.requests.length
    const p = startServe([...args, '--interval', '1h', '--listen', '127.0.0.1:0'], { cwd: dir, env })
    try {
      await receiver.waitFor(first + 15, 90_000)
    } finally {
      await p.kill('SIGKILL')
    }
    const atKill = receiver.requests.length - first
    const store = await openStore({ file: join(dir, 'kubedac.db') })
    const before = await store.outboxStats()
    await store.close()
    expect(before.pending, 'messages were still to send when it died').toBeGreaterThan(0)

    // Let the dead process's claims run out, then start again.
    await new Promise((r) => setTimeout(r, 2500))
    const again = await serveOnce(args, { cwd: dir, env })
    expect(
      again.code,
      JSON.stringify([...again.logs.filter((l) => l.level !== 'info'), ...again.other]),
    ).toBe(0)

    const s2 = await openStore({ file: join(dir, 'kubedac.db') })
    const after = await s2.outboxStats()
    await s2.close()
    const problems = JSON.stringify(again.logs.filter((l) => l.level !== 'info'))
    expect(after.pending, problems).toBe(0)
    expect(after.failed, problems).toBe(0)
    const mine = receiver.requests.slice(first)
    const keys = new Set(mine.map((r) => r.headers['idempotency-key'] as string))
    // Every message of the outbox reached the receiver...
    expect(keys.size).toBe(after.sent)
    expect(atKill).toBeLessThan(after.sent)
    // ...and took effect once, whatever was sent again after the kill.
    for (const k of keys) expect(receiver.effects.get(k), k).toBe(1)
    const redelivered = [...keys].filter((k) => (receiver.deliveries.get(k) ?? 0) > 1)
    expect(mine.length).toBe(keys.size + redelivered.reduce((n, k) => n + receiver.deliveries.get(k)! - 1, 0))
    expect(mine.every((r) => r.signatureValid === true)).toBe(true)
  }, 180_000)

  // Recording a scan and enqueueing its messages are two steps. To kill the process between them,
  // a trigger makes every insert into the outbox fail: serve records the scan, fails to enqueue
  // (and logs it), and is killed with SIGKILL there. The restart finds the scan in the store and
  // nothing in the outbox, as a kill at that instant leaves them.
  function outboxClosed(db: string, closed: boolean) {
    const raw = new BetterSqlite3(db)
    try {
      raw.exec(
        closed
          ? `create trigger test_outbox_closed before insert on outbox
             begin select raise(abort, 'the test closed the outbox'); end`
          : 'drop trigger test_outbox_closed',
      )
    } finally {
      raw.close()
    }
  }

  async function killBeforeEnqueue(dir: string, args: string[]) {
    const db = join(dir, 'kubedac.db')
    outboxClosed(db, true)
    const p = startServe([...args, '--interval', '1h'], { cwd: dir, env })
    try {
      await p.waitFor(
        (l) => l.msg.startsWith('notifications not planned'),
        60_000,
        'a scan recorded and its notifications not enqueued',
      )
    } finally {
      await p.kill('SIGKILL')
    }
    expect(p.logs.some((l) => l.msg === 'scan recorded')).toBe(true)
    outboxClosed(db, false)
  }

  interface Sent {
    event: string
    key: string
    severity: string
    previousSeverity?: string
    incident: { id: string }
  }
  const sentSince = (first: number) => receiver.requests.slice(first).map((r) => r.json as Sent)

  /** Serves a fleet of the example's `cluster` alone, once: where, and what the receiver got. */
  async function servedOnce(
    name: string,
    cluster: string,
    runEnv = env,
    dbArgs = ['--database', 'kubedac.db'],
  ) {
    const dir = join(tmp.dir, name)
    cpSync(join(FLEET, cluster), join(dir, 'fleet', cluster), { recursive: true })
    config(dir, receiver.url)
    const args = ['fleet', ...dbArgs]
    const first = receiver.requests.length
    expect((await serveOnce(args, { cwd: dir, env: runEnv })).code).toBe(0)
    return { dir, db: join(dir, 'kubedac.db'), args, first, opened: sentSince(first), env: runEnv }
  }

  /** Serves once more: one message more than the first run sent, of `event`, and no key twice. */
  async function restartSendsOne(run: Awaited<ReturnType<typeof servedOnce>>, event: string): Promise<Sent> {
    const again = await serveOnce(run.args, { cwd: run.dir, env: run.env })
    expect(again.code, JSON.stringify(again.logs.filter((l) => l.level !== 'info'))).toBe(0)
    const sent = sentSince(run.first)
    expect(sent.length).toBe(run.opened.length + 1)
    expect(new Set(sent.map((b) => b.key)).size).toBe(sent.length)
    const more = sent.filter((b) => b.event === event)
    expect(more).toHaveLength(1)
    return more[0]!
  }

  function outboxEvents(db: string, incident: string): string[] {
    const raw = new BetterSqlite3(db, { readonly: true })
    try {
      const rows = raw
        .prepare('select event from outbox where incident_id = ? order by id')
        .all(incident) as { event: string }[]
      return rows.map((r) => r.event)
    } finally {
      raw.close()
    }
  }

  async function incidentOf(db: string, detector: string): Promise<string> {
    const store = await openStore({ file: db })
    try {
      const f = (await store.listFindings({ detector })).items[0]
      expect(f?.incidentId, `a ${detector} finding with an incident`).toBeTruthy()
      return f!.incidentId!
    } finally {
      await store.close()
    }
  }

  it('killed after recording a scan that escalates an incident and before enqueueing it: the restart delivers that escalation once, and nothing twice', async () => {
    const run = await servedOnce('escalate-kill', 'dev-idle-3')
    const idle = await incidentOf(run.db, 'cluster-idle')
    expect(run.opened.filter((b) => b.incident.id === idle).map((b) => [b.event, b.severity])).toEqual([
      ['open', 'warning'],
    ])

    // The idle cluster now counts as critical: the next scan escalates its incident, and dies.
    config(run.dir, receiver.url, 'detectors:\n  severity:\n    cluster-idle: critical\n')
    await killBeforeEnqueue(run.dir, run.args)
    const store = await openStore({ file: run.db })
    expect((await store.getIncident(idle))?.peakSeverity).toBe('critical')
    await store.close()
    expect(outboxEvents(run.db, idle)).toEqual(['open'])

    const escalation = await restartSendsOne(run, 'escalate')
    expect([escalation.incident.id, escalation.severity, escalation.previousSeverity]).toEqual([
      idle,
      'critical',
      'warning',
    ])
    expect(outboxEvents(run.db, idle)).toEqual(['open', 'escalate'])
  }, 180_000)

  it('killed after recording a scan that resolves an incident and before enqueueing it, then down for two days: the restart delivers the resolve once', async () => {
    const run = await servedOnce('resolve-kill', 'prod-eu-1')
    const memory = await incidentOf(run.db, 'node-memory-pressure')
    expect(run.opened.filter((b) => b.incident.id === memory).map((b) => b.event)).toEqual(['open'])

    // The node's memory pressure is over: the next scan resolves the incident, and dies.
    const nodesFile = join(run.dir, 'fleet', 'prod-eu-1', 'nodes.json')
    const nodes = JSON.parse(readFileSync(nodesFile, 'utf8')) as {
      items: { status: { conditions: { type: string; status: string }[] } }[]
    }
    for (const n of nodes.items)
      for (const c of n.status.conditions) if (c.type === 'MemoryPressure') c.status = 'False'
    writeFileSync(nodesFile, JSON.stringify(nodes))
    await killBeforeEnqueue(run.dir, run.args)
    const store = await openStore({ file: run.db })
    expect((await store.getIncident(memory))?.state).toBe('resolved')
    await store.close()
    expect(outboxEvents(run.db, memory)).toEqual(['open'])

    // Two days pass before the restart: the incident resolved 48 h before it (no window forgets it).
    const raw = new BetterSqlite3(run.db)
    raw
      .prepare('update incidents set resolved_at = resolved_at - ?, updated_at = updated_at - ? where id = ?')
      .run(48 * 3_600_000, 48 * 3_600_000, memory)
    raw.close()

    expect((await restartSendsOne(run, 'resolve')).incident.id).toBe(memory)
    expect(outboxEvents(run.db, memory)).toEqual(['open', 'resolve'])
  }, 180_000)

  it('on PostgreSQL: killed after recording a scan that escalates an incident while the outbox is locked, the restart delivers that escalation once', async () => {
    // The shared server, in a schema of this test's own (search_path from the URL's options).
    const base = process.env.KUBEDAC_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test'
    const schema = `kdac_kill${process.pid}_${Date.now().toString(36)}`
    const url = new URL(base)
    if (!url.username && !process.env.PGUSER) url.username = userInfo().username
    const admin = new pg.Client({ connectionString: url.toString() })
    await admin.connect()
    await admin.query(`create schema ${schema}`)
    url.searchParams.set('options', `-c search_path=${schema}`)
    const pgEnv = { ...env, KUBEDAC_DATABASE_URL: url.toString() }
    const open = () => openStore({ url: base, schema, poolSize: 2 })
    try {
      const run = await servedOnce('escalate-kill-pg', 'dev-idle-3', pgEnv, [])
      let store = await open()
      const idle = (await store.listFindings({ detector: 'cluster-idle' })).items[0]!.incidentId!
      await store.close()
      expect(run.opened.filter((b) => b.incident.id === idle).map((b) => b.event)).toEqual(['open'])

      // The test holds the outbox locked: serve records the escalating scan, cannot enqueue, and
      // is killed there (its blocked transaction never commits).
      config(run.dir, receiver.url, 'detectors:\n  severity:\n    cluster-idle: critical\n')
      await admin.query('begin')
      await admin.query(`lock table ${schema}.outbox in access exclusive mode`)
      const p = startServe([...run.args, '--interval', '1h'], { cwd: run.dir, env: pgEnv })
      try {
        await p.waitFor((l) => l.msg === 'scan recorded', 60_000, 'the scan recorded')
        await new Promise((r) => setTimeout(r, 500))
      } finally {
        await p.kill('SIGKILL')
        await admin.query('rollback')
      }
      store = await open()
      expect((await store.getIncident(idle))?.peakSeverity).toBe('critical')
      const events = async () =>
        (
          await admin.query(`select event from ${schema}.outbox where incident_id = $1 order by id`, [idle])
        ).rows.map((r: { event: string }) => r.event)
      await store.close()
      expect(await events()).toEqual(['open'])

      const escalation = await restartSendsOne(run, 'escalate')
      expect([escalation.incident.id, escalation.severity, escalation.previousSeverity]).toEqual([
        idle,
        'critical',
        'warning',
      ])
      expect(await events()).toEqual(['open', 'escalate'])
    } finally {
      await admin.end()
      await dropPostgresSchema(base, schema)
    }
  }, 180_000)
})
