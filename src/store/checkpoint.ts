import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

// The checkpointer's thread: its own connection to the database file, which copies the WAL's
// committed pages back into the file (PRAGMA wal_checkpoint(PASSIVE): never waits for a reader or
// the writer, copies what it can) when told that writes happened, at most once per `gapMs`.
// CommonJS, evaluated as a string, so that it runs the same from dist/ and from the sources
// under the test runner; better-sqlite3 is required by the path the main thread resolved.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.lib)
let db
try {
  db = new Database(workerData.file)
  db.pragma('busy_timeout = 10000')
} catch (e) {
  parentPort.postMessage({ error: String(e && e.message || e) })
}
let dirty = false
let timer = null
let last = 0
let runs = 0
function run() {
  timer = null
  if (!dirty || !db) return
  dirty = false
  last = Date.now()
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
    runs++
  } catch (e) {
    // Busy or gone: the writer's own automatic checkpoint is the backstop.
  }
}
parentPort.on('message', (m) => {
  if (m === 'close') {
    if (timer) clearTimeout(timer)
    timer = null
    dirty = false
    try { if (db) db.close() } catch (e) {}
    db = undefined
    parentPort.postMessage({ closed: true, runs })
    parentPort.close()
    return
  }
  dirty = true
  if (timer === null) timer = setTimeout(run, Math.max(0, last + workerData.gapMs - Date.now()))
})
`

/** Copies a SQLite WAL back into the database file on a thread of its own (see adr/0007-store.md). */
export interface WalCheckpointer {
  /** Tells the checkpointer that a transaction committed (it starts once enough rows were written). */
  wrote(rows: number): void
  /** Whether its thread runs (for tests and the bench). */
  readonly started: boolean
  /** Stops the thread and closes its connection; how many checkpoints it ran. */
  close(): Promise<number>
}

export interface WalCheckpointerOptions {
  /** Rows written before the thread starts (small stores never need it). Default 20,000. */
  startAfter?: number
  /** Least time between two checkpoints, in ms. Default 250. */
  gapMs?: number
  /** Called once the thread runs, e.g. to raise the writer's own checkpoint threshold. */
  onStart?: () => void
  /** Called if the thread could not open the database or died: the writer's own checkpoints carry on. */
  onStop?: () => void
}

/**
 * A background checkpointer for the SQLite file `file`. Until it starts, and if it ever fails,
 * the writer's automatic checkpoints (wal_autocheckpoint) do the work inside its commits; once it
 * runs, most pages are already copied when the writer's backstop checkpoint comes.
 */
export function walCheckpointer(file: string, opts: WalCheckpointerOptions = {}): WalCheckpointer {
  const startAfter = opts.startAfter ?? 20_000
  const gapMs = opts.gapMs ?? 250
  let written = 0
  let worker: Worker | undefined
  let failed = false
  let closed = false

  const stop = () => {
    if (failed) return
    failed = true
    worker = undefined
    opts.onStop?.()
  }

  function start(): void {
    const lib = createRequire(import.meta.url).resolve('better-sqlite3')
    const w = new Worker(THREAD, { eval: true, workerData: { lib, file, gapMs } })
    // The thread never keeps the process alive on its own.
    w.unref()
    w.on('message', (m: { error?: string }) => {
      if (m.error !== undefined) stop()
    })
    w.on('error', stop)
    w.on('exit', () => {
      if (!closed) stop()
    })
    worker = w
    opts.onStart?.()
  }

  return {
    wrote(rows: number) {
      if (closed || failed) return
      written += rows
      if (worker === undefined) {
        if (written < startAfter) return
        start()
      }
      worker?.postMessage('w')
    },
    get started() {
      return worker !== undefined
    },
    async close() {
      if (closed) return 0
      closed = true
      const w = worker
      worker = undefined
      if (w === undefined) return 0
      const runs = await new Promise<number>((resolve) => {
        const done = (n: number) => resolve(n)
        w.on('message', (m: { closed?: boolean; runs?: number }) => {
          if (m.closed) done(m.runs ?? 0)
        })
        w.once('exit', () => done(0))
        w.postMessage('close')
      })
      await w.terminate().catch(() => 0)
      return runs
    },
  }
}
