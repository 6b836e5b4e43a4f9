import { CompiledQuery } from 'kysely'
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
  const key = `${ctx.dialect}\u001f${table}\u001f${n}`
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
  names.set(compiled.sql, `kdac_${table}_${n}`)
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

/** Inserts rows (arrays in `columns` order) with multi-row statements, each finished by `modify`. */
export async function insertRows<T extends keyof Database>(
  ctx: StoreContext,
  trx: Transaction<Database>,
  table: T,
  columns: readonly string[],
  rows: unknown[][],
  modify: InsertModifier<T>,
): Promise<void> {
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
