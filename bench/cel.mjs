// Measures CEL evaluation on realistic pods: @marcbachmann/cel-js (what kubedac uses) against
// @bufbuild/cel (when installed), and, when the sources can be imported, a whole YAML detector.
//
//   node bench/cel.mjs                       # cel-js only, unless @bufbuild/cel is resolvable
//   npm install --no-save @bufbuild/cel@0.6.1 && node bench/cel.mjs
//   node bench/cel.mjs --from /tmp/celbench  # @bufbuild/cel installed in another folder
//   npx tsx bench/cel.mjs                    # adds the end-to-end YAML detector figures
//
// Options: --pods N (default 2000), --ms M per sample (default 1000), --samples S (default 5).
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Environment } from '@marcbachmann/cel-js'

const args = process.argv.slice(2)
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : dflt
}
const PODS = Number(opt('pods', 2000))
const MS = Number(opt('ms', 1000))
const SAMPLES = Number(opt('samples', 5))
const FROM = resolve(opt('from', process.cwd()))
const NOW = new Date('2026-01-01T01:00:00Z')

function makePod(i) {
  const crashing = i % 10 === 0
  const containers = Array.from({ length: 1 + (i % 3) }, (_, c) => ({
    name: c === 0 ? 'app' : `sidecar-${c}`,
    image: `registry.example.com/team-${i % 17}/svc-${i % 101}:1.${i % 7}.${c}`,
    ports: [{ containerPort: 8080 + c, protocol: 'TCP' }],
    resources:
      c === 0
        ? { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } }
        : { requests: { cpu: '50m', memory: '64Mi' } },
    env: [{ name: 'ENV', value: 'prod' }],
  }))
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `svc-${i % 101}-${i.toString(16).padStart(6, '0')}`,
      namespace: `team-${i % 17}`,
      uid: `00000000-0000-0000-0000-${i.toString().padStart(12, '0')}`,
      creationTimestamp: new Date(NOW.getTime() - (i % 120) * 60_000).toISOString().replace('.000', ''),
      labels: {
        app: `svc-${i % 101}`,
        'app.kubernetes.io/part-of': `team-${i % 17}`,
        'pod-template-hash': '7d9f8c',
      },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-12-01T00:00:00Z' },
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `svc-${i % 101}-7d9f8c`, controller: true },
      ],
    },
    spec: { nodeName: `node-${i % 50}`, containers, restartPolicy: 'Always' },
    status: {
      phase: crashing ? 'Running' : i % 13 === 0 ? 'Pending' : 'Running',
      conditions: [
        { type: 'Ready', status: crashing ? 'False' : 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
      containerStatuses: containers.map((c, k) => ({
        name: c.name,
        ready: !(crashing && k === 0),
        restartCount: crashing && k === 0 ? 7 + (i % 5) : 0,
        image: c.image,
        state:
          crashing && k === 0
            ? {
                waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
              }
            : { running: { startedAt: '2026-01-01T00:00:05Z' } },
      })),
    },
  }
}

// Written without `.?` so both libraries parse the same text.
const EXPRESSIONS = {
  'crashloop (exists + has + timestamp)':
    "object.status.containerStatuses.exists(c, has(c.state.waiting) && c.state.waiting.reason == 'CrashLoopBackOff' && c.restartCount > 5) && now - timestamp(object.metadata.creationTimestamp) > duration('15m')",
  'field compare': "object.status.phase == 'Pending'",
  'filter + map': 'object.spec.containers.filter(c, !has(c.resources.limits)).map(c, c.name)',
}

const pods = Array.from({ length: PODS }, (_, i) => makePod(i))

// Each sample runs whole passes over the pods until MS has elapsed; returns evaluations per second.
function measure(evalOne) {
  for (let i = 0; i < Math.min(PODS, 500); i++) evalOne(pods[i])
  const rates = []
  for (let s = 0; s < SAMPLES; s++) {
    let n = 0
    const t0 = performance.now()
    let t = t0
    while (t - t0 < MS) {
      for (const p of pods) evalOne(p)
      n += pods.length
      t = performance.now()
    }
    rates.push(Math.round((n / (t - t0)) * 1000))
  }
  rates.sort((a, b) => a - b)
  return rates
}

const fmt = (rates) =>
  `${rates[Math.floor(rates.length / 2)].toLocaleString('en-US')}/s (min ${rates[0].toLocaleString('en-US')}, max ${rates[rates.length - 1].toLocaleString('en-US')})`

const results = []
function report(lib, name, rates) {
  results.push({ lib, name, rates })
  console.log(`${lib.padEnd(22)} ${name.padEnd(40)} ${fmt(rates)}`)
}

console.log(
  `node ${process.version}, ${PODS} pods, ${SAMPLES} samples of ${MS} ms (median, min, max evaluations/s)\n`,
)

const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false })
  .registerVariable('object', 'dyn')
  .registerVariable('now', 'google.protobuf.Timestamp')
const marc = {}
for (const [name, expr] of Object.entries(EXPRESSIONS)) {
  const fn = env.parse(expr)
  if (!fn.check().valid) throw new Error(`cel-js: ${name} does not check`)
  marc[name] = fn
  const ctx = { object: null, now: NOW }
  report(
    '@marcbachmann/cel-js',
    name,
    measure((p) => ((ctx.object = p), fn(ctx))),
  )
}

let buf
try {
  const req = createRequire(join(FROM, 'package.json'))
  const cel = req('@bufbuild/cel')
  const { timestampFromDate } = req('@bufbuild/protobuf/wkt')
  buf = { cel, now: timestampFromDate(NOW) }
} catch {
  console.log(
    '\n@bufbuild/cel not found: npm install --no-save @bufbuild/cel@0.6.1 (or pass --from <dir>) to compare',
  )
}
if (buf) {
  const celEnv = buf.cel.celEnv()
  for (const [name, expr] of Object.entries(EXPRESSIONS)) {
    const fn = buf.cel.plan(celEnv, buf.cel.parse(expr))
    for (const p of pods.slice(0, 200)) {
      const a = JSON.stringify(marc[name]({ object: p, now: NOW }))
      const r = fn({ object: p, now: buf.now })
      const b = JSON.stringify(buf.cel.isCelList?.(r) ? [...r] : r)
      if (a !== b) throw new Error(`results differ for ${name}: ${a} vs ${b}`)
    }
    report(
      '@bufbuild/cel',
      name,
      measure((p) => fn({ object: p, now: buf.now })),
    )
  }
}

// End to end: a YAML detector through kubedac's loader (needs dist/ or tsx for the sources).
let yd
let snap
let celMod
for (const base of ['../dist/', '../src/']) {
  try {
    yd = await import(new URL(`${base}detect/yaml-detector.js`, import.meta.url).href)
    snap = await import(new URL(`${base}snapshot/snapshot.js`, import.meta.url).href)
    celMod = await import(new URL(`${base}detect/cel.js`, import.meta.url).href)
    break
  } catch {
    yd = undefined
  }
}
if (celMod) {
  // The same expressions through kubedac's compileCel: metered comprehension steps, a budget reset per object.
  for (const [name, expr] of Object.entries(EXPRESSIONS)) {
    const c = celMod.compileCel(expr, { field: name })
    const act = { object: null, variables: {}, now: NOW, params: {}, cluster: 'bench' }
    report(
      'kubedac compileCel',
      name,
      measure((p) => (celMod.resetCelBudget(), (act.object = p), c.run(act))),
    )
  }
}
if (yd && snap) {
  const detector = yd.parseYamlDetector(
    `apiVersion: kubedac.io/v1alpha1
kind: Detector
metadata:
  id: bench-crashloop
  title: Container crash-looping
  severity: warning
  category: pod
  remediation: Look at the logs of {{container}}.
  params:
    maxRestarts: {default: 5, description: restarts tolerated}
spec:
  match: [v1/Pod]
  variables:
    - name: crashing
      expression: >-
        object.status.?containerStatuses.orValue([]).filter(c,
          c.?state.?waiting.?reason.orValue('') == 'CrashLoopBackOff' && c.restartCount > params.maxRestarts)
  fires: size(variables.crashing) > 0 && now - timestamp(object.metadata.creationTimestamp) > duration('15m')
  message: '{{kind}} {{namespace}}/{{name}}: {{container}} restarted {{restarts}} times'
  data:
    container: variables.crashing[0].name
    restarts: variables.crashing[0].restartCount
  evidence:
    state: variables.crashing[0].state
`,
    'bench.yaml',
  )
  const b = new snap.SnapshotBuilder('bench')
  for (const p of pods) b.add(JSON.parse(JSON.stringify(p)))
  const snapshot = b.build({ now: NOW })
  let found = 0
  const ctx = { snapshot, report: () => found++, params: { maxRestarts: 5 }, now: NOW }
  detector.detect(ctx)
  const detectRates = []
  for (let s = 0; s < SAMPLES; s++) {
    let n = 0
    const t0 = performance.now()
    let t = t0
    while (t - t0 < MS) {
      found = 0
      detector.detect(ctx)
      n += pods.length
      t = performance.now()
    }
    detectRates.push(Math.round((n / (t - t0)) * 1000))
  }
  detectRates.sort((a, c) => a - c)
  report('kubedac YAML detector', `detect() pods/s (${found} findings per pass)`, detectRates)
} else {
  console.log(
    '\n(kubedac sources not importable: run with npx tsx, or build first, for the end-to-end figure)',
  )
}

if (buf) {
  console.log('')
  for (const name of Object.keys(EXPRESSIONS)) {
    const m = results.find((r) => r.lib === '@marcbachmann/cel-js' && r.name === name).rates
    const bb = results.find((r) => r.lib === '@bufbuild/cel' && r.name === name).rates
    const med = (r) => r[Math.floor(r.length / 2)]
    console.log(`${name}: cel-js is ${(med(m) / med(bb)).toFixed(1)}× @bufbuild/cel`)
  }
}
