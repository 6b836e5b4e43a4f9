// Benchmark: `kubedac scan` of a simulated fleet (src/sim) against the floor measured in the same
// run, a bare fetch + JSON.parse of the same responses with the same concurrency.
//
//   npm run bench:fleet -- --clusters 10000 --pods 30 --latency 50
//   npm run bench:fleet -- --clusters 1 --pods 150000 --nodes 500 --concurrency 1
//
// Three processes, so that their CPU and memory are apart: the simulator, the scanner (the real
// pipeline: kubeconfig inventory, collector, snapshot, 136 detectors, findings, JSON report
// rendered), then the floor. The floor sends the URLs the scanner sent (taken from the simulator's
// log of one cluster; continue pages followed), with the same Accept and gzip headers, one keep-alive
// agent per cluster as the collector, the same number of clusters and requests at once, and
// JSON.parses every body; no inventory, no detection.
//
// Options: --runs N (scanner/floor pairs; the median is reported) --clusters N --pods P --nodes N --replicas R (per Deployment) --latency MS --faults RATE (0–1) --down RATE (0–1)
//          --concurrency C (clusters at once; default: the scanner's) --kind-concurrency K
//          --padding BYTES --variants V --rv0 full|paged --tls --no-floor --no-render --timeout-ms MS
//          --report stream|whole (the JSON report written cluster by cluster to a temp file, as kubedac scan -o
//          does, default; or built whole and rendered as one string, as before it streamed)
//          --no-adaptive (the scan's clusters at once fixed at --concurrency, not following the load)
//
// Ends with: RESULT wall_s=<n> floor_s=<n> ratio=<n> requests_per_cluster=<n> peak_rss_mb=<n>
//
// KUBEDAC_BENCH_NODE_ARGS (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`) is passed to the three
// children's node (NODE_OPTIONS does not take --cpu-prof).
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGunzip } from 'node:zlib'
import { streamJsonReport } from './stream-report.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const dist = process.env.KUBEDAC_DIST ? resolve(process.env.KUBEDAC_DIST) : resolve(here, '../dist')
const args = process.argv.slice(2)
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def
}
const has = (name) => args.includes(`--${name}`)
const num = (name, def) => {
  const v = flag(name, undefined)
  if (v === undefined) return def
  const n = Number(v)
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${JSON.stringify(v)}`)
  return n
}
const mb = (bytes) => (bytes / 1048576).toFixed(1)
const nodeArgs = (process.env.KUBEDAC_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean)

// ------------------------------------------------------------------------------------ children

async function simChild() {
  const { startSimulator } = await import(join(dist, 'sim/server.js'))
  const clusters = num('clusters', 100)
  const sim = await startSimulator({
    clusters,
    nodes: num('nodes', 3),
    pods: num('pods', 30),
    padding: num('padding', 0),
    replicas: num('replicas', 3),
    variants: num('variants', Math.min(clusters, 16)),
    latencyMs: num('latency', 0),
    downRate: num('down', 0),
    faults: { rate: num('faults', 0) },
    rv0: flag('rv0', 'full'),
    tls: has('tls'),
    // One cluster's requests are logged: the floor replays them for every cluster.
    logClusters: [],
  })
  const kubeconfig = flag('kubeconfig-out')
  await sim.writeKubeconfig(kubeconfig)
  process.stdout.write(JSON.stringify({ url: sim.url, first: sim.names[0], ca: sim.caData }) + '\n')
  process.stdin.resume()
  process.stdin.on('end', () => sim.close().then(() => process.exit(0)))
}

async function scanChild() {
  const { loadRegistry } = await import(join(dist, 'cli/context.js'))
  const { kubeTargets } = await import(join(dist, 'collect/kubeconfig.js'))
  const { createKubernetesCollector } = await import(join(dist, 'collect/kubernetes.js'))
  const { scan, scanStream, defaultConcurrency, collectCluster } = await import(join(dist, 'pipeline.js'))
  const { renderReport } = await import(join(dist, 'report/index.js'))
  const reg = await loadRegistry({})
  const { DEFAULT_KIND_CONCURRENCY } = await import(join(dist, 'collect/kubernetes.js'))
  const kindConcurrency = num('kind-concurrency', 0) || DEFAULT_KIND_CONCURRENCY
  const collectors = reg.collectors.map((c) =>
    c.meta.id === 'kubernetes' ? createKubernetesCollector({ concurrency: kindConcurrency }) : c,
  )
  // The clock starts after module and detector loading (start-up, the same for any fleet).
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  const { targets, errors } = kubeTargets({ kubeconfig: flag('kubeconfig'), allContexts: true })
  const t1 = performance.now()
  const concurrency = num('concurrency', 0) || defaultConcurrency(targets)
  // --detectors none|warning: the collection alone (snapshots built, no detection), or without the
  // hygiene (info) detectors, to see where the time goes.
  const only = flag('detectors', 'all')
  const detectors = reg.enabled.filter((d) => (only === 'warning' ? d.severity !== 'info' : true))
  // The report as kubedac scan --format json -o FILE writes it (cluster by cluster, findings dropped),
  // or with --report whole as it was built before (every finding kept, rendered as one string).
  const whole = flag('report', 'stream') === 'whole'
  const stream =
    only !== 'none' && !whole
      ? await streamJsonReport(
          dist,
          (emit) =>
            scanStream({ targets, detectors, collectors, concurrency, adaptive: !has('no-adaptive'), emit }),
          { inputErrors: errors, render: !has('no-render') },
        )
      : undefined
  const streamed = stream ?? { findings: 0, bytes: 0, renderMs: 0 }
  const report =
    only === 'none'
      ? await collectOnly(targets, collectors, detectors, concurrency, collectCluster)
      : stream
        ? { clusters: stream.clusters, findings: [], errors: stream.errors }
        : await scan({
            targets,
            detectors,
            collectors,
            concurrency,
            adaptive: !has('no-adaptive'),
            inputErrors: errors,
          })
  const t2 = performance.now()
  let rendered = 0
  let renderError = ''
  try {
    if (!whole) rendered = streamed.bytes
    else if (!has('no-render')) rendered = renderReport('json', report, { detectors: new Map() }).length
  } catch (e) {
    // A report bigger than a JavaScript string (half a GiB) cannot be rendered as one: say so.
    renderError = String(e)
  }
  const t3 = performance.now()
  const cpu = process.cpuUsage(c0)
  const statuses = {}
  for (const c of report.clusters) statuses[c.status] = (statuses[c.status] ?? 0) + 1
  const codes = {}
  for (const e of report.errors) codes[e.code] = (codes[e.code] ?? 0) + 1
  process.stdout.write(
    JSON.stringify({
      wallMs: t3 - t0,
      inventoryMs: t1 - t0,
      scanMs: t2 - t1,
      renderMs: whole ? t3 - t2 : streamed.renderMs,
      cpuMs: (cpu.user + cpu.system) / 1000,
      concurrency,
      kindConcurrency,
      clusters: report.clusters.length,
      statuses,
      codes,
      objects: report.clusters.reduce((n, c) => n + c.objects, 0),
      findings: whole ? report.findings.length : streamed.findings,
      renderedBytes: rendered,
      renderError,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    }) + '\n',
  )
}

/** Collection and snapshots only, admitted as the scan admits clusters: a report without findings. */
async function collectOnly(targets, collectors, detectors, concurrency, collectCluster) {
  const { statusOf, admission, DEFAULT_OBJECT_BUDGET } = await import(join(dist, 'pipeline.js'))
  const gate = admission(concurrency, DEFAULT_OBJECT_BUDGET)
  const clusters = []
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, targets.length) }, async () => {
      while (next < targets.length) {
        await gate.enter()
        if (next >= targets.length) {
          gate.leave(undefined)
          break
        }
        const t = targets[next++]
        const { snapshot, errors } = await collectCluster(t, collectors, detectors)
        gate.leave(snapshot.size)
        clusters.push({ name: t.name, status: statusOf(errors), objects: snapshot.size, errors })
      }
    }),
  )
  return { clusters, findings: [], errors: clusters.flatMap((c) => c.errors) }
}

/** The floor: the scanner's requests, bare (fetch, gunzip, JSON.parse), with the same concurrency. */
async function floorChild() {
  const { ListStreamParser } = await import(join(dist, 'collect/json-list.js'))
  const HUGE = 256 * 1024 * 1024
  const cfg = JSON.parse(readFileSync(flag('kubeconfig'), 'utf8'))
  const plan = JSON.parse(readFileSync(flag('plan'), 'utf8'))
  const concurrency = num('concurrency', 1)
  const perCluster = num('per-cluster', 8)
  const users = new Map(cfg.users.map((u) => [u.name, u.user]))
  const clusters = new Map(cfg.clusters.map((c) => [c.name, c.cluster]))
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let bodies = 0
  let failures = 0
  const one = async (ctx) => {
    const cl = clusters.get(ctx.context.cluster)
    const token = users.get(ctx.context.user).token
    const url = new URL(cl.server)
    const secure = url.protocol === 'https:'
    const agent = secure
      ? new https.Agent({
          keepAlive: true,
          ca: Buffer.from(cl['certificate-authority-data'] ?? '', 'base64'),
        })
      : new http.Agent({ keepAlive: true })
    const base = url.pathname.replace(/\/+$/, '')
    const get = (path, accept) =>
      new Promise((resolvePromise, reject) => {
        const req = (secure ? https : http).request(
          {
            hostname: url.hostname,
            port: url.port,
            path: base + path,
            agent,
            headers: { authorization: `Bearer ${token}`, accept, 'accept-encoding': 'gzip' },
          },
          (res) => {
            const s = res.headers['content-encoding'] === 'gzip' ? res.pipe(createGunzip()) : res
            let chunks = []
            let size = 0
            let parser
            s.on('data', (c) => {
              if (parser) return parser.write(c)
              chunks.push(c)
              size += c.length
              // A body bigger than a JavaScript string can be (a 150,000-pod list answered whole)
              // cannot be JSON.parsed at once: parse it item by item, keeping nothing.
              if (size > HUGE) {
                parser = new ListStreamParser(() => undefined)
                for (const b of chunks) parser.write(b)
                chunks = []
              }
            })
            s.on('error', reject)
            s.on('end', () =>
              resolvePromise({
                status: res.statusCode,
                body: parser ? parser.end() : JSON.parse(Buffer.concat(chunks).toString()),
              }),
            )
          },
        )
        req.on('error', reject)
        req.end()
      })
    const fetchAll = async (entry) => {
      let path = entry.url
      for (;;) {
        const r = await get(path, entry.accept)
        bodies++
        if (r.status !== 200) {
          failures++
          return
        }
        const cont = r.body?.metadata?.continue
        if (!cont) return
        const u = new URL(entry.url, 'http://x')
        u.searchParams.delete('resourceVersion')
        u.searchParams.set('continue', cont)
        path = u.pathname + u.search
      }
    }
    // Discovery first (the scanner needs it before listing), then the lists, K at once.
    await Promise.all(plan.discovery.map(fetchAll))
    const queue = [...plan.lists]
    await Promise.all(
      Array.from({ length: Math.min(perCluster, queue.length) }, async () => {
        for (let e = queue.shift(); e; e = queue.shift()) await fetchAll(e)
      }),
    )
    agent.destroy()
  }
  const contexts = cfg.contexts
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(concurrency, contexts.length) }, async () => {
      while (next < contexts.length) {
        const ctx = contexts[next++]
        if (clusters.get(ctx.context.cluster).server.includes('127.0.0.1:1/')) continue // down
        try {
          await one(ctx)
        } catch {
          failures++
        }
      }
    }),
  )
  const cpu = process.cpuUsage(c0)
  process.stdout.write(
    JSON.stringify({
      wallMs: performance.now() - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      bodies,
      failures,
      maxRssBytes: process.resourceUsage().maxRSS * 1024,
    }) + '\n',
  )
}

// ------------------------------------------------------------------------------------ parent

function runChild(role, extra) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(
      process.execPath,
      [...nodeArgs, fileURLToPath(import.meta.url), '--child', role, ...args, ...extra],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`${role} exited with ${code}`))
      resolvePromise(JSON.parse(out.trim().split('\n').pop()))
    })
  })
}

/** GET of the simulator's own endpoints (/_sim/…), trusting its certificate when it serves TLS. */
let simCa
function getJson(url) {
  return new Promise((resolvePromise, reject) => {
    const mod = url.startsWith('https:') ? https : http
    const req = mod.get(url, simCa ? { ca: simCa } : {}, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d) => (body += d))
      res.on('end', () => resolvePromise(JSON.parse(body)))
    })
    req.on('error', reject)
  })
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-bench-fleet-'))
  const kubeconfig = join(dir, 'kubeconfig')
  const sim = spawn(
    process.execPath,
    [...nodeArgs, fileURLToPath(import.meta.url), '--child', 'sim', ...args, '--kubeconfig-out', kubeconfig],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const cleanup = () => {
    sim.stdin.end()
    rmSync(dir, { recursive: true, force: true })
  }
  process.on('exit', () => sim.kill())
  try {
    const info = await new Promise((resolvePromise, reject) => {
      let buf = ''
      sim.stdout.on('data', (d) => {
        buf += d
        if (buf.includes('\n')) resolvePromise(JSON.parse(buf.split('\n')[0]))
      })
      sim.on('exit', (code) => reject(new Error(`simulator exited with ${code}`)))
    })
    simCa = info.ca
    const clusters = num('clusters', 100)
    const stats = async () => (await getJson(`${info.url}/_sim/stats`)).totals
    const log = async () => getJson(`${info.url}/_sim/log`)
    await getJson(`${info.url}/_sim/reset?log=${encodeURIComponent(info.first)}`)
    process.stderr.write(
      `fleet: ${clusters} clusters, ${num('pods', 30)} pods, ${num('nodes', 3)} nodes, ${num('latency', 0)} ms latency, faults ${num('faults', 0)}\n`,
    )

    // Scanner and floor alternate, `--runs` pairs (default 3, 1 above 2000 clusters): on a shared
    // machine the ratio is the median of back-to-back pairs, each run against a fresh server count.
    const runs = num('runs', clusters > 2000 ? 1 : 3)
    const scans = []
    const floors = []
    let scanStats
    let plan
    for (let r = 0; r < runs; r++) {
      await getJson(`${info.url}/_sim/reset?log=${encodeURIComponent(info.first)}`)
      const scanned = await runChild('scan', ['--kubeconfig', kubeconfig])
      scans.push(scanned)
      if (r === 0) {
        scanStats = await stats()
        // What the scanner asked of one cluster: the floor asks every cluster the same (minus retries).
        const entries = (await log()).filter((e) => e.status === 200)
        const seen = new Set()
        plan = { discovery: [], lists: [] }
        for (const e of entries) {
          const u = new URL(e.url, 'http://x')
          if (u.searchParams.has('continue')) continue
          const key = `${e.url} ${e.accept}`
          if (seen.has(key)) continue
          seen.add(key)
          ;(u.searchParams.has('limit') ? plan.lists : plan.discovery).push({ url: e.url, accept: e.accept })
        }
        writeFileSync(join(dir, 'plan.json'), JSON.stringify(plan))
      }
      if (has('no-floor')) continue
      await getJson(`${info.url}/_sim/reset`)
      floors.push(
        await runChild('floor', [
          '--kubeconfig',
          kubeconfig,
          '--plan',
          join(dir, 'plan.json'),
          '--concurrency',
          String(scanned.concurrency),
          '--per-cluster',
          String(scanned.kindConcurrency),
        ]),
      )
      process.stderr.write(
        `run ${r + 1}/${runs}: scanner ${(scanned.wallMs / 1000).toFixed(2)} s${floors.length ? `, floor ${(floors.at(-1).wallMs / 1000).toFixed(2)} s` : ''}\n`,
      )
    }
    const median = (xs) => {
      const a = [...xs].sort((x, y) => x - y)
      return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2
    }
    // The run with the median wall time stands for all (its phases add up); peak RSS is the highest.
    const medianRun = (xs) => [...xs].sort((a, b) => a.wallMs - b.wallMs)[(xs.length - 1) >> 1]
    const scanned = { ...medianRun(scans), maxRssBytes: Math.max(...scans.map((s) => s.maxRssBytes)) }
    const floor = floors.length
      ? { ...medianRun(floors), maxRssBytes: Math.max(...floors.map((f) => f.maxRssBytes)) }
      : undefined
    const pairRatio = floors.length ? median(floors.map((f, i) => scans[i].wallMs / f.wallMs)) : NaN
    const pairCpuRatio = floors.length ? median(floors.map((f, i) => scans[i].cpuMs / f.cpuMs)) : NaN
    const wallS = scanned.wallMs / 1000
    const floorS = floor ? floor.wallMs / 1000 : NaN
    const live = clusters - (scanned.statuses.unreachable ?? 0)
    const rpc = scanStats.requests / Math.max(1, live)
    const lines = [
      `scanner: ${wallS.toFixed(2)} s wall (inventory ${(scanned.inventoryMs / 1000).toFixed(2)} s, scan ${(scanned.scanMs / 1000).toFixed(2)} s, render ${(scanned.renderMs / 1000).toFixed(2)} s), ${(scanned.cpuMs / 1000).toFixed(2)} s CPU, concurrency ${scanned.concurrency}`,
      `         ${(clusters / wallS).toFixed(0)} clusters/s, ${scanned.objects} objects, ${scanned.findings} findings, report ${mb(scanned.renderedBytes)} MiB, peak RSS ${mb(scanned.maxRssBytes)} MiB`,
      ...(scanned.renderError ? [`         JSON report not rendered: ${scanned.renderError}`] : []),
      `         clusters: ${JSON.stringify(scanned.statuses)}${Object.keys(scanned.codes).length ? `, errors: ${JSON.stringify(scanned.codes)}` : ''}`,
      `server:  ${rpc.toFixed(1)} requests and ${(scanStats.bytes / Math.max(1, live) / 1024).toFixed(1)} KiB per reachable cluster (${scanStats.discovery} discovery, ${scanStats.lists} lists, ${scanStats.gets} single GETs), ${(scanStats.connections / Math.max(1, live)).toFixed(1)} connections per cluster, faults ${JSON.stringify(scanStats.faults)}`,
      `plan:    ${plan.discovery.length} discovery + ${plan.lists.length} lists per cluster`,
    ]
    if (floor)
      lines.push(
        `floor:   ${floorS.toFixed(2)} s wall, ${(floor.cpuMs / 1000).toFixed(2)} s CPU, ${floor.bodies} bodies, ${floor.failures} failures, peak RSS ${mb(floor.maxRssBytes)} MiB`,
        `ratio:   ${pairRatio.toFixed(2)} (wall), ${pairCpuRatio.toFixed(2)} (CPU); median of ${floors.length} back-to-back pairs`,
      )
    process.stdout.write(lines.join('\n') + '\n')
    process.stdout.write(
      `RESULT wall_s=${wallS.toFixed(2)} floor_s=${floor ? floorS.toFixed(2) : 'NaN'} ratio=${floor ? pairRatio.toFixed(2) : 'NaN'} requests_per_cluster=${rpc.toFixed(1)} peak_rss_mb=${mb(scanned.maxRssBytes)}\n`,
    )
  } finally {
    cleanup()
  }
}

const role = flag('child')
if (role === 'sim') await simChild()
else if (role === 'scan') await scanChild()
else if (role === 'floor') await floorChild()
else await main()
