// Benchmark: the findings store at fleet scale. Records a first scan of every cluster of a
// synthetic fleet (default 10,000 clusters × 50 findings = 500,000 findings) into SQLite (a temp
// file) and PostgreSQL (a unique schema on 127.0.0.1:5432/test, dropped after), then measures
// the p95 latency of the dashboard's common queries at that size, against the store directly
// (the HTTP layer adds its own cost on top; `kubedac serve` is measured by its own bench).
//
// recordScan calls in flight together share a transaction (the store's group commit), as the
// scheduler's concurrent scans do; --concurrency sets how many are in flight.
//
//   npm run bench:store -- [--clusters 10000] [--per 50] [--runs 200] [--concurrency 256] [--only sqlite|postgres]
//
// Ends with: RESULT sqlite_s=<n> postgres_s=<n> api_p95_ms=<n>
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import pg from 'pg'
import { tmpdir, userInfo } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

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

// A deterministic generator, seeded per cluster, so every run and both databases get the same
// fleet, and a cluster's scan can be made when it is recorded (as a real scan is) instead of the
// whole fleet sitting in memory.
let seed = 42
const rnd = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed / 2_147_483_648
}
// Fingerprints are hashes in real life, spread at random over the key space: a fast 64-bit mix
// (splitmix64) gives the same spread without the cost of sha256.
const MASK = (1n << 64n) - 1n
function mix(x) {
  x = (x + 0x9e3779b97f4a7c15n) & MASK
  x = ((x ^ (x >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK
  x = ((x ^ (x >> 27n)) * 0x94d049bb133111ebn) & MASK
  return x ^ (x >> 31n)
}
const fingerprint = (c, i) => {
  const a = mix(BigInt(c) * 100_000n + BigInt(i))
  return a.toString(16).padStart(16, '0') + mix(a).toString(16).padStart(16, '0')
}
const pick = (xs) => xs[Math.floor(rnd() * xs.length)]

const DETECTORS = [
  ['container-crashloop', 'critical', 'workload', 'Deployment', 'apps/v1'],
  ['image-pull-failure', 'critical', 'workload', 'Deployment', 'apps/v1'],
  ['deployment-replicas-unavailable', 'critical', 'workload', 'Deployment', 'apps/v1'],
  ['node-not-ready', 'critical', 'node', 'Node', 'v1'],
  ['pvc-pending', 'warning', 'storage', 'PersistentVolumeClaim', 'v1'],
  ['hpa-missing-resource-requests', 'warning', 'autoscaling', 'HorizontalPodAutoscaler', 'autoscaling/v2'],
  ['pdb-missing', 'warning', 'reliability', 'Deployment', 'apps/v1'],
  ['single-replica', 'warning', 'reliability', 'Deployment', 'apps/v1'],
  ['service-no-endpoints', 'warning', 'networking', 'Service', 'v1'],
  ['readiness-probe-missing', 'warning', 'reliability', 'Deployment', 'apps/v1'],
  ['memory-limit-missing', 'warning', 'workload', 'Deployment', 'apps/v1'],
  ['node-version-skew', 'warning', 'node', 'Node', 'v1'],
  ['deprecated-api-version', 'warning', 'configuration', 'Ingress', 'networking.k8s.io/v1'],
  ['image-tag-mutable', 'info', 'security', 'Deployment', 'apps/v1'],
  ['run-as-root', 'info', 'security', 'Deployment', 'apps/v1'],
  ['seccomp-profile-missing', 'info', 'security', 'Deployment', 'apps/v1'],
  ['readonly-root-filesystem-missing', 'info', 'security', 'Deployment', 'apps/v1'],
  ['sa-token-automount', 'info', 'security', 'ServiceAccount', 'v1'],
  ['liveness-probe-missing', 'info', 'reliability', 'Deployment', 'apps/v1'],
  ['configmap-unused', 'info', 'hygiene', 'ConfigMap', 'v1'],
]
// Fleet-wide causes: the same kubelet, registry or image on many clusters.
const FLEET = {
  'node-version-skew': ['kubelet v1.27.3', 'kubelet v1.26.9', 'kubelet v1.28.1'],
  'image-pull-failure': ['registry.example.com', 'ghcr.io/acme', 'quay.io/legacy'],
  'deprecated-api-version': ['networking.k8s.io/v1beta1 Ingress', 'policy/v1beta1 PodDisruptionBudget'],
}
const NAMESPACES = Array.from(
  { length: 40 },
  (_, i) =>
    pick(['payments', 'checkout', 'search', 'catalog', 'identity', 'ingest', 'billing', 'ml']) + `-${i}`,
)
const APPS = ['api', 'worker', 'frontend', 'gateway', 'scheduler', 'exporter', 'consumer', 'indexer', 'cache']
const TEAMS = Array.from({ length: 20 }, (_, i) => `team-${i}`)
const REMEDIATION = 'Fix the workload: see the runbook for the steps, then watch the next scan resolve it.'

function clusterInput(c, now) {
  seed = 1 + c
  const name = `prod-${['eu', 'us', 'ap'][c % 3]}-${String(c).padStart(5, '0')}`
  const labels = {
    team: TEAMS[c % TEAMS.length],
    env: ['prod', 'staging', 'dev'][c % 3],
    region: ['eu', 'us', 'ap'][c % 3],
  }
  const findings = []
  // About 20 workloads per cluster with findings, so a workload's findings share a cause (an incident).
  const workloads = Array.from({ length: Math.max(1, Math.round(PER / 2.5)) }, () => [
    pick(NAMESPACES),
    `${pick(APPS)}-${Math.floor(rnd() * 50)}`,
  ])
  for (let i = 0; i < PER; i++) {
    const [detector, severity, category, kind, apiVersion] = pick(DETECTORS)
    const [wns, app] = pick(workloads)
    const ns = kind === 'Node' ? undefined : wns
    const objName =
      kind === 'Node' ? `ip-10-${c % 250}-${i}-${Math.floor(rnd() * 250)}.ec2.internal` : `${app}-${i}`
    const fleetKeys = FLEET[detector]
    const f = {
      detector,
      title: `${detector.replaceAll('-', ' ')} on ${kind}`,
      severity,
      category,
      cluster: name,
      object: { apiVersion, kind, namespace: ns, name: objName },
      messageId: 'default',
      message: `${kind} ${ns ? `${ns}/` : ''}${objName}: ${detector.replaceAll('-', ' ')} for ${Math.floor(rnd() * 600)}s (observed ${Math.floor(rnd() * 40)} times, last reason ${pick(['BackOff', 'ErrImagePull', 'FailedScheduling', 'Unhealthy'])})`,
      evidence: {
        reason: pick(['BackOff', 'ErrImagePull', 'Unhealthy']),
        restarts: Math.floor(rnd() * 100),
        pods: [`${app}-${i}-abc12`, `${app}-${i}-def34`],
      },
      remediation: REMEDIATION,
      runbook: `https://kubedac.dev/runbooks/${detector}`,
      fingerprint: fingerprint(c, i),
      // A few findings share a cause (the workload), so incidents group 1–3 findings.
      cause: `${kind}/${ns ?? ''}/${kind === 'Node' ? objName : app}`,
      objectLabels: { app, 'app.kubernetes.io/part-of': ns ?? 'node' },
    }
    if (fleetKeys) f.fleetKey = pick(fleetKeys)
    findings.push(f)
  }
  return {
    cluster: { name, source: `context ${name}`, labels },
    result: {
      name,
      source: `context ${name}`,
      status: 'scanned',
      objects: 2000 + PER * 10,
      skipped: [],
      errors: [],
    },
    findings,
    detectorsRan: DETECTORS.map((d) => d[0]),
    now,
  }
}

const BASE = Date.UTC(2026, 0, 1)
const scanOf = (c) => clusterInput(c, new Date(BASE + c * 1000))
const clusterNames = Array.from({ length: CLUSTERS }, (_, c) => scanOf(c).cluster.name)

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

/** Records every cluster's first scan, `concurrency` in flight; the time includes making each scan's findings. */
async function ingest(store, concurrency) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let next = 0
  let findings = 0
  const worker = async () => {
    while (next < CLUSTERS) {
      const input = scanOf(next++)
      await store.recordScan(input)
      findings += input.findings.length
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const c = process.cpuUsage(c0)
  // The pool's backends started with this store, so their whole CPU time is this load's.
  const server = store.dialect === 'postgres' ? await backendCpu(APP_NAME) : null
  return {
    seconds: (performance.now() - t0) / 1000,
    cpu: (c.user + c.system) / 1e6,
    serverCpu: server,
    findings,
  }
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
  const names = clusterNames
  const sort = { field: 'lastSeen', dir: 'desc' }
  const cases = {
    'open critical, page 1 by last seen': () =>
      store.listFindings({ state: 'open', severity: 'critical', silenced: false, now }, sort, { limit: 50 }),
    'one cluster': () => store.listFindings({ cluster: pick(names), now }, sort, { limit: 50 }),
    'one detector, open': () =>
      store.listFindings({ detector: pick(DETECTORS)[0], state: 'open', now }, sort, { limit: 50 }),
    'one namespace, open': () =>
      store.listFindings({ namespace: pick(NAMESPACES), state: 'open', now }, sort, { limit: 50 }),
    'cluster label team, open warning': () =>
      store.listFindings(
        { clusterLabels: { team: pick(TEAMS) }, state: 'open', severity: 'warning', now },
        sort,
        { limit: 50 },
      ),
    'open incidents': () => store.listIncidents({ state: 'open' }, { limit: 50 }),
    'metrics: open by severity and detector': () => store.openFindingsBySeverityAndDetector(now),
    'metrics: last scans': () => store.lastScans(),
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
for (let c = 0; c < CLUSTERS; c++) made += scanOf(c).findings.length
const genS = (performance.now() - t0) / 1000
console.log(`making the ${made} findings alone takes ${genS.toFixed(2)} s (included in the times below)`)
let sqliteS = NaN
let postgresS = NaN
let worst = 0

if (ONLY !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-bench-store-'))
  try {
    const store = await openStore({ file: KEEP ? `${KEEP}.db` : join(dir, 'bench.db') })
    const ing = await ingest(store, CONCURRENCY)
    sqliteS = ing.seconds
    ing.analyze = await analyze(store)
    const q = await queries(store)
    report(`sqlite (${CONCURRENCY} scans in flight)`, ing, q)
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
  const store = await openStore({ url: url.toString(), schema, poolSize: 4 })
  try {
    const ing = await ingest(store, CONCURRENCY)
    postgresS = ing.seconds
    ing.analyze = await analyze(store)
    const q = await queries(store)
    report(`postgres (${CONCURRENCY} scans in flight)`, ing, q)
    worst = Math.max(worst, ...Object.values(q))
  } finally {
    await store.close()
    if (!KEEP) await dropPostgresSchema(PG_URL, schema)
  }
}

console.log(
  `RESULT sqlite_s=${sqliteS.toFixed(2)} postgres_s=${postgresS.toFixed(2)} api_p95_ms=${worst.toFixed(1)}`,
)
