import { CompiledQuery, sql } from 'kysely'
import type { InsertQueryBuilder, InsertResult, Transaction } from 'kysely'
import type { StoreContext } from './lifecycle.js'
import type { Database } from './schema.js'

/** An insert statement's tail (ON CONFLICT …), applied to the template. */
export type InsertModifier<T extends keyof Database> = (
  q: InsertQueryBuilder<Database, T, InsertResult>,
) => InsertQueryBuilder<Database, T, InsertResult>

/** Most rows in one multi-row statement (within both dialects' bound-parameter limits for our tables). */
const MAX_ROWS = 512

const templates = new Map<string, string>()
const names = new Map<string, string>()

// Each statement tail (a modifier function) gets a number, so templates and prepared-statement
// names tell apart the statements one table is written with.
const modifierIds = new WeakMap<object, number>()
let modifiers = 0
function modifierId(modify: object): number {
  let id = modifierIds.get(modify)
  if (id === undefined) {
    id = modifiers++
    modifierIds.set(modify, id)
  }
  return id
}

/**
 * The name to prepare a bulk statement under (PostgreSQL parses a 500-row VALUES list in about
 * the time it takes to insert it; a named statement is parsed once per connection), or
 * undefined for any other statement.
 */
export function preparedName(sqlText: string): string | undefined {
  return names.get(sqlText)
}

// Kysely builds an operation tree per value, which costs more than the database's own work on
// a big scan. The statement is the same for every batch of n rows, so Kysely compiles it once
// per (dialect, table, n) with numbered placeholders, and rows are bound straight to it.
function template<T extends keyof Database>(
  ctx: StoreContext,
  table: T,
  columns: readonly string[],
  n: number,
  modify: InsertModifier<T>,
): string {
  const key = `${ctx.dialect}\u001f${table}\u001f${modifierId(modify)}\u001f${n}`
  const cached = templates.get(key)
  if (cached !== undefined) return cached
  const values = Array.from({ length: n }, (_, r) =>
    Object.fromEntries(columns.map((c, j) => [c, r * columns.length + j])),
  )
  const compiled = modify(ctx.db.insertInto(table).values(values as never)).compile()
  // The template binds rows in row-major column order; make sure Kysely compiled it that way.
  if (compiled.parameters.length !== n * columns.length || compiled.parameters.some((p, i) => p !== i))
    throw new Error(`internal: insert template for ${table} does not bind its rows in order`)
  templates.set(key, compiled.sql)
  names.set(compiled.sql, `kdac_${table}_${modifierId(modify)}_${n}`)
  return compiled.sql
}

/** Row counts per statement: full statements, then the remainder in powers of two (few distinct statements). */
function sizes(total: number, max: number): number[] {
  const out: number[] = []
  let left = total
  while (left >= max) {
    out.push(max)
    left -= max
  }
  for (let p = max >> 1; p >= 1; p >>= 1)
    if (left >= p) {
      out.push(p)
      left -= p
    }
  return out
}

/**
 * Inserts rows (arrays in `columns` order), each statement finished by `modify`: on PostgreSQL
 * one array per column (see insertArrays), on SQLite multi-row VALUES statements. `types` are the
 * columns' SQL types, in `columns` order, as the schema declares them.
 */
export async function insertRows<T extends keyof Database>(
  ctx: StoreContext,
  trx: Transaction<Database>,
  table: T,
  columns: readonly string[],
  types: readonly ColumnType[],
  rows: unknown[][],
  modify: InsertModifier<T>,
): Promise<void> {
  if (columns.length !== types.length)
    throw new Error(`internal: ${table} has ${columns.length} columns but ${types.length} types`)
  if (ctx.dialect === 'postgres') return insertArrays(ctx, trx, table, columns, types, rows, modify)
  let max = MAX_ROWS
  while (max * columns.length > ctx.paramLimit) max >>= 1
  let i = 0
  for (const n of sizes(rows.length, max)) {
    const params: unknown[] = new Array(n * columns.length)
    let k = 0
    for (let r = i; r < i + n; r++) {
      const row = rows[r] as unknown[]
      for (let j = 0; j < columns.length; j++) params[k++] = row[j]
    }
    await trx.executeQuery(CompiledQuery.raw(template(ctx, table, columns, n, modify), params))
    i += n
  }
}

/** The SQL type of a column written by insertRows (PostgreSQL binds one array of it). */
export type ColumnType = 'text' | 'integer' | 'bigint'

// Element type oids of the binary arrays (pg_type): array_recv refuses any other than the column's.
const ELEMENT_OID: Record<ColumnType, number> = { text: 25, integer: 23, bigint: 20 }

/** Most rows in one array statement, and the most bytes of any one column's array (see insertArrays). */
const ARRAY_MAX_ROWS = 4096
const ARRAY_MAX_BYTES = 2 * 1024 * 1024

const arrayTemplates = new Map<string, string>()

function arrayTemplate<T extends keyof Database>(
  ctx: StoreContext,
  table: T,
  columns: readonly string[],
  types: readonly ColumnType[],
  modify: InsertModifier<T>,
): string {
  const key = `${table}\u001f${modifierId(modify)}\u001f${columns.join(',')}`
  const cached = arrayTemplates.get(key)
  if (cached !== undefined) return cached
  const args = types.map((t, i) => `unnest($${i + 1}::${t}[])`).join(', ')
  const compiled = modify(
    ctx.db
      .insertInto(table)
      .columns(columns as never)
      .expression(sql`select ${sql.raw(args)}` as never),
  ).compile()
  if (compiled.parameters.length !== 0)
    throw new Error(`internal: array insert template for ${table} binds values of its own`)
  arrayTemplates.set(key, compiled.sql)
  names.set(compiled.sql, `kdac_${table}_${modifierId(modify)}_arrays`)
  return compiled.sql
}

/**
 * PostgreSQL: one INSERT … SELECT unnest($1::text[]), unnest($2::bigint[]), … per few thousand
 * rows, binding one array per column. A VALUES list binds every value as a parameter of its own,
 * and the server builds and initialises an expression per value on every execution (~8% of its
 * time on the findings upsert); here a statement has one parameter per column. The unnests are in
 * the select list, where they run in step row by row (SELECT * FROM unnest(…) would first copy
 * every column's elements into a tuplestore, which cost as much as the expressions it saves).
 * The arrays are sent in PostgreSQL's binary array format (length-prefixed elements: nothing to
 * escape, nothing for the server to parse). A statement's arrays are kept under ARRAY_MAX_BYTES
 * each (the client builds each message in memory, and so does the server).
 */
async function insertArrays<T extends keyof Database>(
  ctx: StoreContext,
  trx: Transaction<Database>,
  table: T,
  columns: readonly string[],
  types: readonly ColumnType[],
  rows: unknown[][],
  modify: InsertModifier<T>,
): Promise<void> {
  const text = arrayTemplate(ctx, table, columns, types, modify)
  // Every element's byte length (-1: null), column by column, checking each value's type.
  const lengths = columns.map((column, j) => {
    const type = types[j] as ColumnType
    const out = new Int32Array(rows.length)
    for (let r = 0; r < rows.length; r++)
      out[r] = elementBytes(table, column, type, (rows[r] as unknown[])[j])
    return out
  })
  const sizes = new Float64Array(columns.length)
  let from = 0
  while (from < rows.length) {
    // Grow the statement row by row until a column's array would pass the byte limit.
    sizes.fill(20)
    let to = from
    rows: while (to < rows.length && to - from < ARRAY_MAX_ROWS) {
      for (let j = 0; j < columns.length; j++)
        if (
          to > from &&
          (sizes[j] as number) + 4 + Math.max(0, (lengths[j] as Int32Array)[to] as number) > ARRAY_MAX_BYTES
        )
          break rows
      for (let j = 0; j < columns.length; j++)
        sizes[j] = (sizes[j] as number) + 4 + Math.max(0, (lengths[j] as Int32Array)[to] as number)
      to++
    }
    const params = columns.map((_, j) =>
      encodeArray(types[j] as ColumnType, rows, j, lengths[j] as Int32Array, from, to, sizes[j] as number),
    )
    await trx.executeQuery(CompiledQuery.raw(text, params))
    from = to
  }
}

/** The bytes of a value in binary form (-1: null); throws when it is not of the column's type. */
function elementBytes(table: string, column: string, type: ColumnType, v: unknown): number {
  if (v === null || v === undefined) return -1
  if (type === 'text') {
    if (typeof v !== 'string') throw new Error(`internal: ${table}.${column} given ${typeof v}, not a string`)
    return Buffer.byteLength(v, 'utf8')
  }
  if (
    typeof v !== 'number' ||
    !Number.isSafeInteger(v) ||
    (type === 'integer' && (v < -0x80000000 || v > 0x7fffffff))
  )
    throw new Error(
      `internal: ${table}.${column} given ${String(v)}, not ${type === 'integer' ? 'an integer' : 'a bigint'}`,
    )
  return type === 'integer' ? 4 : 8
}

/**
 * Rows [from, to) of column j as a one-dimensional array in PostgreSQL's binary format (array_recv):
 * dimensions, null flag, element type, length and lower bound, then each element as its byte
 * length (-1 for null) and bytes. `lengths` are the elements' (elementBytes), `size` the total.
 */
function encodeArray(
  type: ColumnType,
  rows: unknown[][],
  j: number,
  lengths: Int32Array,
  from: number,
  to: number,
  size: number,
): Buffer {
  const buf = Buffer.allocUnsafe(size)
  let hasNull = 0
  let o = 20
  for (let r = from; r < to; r++) {
    const v = (rows[r] as unknown[])[j]
    const n = lengths[r] as number
    if (n < 0) {
      hasNull = 1
      buf.writeInt32BE(-1, o)
      o += 4
    } else if (type === 'text') {
      buf.writeInt32BE(n, o)
      buf.write(v as string, o + 4, n, 'utf8')
      o += 4 + n
    } else if (type === 'integer') {
      buf.writeInt32BE(4, o)
      buf.writeInt32BE(v as number, o + 4)
      o += 8
    } else {
      const hi = Math.floor((v as number) / 0x100000000)
      buf.writeInt32BE(8, o)
      buf.writeInt32BE(hi, o + 4)
      buf.writeUInt32BE((v as number) - hi * 0x100000000, o + 8)
      o += 12
    }
  }
  if (o !== size) throw new Error(`internal: array of ${to - from} elements took ${o} bytes, not ${size}`)
  buf.writeInt32BE(1, 0)
  buf.writeInt32BE(hasNull, 4)
  buf.writeInt32BE(ELEMENT_OID[type], 8)
  buf.writeInt32BE(to - from, 12)
  buf.writeInt32BE(1, 16)
  return buf
}
