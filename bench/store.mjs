// Benchmark: the findings store at fleet scale. Records a first scan of every cluster of a
// synthetic fleet (default 10,000 clusters × 50 findings = 500,000 findings) into SQLite (a temp
// file) and PostgreSQL (a unique schema on 127.0.0.1:5432/test, dropped after), then measures
// the p95 latency of the dashboard's common queries at that size, against the store directly
// (the HTTP layer adds its own cost on top; `kubedac serve` is measured by its own bench).
//
// recordScan calls in flight together share a transaction (the store's group commit), as the
// scheduler's concurrent scans do; --concurrency sets how many are in flight.
//
//   npm run bench:store -- [--clusters 10000] [--per 50] [--runs 200] [--concurrency 64] [--only sqlite|postgres]
//
// Ends with: RESULT sqlite_s=<n> postgres_s=<n> api_p95_ms=<n>
import { hash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
const CONCURRENCY = Number(flag('concurrency', 64))
const ONLY = flag('only', '')
const PG_URL = flag('url', 'postgres://127.0.0.1:5432/test')

// A deterministic generator, so every run and both databases get the same fleet.
let seed = 42
const rnd = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
  return seed / 2_147_483_648
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
      fingerprint: hash(
        'sha256',
        `${detector}\u0000${name}\u0000${kind}\u0000${ns ?? ''}\u0000${objName}\u0000${i}`,
      ).slice(0, 32),
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

function fleet() {
  const base = Date.UTC(2026, 0, 1)
  seed = 42
  const inputs = []
  for (let c = 0; c < CLUSTERS; c++) inputs.push(clusterInput(c, new Date(base + c * 1000)))
  return inputs
}

async function ingest(store, inputs, concurrency) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let next = 0
  let findings = 0
  const worker = async () => {
    while (next < inputs.length) {
      const input = inputs[next++]
      await store.recordScan(input)
      findings += input.findings.length
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const c = process.cpuUsage(c0)
  return { seconds: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6, findings }
}

function p95(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]
}

async function queries(store, inputs) {
  const now = new Date(Date.UTC(2026, 0, 2))
  const names = inputs.map((i) => i.cluster.name)
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
    `${label}: ${ing.findings} findings from ${CLUSTERS} clusters in ${ing.seconds.toFixed(2)} s (${Math.round(ing.findings / ing.seconds)} findings/s; this process used ${ing.cpu.toFixed(2)} s of CPU)`,
  )
  for (const [name, ms] of Object.entries(q)) console.log(`  p95 ${ms.toFixed(1).padStart(7)} ms  ${name}`)
}

const t0 = performance.now()
const inputs = fleet()
console.log(`generated ${CLUSTERS * PER} findings in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
let sqliteS = NaN
let postgresS = NaN
let worst = 0

if (ONLY !== 'postgres') {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-bench-store-'))
  try {
    const store = await openStore({ file: join(dir, 'bench.db') })
    const ing = await ingest(store, inputs, CONCURRENCY)
    sqliteS = ing.seconds
    const q = await queries(store, inputs)
    report(`sqlite (${CONCURRENCY} scans in flight)`, ing, q)
    worst = Math.max(worst, ...Object.values(q))
    await store.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

if (ONLY !== 'sqlite') {
  const schema = `kdac_bench_${process.pid}_${Date.now()}`
  const store = await openStore({ url: PG_URL, schema, poolSize: 4 })
  try {
    const ing = await ingest(store, inputs, CONCURRENCY)
    postgresS = ing.seconds
    const q = await queries(store, inputs)
    report(`postgres (${CONCURRENCY} scans in flight)`, ing, q)
    worst = Math.max(worst, ...Object.values(q))
  } finally {
    await store.close()
    await dropPostgresSchema(PG_URL, schema)
  }
}

console.log(
  `RESULT sqlite_s=${sqliteS.toFixed(2)} postgres_s=${postgresS.toFixed(2)} api_p95_ms=${worst.toFixed(1)}`,
)
