import { cpSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../src/store/index.js'
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

function config(dir: string, url: string) {
  writeFileSync(
    join(dir, 'kubedac.yaml'),
    `notifications:
  receivers:
    - name: hook
      type: webhook
      url: ${url}/hook
      secretEnv: KDAC_KILL_WEBHOOK_SECRET
  defaultReceivers: [hook]
`,
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
})
