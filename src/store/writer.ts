import { sql } from 'kysely'
import { prepareScan, recordScans } from './lifecycle.js'
import type { PreparedScan, StoreContext } from './lifecycle.js'
import type { RecordScanInput, RecordScanResult } from './types.js'

/** Tables whose statistics the query planner relies on. */
const ANALYZED = ['findings', 'incidents', 'clusters', 'cluster_labels', 'scans'] as const

/**
 * Refreshes the query planner's statistics (ANALYZE, the same statement on both dialects; SQLite
 * samples, see analysis_limit). Without them both planners guess, and guess badly on big tables.
 */
export async function optimize(ctx: StoreContext): Promise<void> {
  for (const t of ANALYZED) await sql`analyze ${sql.table(t)}`.execute(ctx.db)
}

interface Pending {
  scan: PreparedScan
  resolve: (r: RecordScanResult) => void
  reject: (e: unknown) => void
}

/** Limits of one write batch. */
export interface WriterOptions {
  /** Most scans per transaction (default 256). */
  maxScans?: number
  /** Most findings per transaction, unless one scan alone has more (default 20,000). */
  maxFindings?: number
  /**
   * Transactions at once (default: 2 on PostgreSQL, so the server writes one batch while the
   * next is prepared; 1 on SQLite, which has one writer).
   */
  concurrency?: number
}

// Deadlock (a writer in another process took keys in another order) and serialisation failures
// on PostgreSQL, a lock held past busy_timeout on SQLite: the transaction changed nothing, so run it again.
const RETRYABLE = (code: string) => code === '40P01' || code === '40001' || code.startsWith('SQLITE_BUSY')

async function withRetry<T>(f: () => Promise<T>, attempts = 4): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await f()
    } catch (e) {
      const code = (e as { code?: unknown }).code
      if (i >= attempts || typeof code !== 'string' || !RETRYABLE(code)) throw e
      await new Promise((r) => setTimeout(r, 20 * i + Math.random() * 30))
    }
  }
}

/**
 * Group commit for recordScan: scans submitted while a transaction runs are written together in
 * the next one (statements shared across the batch, one commit), never two scans of one cluster
 * in a batch. Each caller gets its own scan's result. If a batch fails, its scans are retried one
 * by one, so one scan's failure is its own.
 */
export function scanWriter(ctx: StoreContext, opts: WriterOptions = {}) {
  const maxScans = opts.maxScans ?? 256
  const maxFindings = opts.maxFindings ?? 20_000
  const concurrency = opts.concurrency ?? (ctx.dialect === 'postgres' ? 2 : 1)
  const queue: Pending[] = []
  // Clusters in a running batch: their next scans wait, so a cluster's scans are written in order.
  const inFlight = new Set<string>()
  const running = new Set<Promise<void>>()
  // SQLite has no background analyser: refresh statistics each time the findings written since
  // the last refresh double (PostgreSQL's autovacuum does it there, or the caller's optimize()).
  let written = 0
  let nextAnalyze = 20_000

  function take(): Pending[] {
    const batch: Pending[] = []
    const names = new Set<string>()
    const blocked = new Set<string>()
    let findings = 0
    for (let i = 0; i < queue.length && batch.length < maxScans;) {
      const p = queue[i] as Pending
      const fits = batch.length === 0 || findings + p.scan.reported.size <= maxFindings
      // A cluster's scans keep their order: a later one waits for the next batch.
      if (names.has(p.scan.name) || blocked.has(p.scan.name) || inFlight.has(p.scan.name) || !fits) {
        blocked.add(p.scan.name)
        i++
        continue
      }
      queue.splice(i, 1)
      queuedFindings -= p.scan.reported.size
      batch.push(p)
      names.add(p.scan.name)
      findings += p.scan.reported.size
    }
    return batch
  }

  async function step(batch: Pending[]): Promise<void> {
    try {
      const results = await withRetry(() =>
        recordScans(
          ctx,
          batch.map((b) => b.scan),
        ),
      )
      batch.forEach((b, i) => b.resolve(results[i] as RecordScanResult))
      const rows = batch.reduce((n, b) => n + b.scan.reported.size, 0)
      written += rows
      ctx.wrote?.(rows)
      if (ctx.dialect === 'sqlite' && written >= nextAnalyze) {
        nextAnalyze = written * 2
        // Statistics only steer plans: a failure here must not fail the scans already written.
        await optimize(ctx).catch(() => {})
      }
    } catch (e) {
      if (batch.length === 1) {
        batch[0]?.reject(e)
        return
      }
      for (const b of batch)
        try {
          b.resolve((await withRetry(() => recordScans(ctx, [b.scan])))[0] as RecordScanResult)
        } catch (e1) {
          b.reject(e1)
        }
    }
  }

  let queuedFindings = 0

  // Another transaction starts beside a running one only once enough waits to fill it: a batch
  // started for the first scan that arrives would be a transaction (and on PostgreSQL a commit
  // and a dozen round trips) for a handful of findings, and fleet counters locked by both.
  function kick(): void {
    while (
      queue.length > 0 &&
      (running.size === 0 || (running.size < concurrency && queuedFindings >= maxFindings / 2))
    ) {
      const batch = take()
      if (batch.length === 0) return
      for (const b of batch) inFlight.add(b.scan.name)
      const run: Promise<void> = step(batch).finally(() => {
        for (const b of batch) inFlight.delete(b.scan.name)
        running.delete(run)
        kick()
      })
      running.add(run)
    }
  }

  return {
    /** Validates the scan now, then writes it with whatever else is waiting. */
    submit(input: RecordScanInput): Promise<RecordScanResult> {
      let scan: PreparedScan
      try {
        scan = prepareScan(input)
      } catch (e) {
        return Promise.reject(e)
      }
      return new Promise((resolve, reject) => {
        queue.push({ scan, resolve, reject })
        queuedFindings += scan.reported.size
        kick()
      })
    },
    /** Resolves when everything submitted so far is written (or failed). */
    async drain(): Promise<void> {
      while (running.size > 0) await Promise.all(running)
    },
  }
}
