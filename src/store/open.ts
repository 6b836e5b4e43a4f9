import BetterSqlite3 from 'better-sqlite3'
import type { Statement } from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely'
import type {
  DatabaseIntrospector,
  DatabaseMetadata,
  PostgresPool,
  PostgresPoolClient,
  SchemaMetadata,
  SqliteDatabase,
  TableMetadata,
} from 'kysely'
import { userInfo } from 'node:os'
import pg from 'pg'
import { KubedacError, errorMessage } from '../core/errors.js'
import type { StoreContext } from './lifecycle.js'
import { preparedName } from './bulk.js'
import { migrationProvider } from './migrations.js'
import type { Dialect } from './migrations.js'
import { notifiedStore } from './notified.js'
import { outboxStore } from './outbox-store.js'
import { queries } from './queries.js'
import type { Database } from './schema.js'
import { silenceStore } from './silences.js'
import { walCheckpointer } from './checkpoint.js'
import type { WalCheckpointer } from './checkpoint.js'
import { optimize, scanWriter } from './writer.js'
import type { WriterOptions } from './writer.js'
import type { Store } from './types.js'

/** Where the store lives: a SQLite file (default ./kubedac.db, or ':memory:') or a PostgreSQL URL. */
export interface OpenStoreOptions {
  /** SQLite file; ignored when `url` is given. */
  file?: string
  /** postgres:// or postgresql:// URL. */
  url?: string
  /** PostgreSQL schema to use (created if missing); default: the server's search_path. */
  schema?: string
  /** PostgreSQL pool size (default 10). */
  poolSize?: number
  /** Limits of the write batches that concurrent recordScan calls share. */
  writer?: WriterOptions
  /**
   * SQLite: who copies the write-ahead log back into the database file. 'background' (default): a
   * thread of its own with its own connection, once 20,000 findings were written, so the writer's
   * commits mostly find the work done (on the other core); 'writer': only SQLite's automatic
   * checkpoints, inside the writer's commits. Durability is the same either way.
   */
  walCheckpoint?: 'background' | 'writer'
}

/** The URL with any password replaced, for error messages: credentials never reach logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable database URL)'
  }
}

/** Whether a string names a PostgreSQL database. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

// Kysely's SQLite driver prepares every statement it runs; the write path runs the same few
// statements thousands of times, so prepared statements are kept by SQL text (bounded).
function cachingDatabase(db: BetterSqlite3.Database, max = 256): SqliteDatabase {
  const cache = new Map<string, Statement>()
  return {
    close: () => db.close(),
    prepare(text: string) {
      let stmt = cache.get(text)
      if (stmt) {
        cache.delete(text)
        cache.set(text, stmt)
        return stmt
      }
      stmt = db.prepare(text)
      cache.set(text, stmt)
      if (cache.size > max) cache.delete(cache.keys().next().value as string)
      return stmt
    },
  }
}

/** The writer's automatic checkpoint threshold (pages); raised once a background checkpointer runs. */
const AUTOCHECKPOINT = 10_000
const BACKSTOP_AUTOCHECKPOINT = 40_000

function openSqlite(file: string): { db: Kysely<Database>; raw: BetterSqlite3.Database } {
  let raw: BetterSqlite3.Database
  try {
    raw = new BetterSqlite3(file)
    raw.pragma('journal_mode = WAL')
    raw.pragma('busy_timeout = 10000')
    raw.pragma('foreign_keys = ON')
    // WAL + NORMAL: a crash of the process never loses a committed transaction; only a power
    // loss can lose the last ones (and never corrupts the file).
    raw.pragma('synchronous = NORMAL')
    raw.pragma('cache_size = -65536')
    raw.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT}`)
    // ANALYZE reads a sample of each index, so keeping the planner's statistics fresh stays cheap.
    raw.pragma('analysis_limit = 1000')
  } catch (e) {
    throw new KubedacError('KDAC_E_STORE_OPEN', `SQLite file ${file}: ${errorMessage(e)}`, { cause: e })
  }
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingDatabase(raw) }) }), raw }
}

// bigint (count(*), epoch ms) and numeric (sum()) come back from pg as strings by default;
// every integer the store keeps fits a double, so this pool parses them as numbers.
const NUMERIC_OIDS = new Set([20, 1700])
const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    NUMERIC_OIDS.has(oid) && format !== 'binary'
      ? (v: string) => Number(v)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/

/** As libpq does: no user in the URL nor PGUSER means the operating-system user (pg would send none). */
function withUser(url: string): string {
  const parsed = new URL(url)
  if (process.env.PGUSER || parsed.username) return url
  parsed.username = userInfo().username
  return parsed.toString()
}

/** Drops a PostgreSQL schema and everything in it (tests and benchmarks clean up with this). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  if (!SCHEMA_NAME.test(schema)) throw new KubedacError('KDAC_E_STORE_INPUT', `schema name "${schema}"`)
  const client = new pg.Client({ connectionString: withUser(url) })
  await client.connect()
  try {
    await client.query(`drop schema if exists ${schema} cascade`)
  } finally {
    await client.end()
  }
}

async function openPostgres(
  url: string,
  schema: string | undefined,
  poolSize: number,
): Promise<Kysely<Database>> {
  if (schema !== undefined && !SCHEMA_NAME.test(schema))
    throw new KubedacError(
      'KDAC_E_STORE_OPEN',
      `PostgreSQL schema name "${schema}" must match [a-z_][a-z0-9_]*`,
    )
  const config: pg.PoolConfig = { connectionString: withUser(url), max: poolSize, types: pgTypes }
  if (schema !== undefined) config.options = `-c search_path=${schema}`
  const pool = new pg.Pool(config)
  // An idle client's error (the server restarted) must not crash the process; the next query
  // gets a fresh connection or a clear error.
  pool.on('error', () => {})
  try {
    const c = await pool.connect()
    try {
      if (schema !== undefined) await c.query(`create schema if not exists ${schema}`)
    } finally {
      c.release()
    }
  } catch (e) {
    await pool.end().catch(() => {})
    throw new KubedacError('KDAC_E_STORE_OPEN', `PostgreSQL at ${redactUrl(url)}: ${errorMessage(e)}`, {
      cause: e,
    })
  }
  return new Kysely<Database>({ dialect: new ScopedPostgresDialect({ pool: preparingPool(pool) }) })
}

/**
 * Kysely's PostgreSQL introspector (which its migrator uses to see whether its own tables exist)
 * reads every schema of the database and calls functions that take a schema's name: when another
 * session drops a schema during that query, it fails with "schema … does not exist" (seen when
 * tests and benchmarks that each own a schema run at once). The migrator needs only the names of
 * the schemas and of the tables in ours, so this introspector reads just those, by oid.
 */
export class ScopedPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db)
  }
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<unknown>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const r = await sql<{ name: string }>`select nspname as name from pg_catalog.pg_namespace`.execute(
      this.db,
    )
    return r.rows.map((x) => ({ name: x.name }))
  }

  async getTables(): Promise<TableMetadata[]> {
    const r = await sql<{ name: string; schema: string; kind: string }>`
      select c.relname as name, ns.nspname as schema, c.relkind as kind
      from pg_catalog.pg_class c join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')`.execute(this.db)
    return r.rows.map((x) => ({ name: x.name, schema: x.schema, isView: x.kind === 'v', columns: [] }))
  }

  async getMetadata(): Promise<DatabaseMetadata> {
    return { tables: await this.getTables() }
  }
}

// Kysely's PostgreSQL driver sends every statement unnamed (parsed and planned each time); the
// bulk inserts' few fixed texts are sent as named prepared statements instead.
function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect() {
      const client = await pool.connect()
      return {
        query: ((text: unknown, values?: unknown[]) => {
          if (typeof text !== 'string') return client.query(text as never)
          const name = preparedName(text)
          return name === undefined ? client.query(text, values) : client.query({ name, text, values })
        }) as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      }
    },
    end: () => pool.end(),
  }
}

async function migrate(db: Kysely<Database>, dialect: Dialect, where: string): Promise<void> {
  // Kysely looks for its migration tables in every schema unless told which: name ours, or a
  // database whose other schemas hold a kubedac store would look migrated already.
  let migrationTableSchema: string | undefined
  if (dialect === 'postgres') {
    const r = await sql<{ s: string | null }>`select current_schema() as s`.execute(db)
    migrationTableSchema = r.rows[0]?.s ?? undefined
    if (migrationTableSchema === undefined)
      throw new KubedacError(
        'KDAC_E_STORE_OPEN',
        `${where}: no schema to create tables in (search_path is empty)`,
      )
  }
  const migrator = new Migrator({
    db,
    provider: migrationProvider(dialect),
    ...(migrationTableSchema ? { migrationTableSchema } : {}),
  })
  const { error } = await migrator.migrateToLatest()
  if (error)
    throw new KubedacError('KDAC_E_STORE_OPEN', `migrating ${where}: ${errorMessage(error)}`, {
      cause: error,
    })
}

/**
 * Opens the store: PostgreSQL when `url` is a postgres:// URL, else SQLite (`file`, default
 * ./kubedac.db), then brings the schema up to date. One code path serves both.
 */
export async function openStore(opts: OpenStoreOptions = {}): Promise<Store> {
  let db: Kysely<Database>
  let dialect: Dialect
  let where: string
  let checkpointer: WalCheckpointer | undefined
  if (opts.url !== undefined) {
    if (!isPostgresUrl(opts.url))
      throw new KubedacError(
        'KDAC_E_STORE_OPEN',
        `database URL ${redactUrl(opts.url)} is not postgres:// or postgresql://`,
      )
    dialect = 'postgres'
    where = `PostgreSQL at ${redactUrl(opts.url)}`
    db = await openPostgres(opts.url, opts.schema, opts.poolSize ?? 10)
  } else {
    dialect = 'sqlite'
    const file = opts.file ?? './kubedac.db'
    where = `SQLite file ${file}`
    const opened = openSqlite(file)
    db = opened.db
    // A file database in WAL mode (not ':memory:' nor a temporary one, which have no WAL to copy).
    if ((opts.walCheckpoint ?? 'background') === 'background' && file !== '' && file !== ':memory:') {
      const raw = opened.raw
      checkpointer = walCheckpointer(file, {
        // The writer's own checkpoints stay as the backstop, less often: most pages are copied by then.
        onStart: () => raw.pragma(`wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT}`),
        onStop: () => {
          if (raw.open) raw.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT}`)
        },
      })
    }
  }
  try {
    await migrate(db, dialect, where)
  } catch (e) {
    await db.destroy().catch(() => {})
    throw e
  }
  // SQLite: 32766 bound parameters per statement; PostgreSQL: 65535.
  const ctx: StoreContext = { db, dialect, paramLimit: dialect === 'sqlite' ? 32_766 : 65_535 }
  if (checkpointer) ctx.wrote = (rows) => checkpointer.wrote(rows)
  const q = queries(ctx)
  const silences = silenceStore(ctx)
  const outbox = outboxStore(ctx)
  const writer = scanWriter(ctx, opts.writer)
  let closed = false
  return {
    dialect,
    recordScan: (input) => writer.submit(input),
    ...q,
    ...silences,
    ...outbox,
    ...notifiedStore(ctx),
    optimize: () => optimize(ctx),
    async ping() {
      try {
        await sql`select 1`.execute(db)
        return true
      } catch {
        return false
      }
    },
    async close() {
      if (closed) return
      closed = true
      await writer.drain()
      await checkpointer?.close()
      await db.destroy()
    },
  }
}
