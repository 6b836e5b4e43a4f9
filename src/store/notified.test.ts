import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, Migrator, SqliteDialect } from 'kysely'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { dropPostgresSchema, openStore } from './index.js'
import { ScopedPostgresDialect } from './open.js'
import { migrationProvider, type Dialect } from './migrations.js'
import type { Database } from './schema.js'

// A store written by the schema before 0003_notify_state (incidents with only last_notified_at)
// is upgraded to a record of what was notified that owes exactly what the old one had left out.
const PG_URL = process.env.KUBEDAC_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test'
const SCHEMA = `kdac_notified${process.pid}_${Date.now().toString(36)}`
const dir = mkdtempSync(join(tmpdir(), 'kubedac-notified-'))
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true })
  await dropPostgresSchema(PG_URL, SCHEMA)
})

const backends: {
  name: string
  dialect: Dialect
  raw: () => Promise<Kysely<Database>>
  open: typeof openStore
}[] = [
  {
    name: 'SQLite',
    dialect: 'sqlite',
    raw: async () =>
      new Kysely<Database>({
        dialect: new SqliteDialect({ database: new BetterSqlite3(join(dir, 'old.db')) }),
      }),
    open: () => openStore({ file: join(dir, 'old.db') }),
  },
  {
    name: 'PostgreSQL',
    dialect: 'postgres',
    raw: async () => {
      const url = new URL(PG_URL)
      if (!url.username && !process.env.PGUSER) url.username = userInfo().username
      const pool = new pg.Pool({
        connectionString: url.toString(),
        options: `-c search_path=${SCHEMA}`,
        max: 1,
      })
      await pool.query(`create schema if not exists ${SCHEMA}`)
      return new Kysely<Database>({ dialect: new ScopedPostgresDialect({ pool }) })
    },
    open: () => openStore({ url: PG_URL, schema: SCHEMA, poolSize: 2 }),
  },
]

for (const backend of backends) {
  describe(`migration 0003_notify_state on ${backend.name}`, () => {
    it('marks incidents notified before as notified at their peak, owes the resolves the outbox lacks, and leaves the rest owed as before', async () => {
      const db = await backend.raw()
      const migrator = new Migrator({
        db,
        provider: migrationProvider(backend.dialect),
        ...(backend.dialect === 'postgres' ? { migrationTableSchema: SCHEMA } : {}),
      })
      const { error } = await migrator.migrateTo('0001_store')
      expect(error).toBeUndefined()
      const row = (id: string, state: string, notified: boolean) => ({
        id,
        kind: 'cluster',
        cluster: 'c1',
        group_hash: id,
        detector: '',
        cause: `cause-${id}`,
        title: 't',
        rank: 2,
        peak_rank: 3,
        state,
        opened_at: 1,
        updated_at: 2,
        resolved_at: state === 'resolved' ? 2 : null,
        last_notified_at: notified ? 1 : null,
        members: 1,
        clusters: 1,
      })
      await db
        .insertInto('incidents')
        .values([
          row('a-open-notified', 'open', true),
          row('b-resolve-sent', 'resolved', true),
          row('c-resolve-lost', 'resolved', true),
          row('d-open-never', 'open', false),
          row('e-resolved-never', 'resolved', false),
        ])
        .execute()
      await db
        .insertInto('outbox')
        .values({
          key: 'hook:b-resolve-sent:resolve:1',
          receiver: 'hook',
          event: 'resolve',
          incident_id: 'b-resolve-sent',
          payload: '{}',
          state: 'sent',
          attempts: 1,
          created_at: 2,
          next_attempt_at: 2,
        })
        .execute()
      await db.destroy()

      const store = await backend.open()
      try {
        const states = await store.notifiedStates([
          'a-open-notified',
          'b-resolve-sent',
          'c-resolve-lost',
          'd-open-never',
          'e-resolved-never',
        ])
        const told = { openedSeverity: 'critical', severity: 'critical', dueAt: null }
        expect(Object.fromEntries(states)).toEqual({
          'a-open-notified': { ...told, state: 'open' },
          'b-resolve-sent': { ...told, state: 'resolved' },
          'c-resolve-lost': { ...told, state: 'open' },
          'd-open-never': { openedSeverity: null, severity: null, state: null, dueAt: null },
          'e-resolved-never': { openedSeverity: null, severity: null, state: null, dueAt: null },
        })
        expect(await store.incidentsToNotify({ now: new Date(3), limit: 10 })).toEqual([
          'c-resolve-lost',
          'd-open-never',
        ])
        // Keyset pages: one at a time, in order, then none.
        expect(await store.incidentsToNotify({ now: new Date(3), limit: 1 })).toEqual(['c-resolve-lost'])
        expect(
          await store.incidentsToNotify({ now: new Date(3), after: 'c-resolve-lost', limit: 1 }),
        ).toEqual(['d-open-never'])
        expect(await store.incidentsToNotify({ now: new Date(3), after: 'd-open-never', limit: 1 })).toEqual(
          [],
        )

        // Only forward: a stale mark never lowers what a newer one recorded.
        await store.markNotified(
          [{ id: 'd-open-never', severity: 'warning', dueAt: new Date(10), planned: true }],
          new Date(4),
        )
        await store.markNotified(
          [{ id: 'd-open-never', severity: 'critical', dueAt: new Date(10), planned: true }],
          new Date(5),
        )
        await store.markNotified(
          [{ id: 'd-open-never', severity: 'warning', dueAt: new Date(10), planned: true }],
          new Date(6),
        )
        expect((await store.notifiedStates(['d-open-never'])).get('d-open-never')).toEqual({
          openedSeverity: 'warning',
          severity: 'critical',
          state: 'open',
          dueAt: new Date(10),
        })
        expect(await store.incidentsToNotify({ now: new Date(9), limit: 10 })).toEqual(['c-resolve-lost'])
        expect(await store.incidentsToNotify({ now: new Date(10), limit: 10 })).toEqual([
          'c-resolve-lost',
          'd-open-never',
        ])
        await store.markNotified(
          [{ id: 'c-resolve-lost', resolved: true, dueAt: null, planned: true }],
          new Date(6),
        )
        expect((await store.notifiedStates(['c-resolve-lost'])).get('c-resolve-lost')?.state).toBe('resolved')
        await expect(
          store.markNotified([{ id: 'x', dueAt: new Date(Number.NaN), planned: false }], new Date(6)),
        ).rejects.toThrow(/notified mark 0: dueAt must be a valid Date/)
      } finally {
        await store.close()
      }
    })
  })
}
