// Benchmark: the findings store at fleet scale. Records a first scan of every cluster of a
// synthetic fleet (default 10,000 clusters × 50 findings = 500,000 findings) into SQLite (a temp
// file) and PostgreSQL (a unique schema on 127.0.0.1:5432/test, dropped after), then measures
// the p95 latency of the dashboard's common queries at that size, against the store directly
// (the HTTP layer adds its own cost on top; `kubedac serve` is measured by its own bench).
//
// recordScan calls in flight together share a transaction (the store's group commit), as the
// scheduler's concurrent scans do; --concurrency sets how many are in flight.
//
// Then every cluster is scanned once more (a day later, the same findings reported again: the
// steady state of `kubedac serve`, where each round re-records what is still there), timed apart;
// --no-rescan skips it. Before each store, the same run measures its floor (bench/store-floor.mjs): the same finding
// rows, built by the store's own code, written straight into the findings table with its primary
// key only, in transactions of the same size. The store's time over the floor is what its
// indexes, incidents and lifecycle cost; --no-floor skips it.
//
//   npm run bench:store -- [--clusters 10000] [--per 50] [--runs 200] [--concurrency 256] [--only sqlite|postgres]
//                          [--wal-checkpoint background|writer] [--no-floor] [--no-rescan]
//
// Ends with: RESULT sqlite_s=<n> postgres_s=<n> api_p95_ms=<n> sqlite_floor_s=<n> postgres_floor_s=<n>
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import pg from 'pg'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { fill, syntheticFleet } from './store-fleet.mjs'
import { postgresFloor, sqliteFloor } from './store-floor.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const { openStore, dropPostgresSchema } = await import(join(resolve(here, '../dist'), 'store/index.js'))

const args = process.argv.slice(2)
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : def
}
const CLUSTERS = Number(flag('clusters', 10_000))
const PER = Number(flag('per', 50))
const RUNS = Number(flag('runs', 200))
const CONCURRENCY = Number(flag('concurrency', 256))
const ONLY = flag('only', '')
const PG_URL = flag('url', 'postgres://127.0.0.1:5432/test')
// Keep the databases for a look afterwards: the SQLite file at this path, the PostgreSQL schema by this name.
const KEEP = flag('keep', '')
// SQLite: 'background' (the store's default: a checkpointer thread) or 'writer' (checkpoints inside its commits).
const WAL_CHECKPOINT = flag('wal-checkpoint', 'background')
const FLOOR = !args.includes('--no-floor')
const RESCAN = !args.includes('--no-rescan')

const fleet = syntheticFleet({ clusters: CLUSTERS, per: PER })
const { pick } = fleet

/** CPU seconds used by the local PostgreSQL backends serving this bench (Linux /proc; null elsewhere). */
async function backendCpu(appName) {
  const client = new pg.Client({ connectionString: withUser(PG_URL) })
  try {
    await client.connect()
    const r = await client.query('select pid from pg_stat_activity where application_name = $1', [appName])
    const pids = r.rows.map((x) => x.pid)
    let ticks = 0
    for (const pid of pids) {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ticks += Number(f[11]) + Number(f[12])
    }
    return ticks / 100
  } catch {
    return null
  } finally {
    await client.end().catch(() => {})
  }
}

// The bench's own connections, told apart from anything else the server runs.
const APP_NAME = `kdac_bench_${process.pid}`
function withUser(url) {
  const u = new URL(url)
  if (!u.username && !process.env.PGUSER) u.username = userInfo().username
  return u.toString()
}

/** Records every cluster's first scan (see fill), with the CPU time of the PostgreSQL backends. */
async function ingest(store, concurrency) {
  const r = await fill(store, fleet, { concurrency })
  // The pool's backends started with this store, so their whole CPU time is this load's.
  return { ...r, serverCpu: store.dialect === 'postgres' ? await backendCpu(APP_NAME) : null }
}

/** Every cluster's second scan (the same findings again), when asked. */
async function rescan(label, store) {
  if (!RESCAN) return
  const r = await fill(store, fleet, { concurrency: CONCURRENCY, round: 1 })
  console.log(
    `${label} again, a day later (every finding seen again): ${r.findings} findings in ${r.seconds.toFixed(2)} s (${Math.round(r.findings / r.seconds)} findings/s; this process used ${r.cpu.toFixed(2)} s of CPU)`,
  )
}

/** Refreshes the planner's statistics after the load, as autovacuum (or kubedac serve) would; timed apart. */
async function analyze(store) {
  const t0 = performance.now()
  await store.optimize()
  return (performance.now() - t0) / 1000
}

function p95(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]
}

async function queries(store) {
  const now = new Date(Date.UTC(2026, 0, 2))
  const sort = { field: 'lastSeen', dir: 'desc' }
  const cases = {
    'open, page 1 by last seen': () => store.listFindings({ state: 'open', now }, sort, { limit: 50 }),
    'open critical, page 1 by last seen': () =>
      store.listFindings({ state: 'open', severity: 'critical', silenced: false, now }, sort, { limit: 50 }),
    'one cluster': () => store.listFindings({ cluster: pick.cluster(), now }, sort, { limit: 50 }),
    'one detector, open': () =>
      store.listFindings({ detector: pick.detector(), state: 'open', now }, sort, { limit: 50 }),
    'one namespace, open': () =>
      store.listFindings({ namespace: pick.namespace(), state: 'open', now }, sort, { limit: 50 }),
    'cluster label team, open warning': () =>
      store.listFindings(
        { clusterLabels: { team: pick.team() }, state: 'open', severity: 'warning', now },
        sort,
        { limit: 50 },
      ),
    'open incidents': () => store.listIncidents({ state: 'open' }, { limit: 50 }),
    'metrics: open by severity and detector': () => store.openFindingsBySeverityAndDetector(now),
    'metrics: clusters by last scan status': () => store.clustersByStatus(),
  }
  const out = {}
  for (const [name, run] of Object.entries(cases)) {
    await run() // warm
    const times = []
    for (let i = 0; i < RUNS; i++) {
      const t0 = performance.now()
      await run()
      times.push(performance.now() - t0)
    }
    out[name] = p95(times)
  }
  return out
}

function report(label, ing, q) {
  console.log(
    `${label}: ${ing.findings} findings from ${CLUSTERS} clusters in ${ing.seconds.toFixed(2)} s (${Math.round(ing.findings / ing.seconds)} findings/s; this process used ${ing.cpu.toFixed(2)} s of CPU${label.startsWith('postgres') && ing.serverCpu !== null ? `, its PostgreSQL backends ${ing.serverCpu.toFixed(2)} s` : ''})`,
  )
  console.log(`  then ANALYZE: ${ing.analyze.toFixed(2)} s (not counted above)`)
  for (const [name, ms] of Object.entries(q)) console.log(`  p95 ${ms.toFixed(1).padStart(7)} ms  ${name}`)
}

const t0 = performance.now()
let made = 0
for (let c = 0; c < CLUSTERS; c++) made += fleet.scanOf(c).findings.length
const genS = (performance.now() - t0) / 1000
console.log(`making the ${made} findings alone takes ${genS.toFixed(2)} s (included in the times below)`)
let sqliteS = NaN
let postgresS = NaN
let sqliteFloorS = NaN
let postgresFloorS = NaN
let worst = 0

function reportFloor(label, f) {
  console.log(
    `${label} floor: the same ${f.findings} finding rows, primary key only, in ${f.seconds.toFixed(2)} s (${f.dbSeconds.toFixed(2)} s of it writing them; this process used ${f.cpu.toFixed(2)} s of CPU)`,
  )
}

if (ONLY !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-bench-store-'))
  try {
    if (FLOOR) {
      const f = await sqliteFloor(fleet, join(dir, 'floor.db'))
      sqliteFloorS = f.seconds
      reportFloor('sqlite', f)
      for (const s of ['', '-wal', '-shm']) rmSync(join(dir, `floor.db${s}`), { force: true })
    }
    const store = await openStore({
      file: KEEP ? `${KEEP}.db` : join(dir, 'bench.db'),
      walCheckpoint: WAL_CHECKPOINT,
    })
    const ing = await ingest(store, CONCURRENCY)
    sqliteS = ing.seconds
    ing.analyze = await analyze(store)
    const q = await queries(store)
    report(`sqlite (${CONCURRENCY} scans in flight, WAL checkpoints: ${WAL_CHECKPOINT})`, ing, q)
    await rescan('sqlite', store)
    worst = Math.max(worst, ...Object.values(q))
    await store.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (ONLY !== 'sqlite') {
  const schema = KEEP ? KEEP.replace(/\W/g, '_').toLowerCase() : `kdac_bench_${process.pid}_${Date.now()}`
  const url = new URL(PG_URL)
  url.searchParams.set('application_name', APP_NAME)
  if (FLOOR) {
    const floorSchema = `kdac_bench_floor_${process.pid}_${Date.now()}`
    try {
      const f = await postgresFloor(fleet, PG_URL, floorSchema)
      postgresFloorS = f.seconds
      reportFloor('postgres', f)
    } finally {
      await dropPostgresSchema(PG_URL, floorSchema)
    }
  }
  const store = await openStore({ url: url.toString(), schema, poolSize: 4 })
  try {
    const ing = await ingest(store, CONCURRENCY)
    postgresS = ing.seconds
    ing.analyze = await analyze(store)
    const q = await queries(store)
    report(`postgres (${CONCURRENCY} scans in flight)`, ing, q)
    await rescan('postgres', store)
    worst = Math.max(worst, ...Object.values(q))
  } finally {
    await store.close()
    if (!KEEP) await dropPostgresSchema(PG_URL, schema)
  }
}

console.log(
  `RESULT sqlite_s=${sqliteS.toFixed(2)} postgres_s=${postgresS.toFixed(2)} api_p95_ms=${worst.toFixed(1)} sqlite_floor_s=${sqliteFloorS.toFixed(2)} postgres_floor_s=${postgresFloorS.toFixed(2)}`,
)
