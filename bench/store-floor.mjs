// The floor for bench:store: what the database alone costs to keep the same findings, so the
// store's figure can be read against it in one run (as bench:fleet reads the scanner against a
// bare fetch + JSON.parse). The floor writes each cluster's finding rows exactly as the store
// builds them (prepareScan: validation and the body JSON, included in the time as the store's
// time includes them) into the store's own findings table with its primary key and no other
// index, in transactions of the same size as the store's group commit (256 scans), by the same
// statements (SQLite: multi-row VALUES of 512 rows; PostgreSQL: the store's own insertRows, one
// binary array per column). What it leaves out is what the store adds on purpose: the
// indexes the dashboard's queries need, the lifecycle's reads, incidents, scans, fleet keys,
// counters.
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { userInfo } from 'node:os'

const here = fileURLToPath(new URL('.', import.meta.url))
const dist = resolve(here, '../dist')
const { openStore } = await import(join(dist, 'store/index.js'))
const { insertRows } = await import(join(dist, 'store/bulk.js'))

// The store's own insert columns and types (incident and silence left null: the floor has none).
const { FINDING_COLUMN_TYPES, prepareScan } = await import(join(dist, 'store/lifecycle.js'))
const { rankOf } = await import(join(dist, 'store/rows.js'))
const COLUMNS = Object.keys(FINDING_COLUMN_TYPES)
const TYPES = Object.values(FINDING_COLUMN_TYPES)
const ROWS_PER_STATEMENT = 512

/** Cluster c's finding rows (COLUMNS order), built by the store's own prepareScan. */
function rowsOf(fleet, c) {
  const s = prepareScan(fleet.scanOf(c))
  const rows = []
  for (const f of s.reported.values()) {
    const row = {
      fingerprint: f.fingerprint,
      detector: f.detector,
      cluster: s.name,
      namespace: f.object.namespace ?? '',
      rank: rankOf(f.severity),
      title: f.title,
      body: s.bodies.get(f.fingerprint),
      cause: f.cause,
      fleet_key: f.fleetKey ?? null,
      object_labels: s.objectLabels.get(f.fingerprint),
      first_seen: s.now,
      last_seen: s.now,
    }
    rows.push(COLUMNS.map((k) => row[k] ?? null))
  }
  return rows
}

/** The fleet's rows in write batches of `perBatch` clusters, made as they are written. */
function* batches(fleet, perBatch) {
  for (let c = 0; c < fleet.clusters; c += perBatch) {
    const rows = []
    for (let k = c; k < Math.min(fleet.clusters, c + perBatch); k++)
      for (const r of rowsOf(fleet, k)) rows.push(r)
    yield rows
  }
}

function valuesList(n) {
  const one = `(${COLUMNS.map(() => '?').join(', ')})`
  return Array.from({ length: n }, () => one).join(', ')
}

function elapsed(t0, c0) {
  const c = process.cpuUsage(c0)
  return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 }
}

/** SQLite: a new file with the store's schema and pragmas, the findings table's other indexes dropped. */
export async function sqliteFloor(fleet, file, { perBatch = 256 } = {}) {
  const store = await openStore({ file, walCheckpoint: 'writer' })
  await store.close()
  const db = new BetterSqlite3(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('cache_size = -65536')
    // No checkpoint while loading: the rows are only appended to the WAL, never copied back into
    // the file (the store copies them, on a thread of its own): the least SQLite can do for them.
    db.pragma('wal_autocheckpoint = 0')
    const indexes = db
      .prepare(
        `select name from sqlite_schema where type = 'index' and tbl_name = 'findings' and sql is not null`,
      )
      .all()
    for (const { name } of indexes) db.exec(`drop index "${name}"`)
    const insert = (n) => db.prepare(`insert into findings (${COLUMNS.join(', ')}) values ${valuesList(n)}`)
    const full = insert(ROWS_PER_STATEMENT)
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    let findings = 0
    let inDb = 0
    const write = db.transaction((rows) => {
      // In fingerprint order, as the store writes them on SQLite.
      rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      let i = 0
      for (; i + ROWS_PER_STATEMENT <= rows.length; i += ROWS_PER_STATEMENT)
        full.run(rows.slice(i, i + ROWS_PER_STATEMENT).flat())
      if (i < rows.length) insert(rows.length - i).run(rows.slice(i).flat())
    })
    for (const rows of batches(fleet, perBatch)) {
      const t = performance.now()
      write(rows)
      inDb += performance.now() - t
      findings += rows.length
    }
    const out = { ...elapsed(t0, c0), findings, dbSeconds: inDb / 1000 }
    const kept = db.prepare('select count(*) as n from findings').get().n
    if (kept !== findings) throw new Error(`sqlite floor: ${kept} rows kept of ${findings} written`)
    return out
  } finally {
    db.close()
  }
}

/** A plain INSERT (the floor has nothing to upsert). */
const plainInsert = (q) => q

/**
 * PostgreSQL: the store's schema in `schema`, the findings table's other indexes dropped, one
 * connection, the rows written by the store's own insertRows (one binary array per column).
 */
export async function postgresFloor(fleet, url, schema, { perBatch = 256 } = {}) {
  const store = await openStore({ url, schema, poolSize: 1 })
  await store.close()
  const u = new URL(url)
  if (!u.username && !process.env.PGUSER) u.username = userInfo().username
  const pool = new pg.Pool({ connectionString: u.toString(), max: 1, options: `-c search_path=${schema}` })
  const db = new Kysely({ dialect: new PostgresDialect({ pool }) })
  try {
    const r = await pool.query(
      `select indexname from pg_indexes where schemaname = $1 and tablename = 'findings' and indexname not like '%pkey'`,
      [schema],
    )
    for (const { indexname } of r.rows) await pool.query(`drop index ${schema}."${indexname}"`)
    const ctx = { db, dialect: 'postgres', paramLimit: 65_535 }
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    let findings = 0
    let inDb = 0
    for (const rows of batches(fleet, perBatch)) {
      const t = performance.now()
      await db
        .transaction()
        .execute((trx) => insertRows(ctx, trx, 'findings', COLUMNS, TYPES, rows, plainInsert))
      inDb += performance.now() - t
      findings += rows.length
    }
    const out = { ...elapsed(t0, c0), findings, dbSeconds: inDb / 1000 }
    const kept = Number((await pool.query('select count(*) as n from findings')).rows[0].n)
    if (kept !== findings) throw new Error(`postgres floor: ${kept} rows kept of ${findings} written`)
    return out
  } finally {
    await db.destroy()
  }
}
