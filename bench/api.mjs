/* global fetch */
// Benchmark: the HTTP API of `kubedac serve` at fleet scale. Fills a store with a synthetic fleet
// (default 10,000 clusters × 50 findings = 500,000 findings) and measures the p95 latency of the
// dashboard's common requests over real HTTP (loopback, keep-alive), through the same fastify
// server, validation, serialisation and store queries that `kubedac serve` runs.
//
//   npm run bench:api -- [--clusters 10000] [--per 50] [--runs 200] [--postgres postgres://127.0.0.1:5432/test] [--no-analyze]
//
// Other benches can measure their own store over HTTP: import { measureApi } from './api.mjs'.
// Ends with: RESULT api_p95_ms=<n> (the slowest request's p95) requests=<n>
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { fill, syntheticFleet } from './store-fleet.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const dist = resolve(here, '../dist')

function p95(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]
}

/**
 * Serves `store` on 127.0.0.1 (a free port) and measures the p95 of the dashboard's requests.
 * `pick` gives random values for the filters: { cluster(), namespace(), team(), detector() }.
 * Each request runs `runs` times (after 5 to warm up), or fewer (at least 20) once `budgetMs` is spent.
 * Returns { cases: {name: p95 ms}, worst, requests }.
 */
export async function measureApi(store, pick, { runs = 200, budgetMs = 60_000, log = console.log } = {}) {
  const { createServer } = await import(join(dist, 'serve/server.js'))
  const { createMetrics } = await import(join(dist, 'serve/metrics.js'))
  const { loadBuiltinDetectors } = await import(join(dist, 'detect/registry.js'))
  const { detectorCatalog } = await import(join(dist, 'serve/dto.js'))
  const all = await loadBuiltinDetectors()
  const catalog = detectorCatalog(all, new Map(all.map((d) => [d.meta.id, d.meta.severity])))
  const metrics = createMetrics({
    store,
    detectors: catalog.map((d) => d.id),
    receivers: [],
    processMetrics: false,
  })
  const app = createServer({ store, detectors: catalog, metrics })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const base = `http://127.0.0.1:${app.server.address().port}`
  const fp = (await store.listFindings({}, undefined, { limit: 1 })).items[0]?.fingerprint
  const cases = {
    'healthz (the HTTP round trip alone)': () => `/healthz`,
    'findings: open, newest first, page 1': () => `/api/v1/findings?state=open&limit=50`,
    'findings: open critical, not silenced, page 1': () =>
      `/api/v1/findings?state=open&severity=critical&silenced=false&limit=50`,
    'findings: one cluster': () => `/api/v1/findings?cluster=${pick.cluster()}&limit=50`,
    'findings: one detector, open': () => `/api/v1/findings?detector=${pick.detector()}&state=open&limit=50`,
    'findings: one namespace, open': () =>
      `/api/v1/findings?namespace=${pick.namespace()}&state=open&limit=50`,
    'findings: cluster label team, open warning': () =>
      `/api/v1/findings?labels=team=${pick.team()}&state=open&severity=warning&limit=50`,
    'findings: next page (cursor)': async () => {
      const r = await (await fetch(`${base}/api/v1/findings?state=open&limit=50`)).json()
      return `/api/v1/findings?state=open&limit=50&cursor=${encodeURIComponent(r.nextCursor)}`
    },
    'finding by fingerprint': () => `/api/v1/findings/${fp}`,
    'incidents: open, page 1': () => `/api/v1/incidents?state=open&limit=50`,
    'cluster with counts': () => `/api/v1/clusters/${pick.cluster()}`,
    'clusters: label selector': () => `/api/v1/clusters?labels=team=${pick.team()}`,
    'scans of a cluster': () => `/api/v1/scans?cluster=${pick.cluster()}&limit=20`,
    'metrics scrape': () => `/metrics`,
  }
  const out = {}
  let requests = 0
  try {
    for (const [name, url] of Object.entries(cases)) {
      const times = []
      const end = performance.now() + budgetMs
      // A slow request gets fewer runs (its time budget), not a bench that never ends.
      for (let i = -5; i < runs && (i < 20 || performance.now() < end); i++) {
        const path = await url()
        const t0 = performance.now()
        const r = await fetch(base + path)
        await r.arrayBuffer()
        const ms = performance.now() - t0
        if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`)
        requests++
        if (i >= 0) times.push(ms) // the first few warm up
      }
      out[name] = p95(times)
      log(
        `  p95 ${out[name].toFixed(1).padStart(7)} ms  ${name}${times.length < runs ? ` (${times.length} runs)` : ''}`,
      )
    }
  } finally {
    await app.close()
  }
  return { cases: out, worst: Math.max(...Object.values(out)), requests }
}

// --- standalone run ---------------------------------------------------------------------------

async function main() {
  const args = process.argv.slice(2)
  const flag = (name, def) => {
    const i = args.indexOf(`--${name}`)
    return i >= 0 ? args[i + 1] : def
  }
  const CLUSTERS = Number(flag('clusters', 10_000))
  const PER = Number(flag('per', 50))
  const RUNS = Number(flag('runs', 200))
  const PG = flag('postgres', '')
  const NO_ANALYZE = args.includes('--no-analyze')
  const { openStore, dropPostgresSchema } = await import(join(dist, 'store/index.js'))

  const fleet = syntheticFleet({ clusters: CLUSTERS, per: PER })
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-bench-api-'))
  let schema
  let store
  try {
    if (PG) {
      schema = `kdac_bench_api_${process.pid}_${Date.now()}`
      store = await openStore({ url: PG, schema })
    } else store = await openStore({ file: join(dir, 'api.db') })
    const { seconds, findings } = await fill(store, fleet, { concurrency: 256 })
    console.log(
      `${store.dialect}: ${findings} findings from ${CLUSTERS} clusters recorded in ${seconds.toFixed(1)} s`,
    )
    // Planner statistics as autovacuum (PostgreSQL, within a minute or two of a bulk load) or the
    // store itself (SQLite, as findings double) keeps them. Right after a 500,000-finding load and
    // before any ANALYZE, PostgreSQL planned some filtered lists badly (0.1–1.6 s p95).
    if (!NO_ANALYZE) await store.optimize()
    console.log(`HTTP p95 over ${RUNS} requests each (127.0.0.1, keep-alive):`)
    const r = await measureApi(store, fleet.pick, { runs: RUNS })
    console.log(`RESULT api_p95_ms=${r.worst.toFixed(1)} requests=${r.requests}`)
  } finally {
    await store?.close()
    if (schema) await dropPostgresSchema(PG, schema)
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
