import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, describe, expect, it } from 'vitest'
import { walCheckpointer } from './checkpoint.js'
import { openStore } from './index.js'
import type { RecordScanInput } from './index.js'

const dir = mkdtempSync(join(tmpdir(), 'kubedac-checkpoint-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A WAL database whose writer never checkpoints by itself: its file grows only when someone else copies the WAL back. */
function walDb(name: string): { file: string; db: BetterSqlite3.Database } {
  const file = join(dir, name)
  const db = new BetterSqlite3(file)
  db.pragma('journal_mode = WAL')
  db.pragma('wal_autocheckpoint = 0')
  db.exec('create table t (k text primary key, v text not null)')
  return { file, db }
}

function write(db: BetterSqlite3.Database, from: number, n: number): void {
  const ins = db.prepare('insert into t (k, v) values (?, ?)')
  db.transaction(() => {
    for (let i = from; i < from + n; i++) ins.run(`k${i}`, 'v'.repeat(200))
  })()
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('background WAL checkpointer', () => {
  it('starts only once enough rows were written, then copies the WAL into the database file on its own thread', async () => {
    const { file, db } = walDb('a.db')
    const before = statSync(file).size
    let started = 0
    const cp = walCheckpointer(file, { startAfter: 1000, gapMs: 0, onStart: () => started++ })
    write(db, 0, 600)
    cp.wrote(600)
    expect(cp.started).toBe(false)
    // Nobody checkpoints: the rows are in the WAL only.
    expect(statSync(file).size).toBe(before)
    write(db, 600, 600)
    cp.wrote(600)
    expect(cp.started).toBe(true)
    expect(started).toBe(1)
    await until(() => statSync(file).size > before + 600 * 200)
    // More writes are copied too.
    const mid = statSync(file).size
    write(db, 1200, 2000)
    cp.wrote(2000)
    await until(() => statSync(file).size > mid + 1000 * 200)
    expect(await cp.close()).toBeGreaterThanOrEqual(2)
    expect(cp.started).toBe(false)
    // Told after close: nothing starts again.
    cp.wrote(10_000)
    expect(cp.started).toBe(false)
    expect(db.prepare('select count(*) as n from t').get()).toEqual({ n: 3200 })
    db.close()
  })

  it('reports a database its thread cannot open, so the writer keeps its own checkpoints', async () => {
    let stopped = 0
    const cp = walCheckpointer(join(dir, 'no-such-dir', 'x.db'), { startAfter: 1, onStop: () => stopped++ })
    cp.wrote(1)
    await until(() => stopped === 1)
    expect(cp.started).toBe(false)
    cp.wrote(1)
    expect(stopped).toBe(1)
    expect(await cp.close()).toBe(0)
  })

  it('a store that wrote past the threshold closes with its thread, and every finding is there when reopened', async () => {
    const file = join(dir, 'store.db')
    const scan = (c: number, now: number): RecordScanInput => {
      const name = `c${c}`
      return {
        cluster: { name, source: 'test' },
        result: { name, source: 'test', status: 'scanned', objects: 1, skipped: [], errors: [] },
        detectorsRan: ['d'],
        now: new Date(now),
        findings: Array.from({ length: 3000 }, (_, i) => ({
          fingerprint: `${name}-${i}`,
          detector: 'd',
          cluster: name,
          severity: 'warning' as const,
          category: 'x',
          title: 't',
          messageId: 'm',
          message: 'msg',
          remediation: 'r',
          runbook: 'https://example.com',
          evidence: {},
          cause: `cause-${i % 7}`,
          object: { apiVersion: 'v1', kind: 'Pod', namespace: 'ns', name: `p${i}` },
        })),
      }
    }
    const store = await openStore({ file, walCheckpoint: 'background' })
    await Promise.all(Array.from({ length: 8 }, (_, c) => store.recordScan(scan(c, 1000 + c))))
    await store.close()
    const again = await openStore({ file, walCheckpoint: 'writer' })
    const page = await again.listFindings(
      { state: 'open' },
      { field: 'lastSeen', dir: 'desc' },
      { limit: 10, countLimit: 100_000 },
    )
    expect(page.total).toBe(24_000)
    expect(page.items[0]?.cluster).toBe('c7')
    await again.close()
  })
})
