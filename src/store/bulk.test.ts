import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { insertRows } from './bulk.js'
import type { ColumnType, InsertModifier } from './bulk.js'
import type { StoreContext } from './lifecycle.js'
import { dropPostgresSchema, openStore, ScopedPostgresDialect } from './open.js'
import type { Database } from './schema.js'

// insertRows binds one binary array per column on PostgreSQL and multi-row VALUES on SQLite:
// the same rows must come back the same from both, whatever the strings hold.
const PG_URL = process.env.KUBEDAC_TEST_DATABASE_URL ?? 'postgres://127.0.0.1:5432/test'
const SCHEMA = `kdac_bulk${process.pid}_${Date.now().toString(36)}`

const COLUMNS = ['fingerprint', 'detector', 'cluster', 'namespace', 'rank', 'title', 'body', 'cause']
  .concat(['fleet_key', 'object_labels', 'first_seen', 'last_seen', 'incident_id'])
  .concat(['silenced_until', 'silenced_by'])
const TYPES: ColumnType[] = ['text', 'text', 'text', 'text', 'integer', 'text', 'text', 'text']
TYPES.push('text', 'text', 'bigint', 'bigint', 'text', 'bigint', 'text')

const TRICKY = [
  '',
  'NULL',
  'null',
  '"',
  '\\',
  '\\"',
  'a,b',
  '{x}',
  '{"a": [1, "b\\"c"]}',
  "it's",
  ' padded ',
  'tab\tnewline\ncr\r',
  'élan – 日本語 – 🚀',
  '\u{1f600}\u{1f4a9}',
  'x'.repeat(10_000),
]

/** A finding row in COLUMNS order; i picks the tricky strings and which nullable columns are null. */
function row(i: number, title = `t${i}`): unknown[] {
  const s = TRICKY[i % TRICKY.length] as string
  return [
    `fp-${String(i).padStart(6, '0')}`,
    `det-${s}`,
    'c1',
    s,
    1 + (i % 3),
    title,
    JSON.stringify({ s, i }),
    `cause ${s}`,
    i % 2 === 0 ? null : s,
    s,
    i === 1 ? Number.MAX_SAFE_INTEGER : 1_700_000_000_000 + i,
    i === 2 ? -1 : i === 3 ? 0 : 1_700_000_000_000 + i,
    i % 3 === 0 ? null : `inc-${s}`,
    i % 4 === 0 ? null : i === 5 ? Number.MIN_SAFE_INTEGER : 4_294_967_296 * i + 7,
    i % 4 === 0 ? null : s,
  ]
}

/** No tail: a plain INSERT. */
const plainInsert: InsertModifier<'findings'> = (q) => q
const retitle: InsertModifier<'findings'> = (q) =>
  q.onConflict((oc) => oc.column('fingerprint').doUpdateSet((eb) => ({ title: eb.ref('excluded.title') })))

interface Side {
  ctx: StoreContext
  read(): Promise<unknown[][]>
  close(): Promise<void>
}

async function postgresSide(): Promise<Side> {
  const store = await openStore({ url: PG_URL, schema: SCHEMA })
  await store.close()
  const url = new URL(PG_URL)
  if (!url.username && !process.env.PGUSER) url.username = userInfo().username
  const pool = new pg.Pool({ connectionString: url.toString(), options: `-c search_path=${SCHEMA}` })
  const db = new Kysely<Database>({ dialect: new ScopedPostgresDialect({ pool }) })
  return {
    ctx: { db, dialect: 'postgres', paramLimit: 65_535 },
    async read() {
      // bigint comes back as text from a plain pool: compare as numbers.
      const r = await pool.query({
        text: `select ${COLUMNS.join(', ')} from findings order by fingerprint`,
        rowMode: 'array',
      })
      return (r.rows as unknown[][]).map((x) =>
        x.map((v, j) => (TYPES[j] === 'bigint' && v !== null ? Number(v) : v)),
      )
    },
    close: () => db.destroy(),
  }
}

async function sqliteSide(dir: string): Promise<Side> {
  const file = join(dir, 'bulk.db')
  const store = await openStore({ file })
  await store.close()
  const raw = new BetterSqlite3(file)
  raw.defaultSafeIntegers(false)
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) })
  return {
    ctx: { db, dialect: 'sqlite', paramLimit: 32_766 },
    async read() {
      return raw
        .prepare(`select ${COLUMNS.join(', ')} from findings order by fingerprint`)
        .raw()
        .all() as unknown[][]
    },
    close: () => db.destroy(),
  }
}

describe('insertRows', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-bulk-'))
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true })
    await dropPostgresSchema(PG_URL, SCHEMA)
  })

  it('writes the same rows on PostgreSQL (arrays) as on SQLite (VALUES): nulls, quotes, backslashes, braces, unicode, one row, several statements', async () => {
    const sides = [await postgresSide(), await sqliteSide(dir)]
    try {
      const results: unknown[][][] = []
      for (const { ctx, read } of sides) {
        const ins = (rows: unknown[][], modify: InsertModifier<'findings'>) =>
          ctx.db
            .transaction()
            .execute((trx) => insertRows(ctx, trx, 'findings', COLUMNS, TYPES, rows, modify))
        // Nothing to write: no statement, no error.
        await ins([], plainInsert)
        // Exactly one row.
        await ins([row(0)], plainInsert)
        // More rows than one array statement takes (4,096), and rows whose bodies pass the
        // 2 MB per-column limit within a few hundred rows: several statements either way.
        await ins(
          Array.from({ length: 5000 }, (_, i) => row(i + 1)),
          plainInsert,
        )
        const big = 'é'.repeat(400_000)
        await ins(
          Array.from({ length: 12 }, (_, i) => {
            const r = row(10_000 + i)
            r[6] = `${big}${i}`
            return r
          }),
          plainInsert,
        )
        // The upsert tail: existing rows are updated, in a statement spanning both kinds.
        await ins([row(0, 'again 0'), row(4999, 'again 4999'), row(20_000, 'new')], retitle)
        results.push(await read())
      }
      const [onPg, onSqlite] = results as [unknown[][], unknown[][]]
      expect(onPg.length).toBe(1 + 5000 + 12 + 1)
      expect(onPg).toEqual(onSqlite)
      const byFp = new Map(onPg.map((r) => [r[0], r]))
      expect(byFp.get('fp-000000')?.[5]).toBe('again 0')
      expect(byFp.get('fp-004999')?.[5]).toBe('again 4999')
      expect(byFp.get('fp-010003')?.[6]).toBe(`${'é'.repeat(400_000)}3`)
      // Every tricky string arrived intact where it was put, nulls as nulls.
      for (let i = 1; i <= 30; i++) expect(byFp.get(`fp-${String(i).padStart(6, '0')}`)).toEqual(row(i))
    } finally {
      for (const s of sides) await s.close()
    }
  }, 60_000)

  it('refuses a value of the wrong type for its column on PostgreSQL, naming the column, and writes nothing', async () => {
    const side = await postgresSide()
    try {
      const { ctx } = side
      const bad = (j: number, v: unknown) => {
        const r = row(900_000 + j)
        r[j] = v
        return ctx.db
          .transaction()
          .execute((trx) =>
            insertRows(ctx, trx, 'findings', COLUMNS, TYPES, [row(800_000 + j), r], plainInsert),
          )
      }
      const before = (await side.read()).length
      await expect(bad(10, 1.5)).rejects.toThrow(/findings\.first_seen given 1\.5, not a bigint/)
      await expect(bad(4, 2 ** 31)).rejects.toThrow(/findings\.rank given 2147483648, not an integer/)
      await expect(bad(11, '17')).rejects.toThrow(/findings\.last_seen given 17/)
      await expect(bad(1, 7)).rejects.toThrow(/findings\.detector given number, not a string/)
      expect((await side.read()).length).toBe(before)
    } finally {
      await side.close()
    }
  })
})
