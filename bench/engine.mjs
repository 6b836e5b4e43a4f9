// Benchmark: the full kubedac scan of a synthetic fleet against a bare readFile + JSON.parse of
// the same files, in one run, each in fresh child processes, alternating; the ratio is the median of back-to-back pairs.
//
//   npm run bench:engine -- [--mb 300] [--clusters 10] [--runs 5]
//
// Ends with: RESULT ratio=<scan/parse, wall> cpu_ratio=<the same in CPU time> objects_per_s=<n> peak_rss_mb=<n> largest_cluster_rss_mb=<n>
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateFleet } from './fleet-gen.mjs'
import { streamJsonReport } from './stream-report.mjs'

const here = fileURLToPath(new URL('.', import.meta.url))
const args = process.argv.slice(2)
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : def
}

function files(dir) {
  const out = []
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name)
    if (e.isDirectory()) out.push(...files(p))
    else out.push(p)
  }
  return out
}

const cpuMs = (u) => (u.user + u.system) / 1000

async function child(mode, dir) {
  const t0 = performance.now()
  const c0 = process.cpuUsage()
  let objects = 0
  let findings = 0
  if (mode === 'floor') {
    for (const f of files(dir)) {
      const v = JSON.parse(readFileSync(f, 'utf8'))
      objects += Array.isArray(v.items) ? v.items.length : 1
    }
  } else {
    const dist = resolve(here, '../dist')
    const { resolveTargets } = await import(join(dist, 'collect/inventory.js'))
    const { filesCollector } = await import(join(dist, 'collect/files.js'))
    const { loadBuiltinDetectors } = await import(join(dist, 'detect/registry.js'))
    const { configureDetectors } = await import(join(dist, 'config/config.js'))
    const { scan, scanStream } = await import(join(dist, 'pipeline.js'))
    const { renderReport } = await import(join(dist, 'report/index.js'))
    const all = await loadBuiltinDetectors()
    // `scan-none` and `scan-warning` split the cost: loading and indexing alone, and the library
    // without its hygiene (info) detectors, which fire on most workloads of a synthetic fleet.
    const detectors = configureDetectors(all, {}).filter((d) =>
      mode === 'scan-none' ? false : mode === 'scan-warning' ? d.severity !== 'info' : true,
    )
    // Detector loading is start-up, not scanning: the clock starts here.
    const t1 = performance.now()
    const c1 = process.cpuUsage()
    const { targets } = await resolveTargets([dir], {})
    let renderMs
    let bytes
    let clusters
    if (mode === 'scan-whole') {
      // The report as kubedac scan built it before it streamed: every finding kept, one string.
      const report = await scan({ targets, detectors, collectors: [filesCollector], concurrency: 1 })
      const meta = new Map(all.map((d) => [d.meta.id, d.meta]))
      const r0 = performance.now()
      bytes = renderReport('json', report, { detectors: meta, toolVersion: 'bench' }).length
      renderMs = performance.now() - r0
      clusters = report.clusters
      findings = report.findings.length
    } else {
      // As kubedac scan --format json -o FILE: each cluster's findings written to the file as it is
      // done, then dropped.
      const s = await streamJsonReport(dist, (emit) =>
        scanStream({ targets, detectors, collectors: [filesCollector], concurrency: 1, emit }),
      )
      ;({ clusters, findings, bytes, renderMs } = s)
    }
    objects = clusters.reduce((n, c) => n + c.objects, 0)
    const ms = performance.now() - t1
    process.stdout.write(
      JSON.stringify({
        ms,
        renderMs,
        cpu: cpuMs(process.cpuUsage(c1)),
        objects,
        findings,
        detectors: detectors.length,
        bytes,
        rssKb: process.resourceUsage().maxRSS,
        errors: clusters.reduce((n, c) => n + c.errors.length, 0),
      }),
    )
    return
  }
  process.stdout.write(
    JSON.stringify({
      ms: performance.now() - t0,
      cpu: cpuMs(process.cpuUsage(c0)),
      objects,
      findings,
      rssKb: process.resourceUsage().maxRSS,
    }),
  )
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

async function main() {
  if (args[0] === '--child') return child(args[1], args[2])
  const mb = Number(flag('mb', '300'))
  const clusters = Number(flag('clusters', '10'))
  const runs = Number(flag('runs', '5'))
  const dir = resolve(here, '.data', `fleet-${mb}mb-${clusters}c`)
  // About 10 KB per pod with its share of nodes, workloads and events, as kubectl pretty-prints them.
  const pods = Math.max(10, Math.round((mb * 1e6) / clusters / 10000))
  if (!existsSync(join(dir, '.done'))) {
    rmSync(dir, { recursive: true, force: true })
    console.log(`generating ${clusters} clusters x ${pods} pods under ${dir} …`)
    const objects = generateFleet(dir, { clusters, pods })
    writeFileSync(join(dir, '.done'), String(objects))
  }
  const all = files(dir).filter((f) => !f.endsWith('.done'))
  const bytes = all.reduce((n, f) => n + statSync(f).size, 0)
  const clusterDirs = readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => join(dir, e.name))
  const perCluster = clusterDirs.map((d) => files(d).reduce((n, f) => n + statSync(f).size, 0))
  const largestDir = clusterDirs[perCluster.indexOf(Math.max(...perCluster))]
  console.log(
    `fleet: ${all.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${clusters} clusters, largest ${(Math.max(...perCluster) / 1e6).toFixed(1)} MB`,
  )
  const run = (mode, input = dir) =>
    JSON.parse(
      execFileSync(
        process.execPath,
        ['--max-old-space-size=4096', fileURLToPath(import.meta.url), '--child', mode, input],
        { encoding: 'utf8', maxBuffer: 1 << 26 },
      ),
    )
  const floor = []
  const scanRuns = []
  for (let i = 0; i < runs; i++) {
    floor.push(run('floor'))
    scanRuns.push(run('scan'))
    const f = floor.at(-1)
    const s = scanRuns.at(-1)
    console.log(
      `run ${i + 1}: parse ${(f.ms / 1000).toFixed(2)} s (${(f.rssKb / 1024).toFixed(0)} MB RSS) | scan ${(s.ms / 1000).toFixed(2)} s (${(s.rssKb / 1024).toFixed(0)} MB RSS; JSON report ${(s.renderMs / 1000).toFixed(2)} s = ${(s.renderMs / f.ms).toFixed(2)}x the parse, ${(s.bytes / 1e6).toFixed(0)} MB), ${s.objects} objects, ${s.findings} findings, ${s.detectors} detectors, ${s.errors} errors`,
    )
  }
  // Memory must follow the largest cluster, not the fleet: scan that cluster alone and compare, and
  // the fleet once more with the report built whole (every finding kept, one string), as before it streamed.
  const one = run('scan', largestDir)
  const whole = run('scan-whole')
  const split = []
  for (const mode of ['scan-none', 'scan-warning']) {
    const f0 = run('floor')
    const s0 = run(mode)
    split.push(
      `${mode}: ${(s0.ms / 1000).toFixed(2)} s, ${s0.detectors} detectors, ${s0.findings} findings, ratio ${(s0.ms / f0.ms).toFixed(3)}`,
    )
  }
  const f = median(floor.map((x) => x.ms))
  const s = median(scanRuns.map((x) => x.ms))
  // The machine's speed drifts between runs: the ratio is the median of back-to-back pairs.
  const ratio = median(scanRuns.map((x, i) => x.ms / floor[i].ms))
  const cpuRatio = median(scanRuns.map((x, i) => x.cpu / floor[i].cpu))
  const rss = Math.max(...scanRuns.map((x) => x.rssKb)) / 1024
  const objects = scanRuns[0].objects
  console.log(`bare JSON.parse: ${(f / 1000).toFixed(2)} s (${(bytes / 1e6 / (f / 1000)).toFixed(1)} MB/s)`)
  console.log(`kubedac scan:    ${(s / 1000).toFixed(2)} s (${(bytes / 1e6 / (s / 1000)).toFixed(1)} MB/s)`)
  console.log(
    `peak RSS of the scan: ${rss.toFixed(0)} MB for the ${(bytes / 1e6).toFixed(0)} MB fleet (report streamed to a file); ${(one.rssKb / 1024).toFixed(0)} MB for its largest cluster (${(Math.max(...perCluster) / 1e6).toFixed(0)} MB) alone; ${(whole.rssKb / 1024).toFixed(0)} MB for the fleet with the report built whole (${(whole.ms / 1000).toFixed(2)} s)`,
  )
  for (const line of split) console.log(line)
  console.log(
    `RESULT ratio=${ratio.toFixed(3)} cpu_ratio=${cpuRatio.toFixed(3)} objects_per_s=${Math.round(objects / (s / 1000))} peak_rss_mb=${Math.round(rss)} largest_cluster_rss_mb=${Math.round(one.rssKb / 1024)}`,
  )
}

await main()
