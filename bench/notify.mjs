// Benchmark: notifications at fleet scale. Plans the messages for N open incidents (default
// 10,000) routed by cluster labels, enqueues them into the SQLite outbox (a temp file), enqueues
// the same plan again (replay: adds nothing), then drains the outbox to a local signed-webhook
// receiver on 127.0.0.1 with the delivery worker, and reports the rates.
//
//   npm run bench:notify -- [--incidents 10000] [--concurrency 8] [--limit 200]
//
// Ends with: RESULT plan_per_s=<n> enqueue_per_s=<n> deliver_per_s=<n>
import { createServer } from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const dist = resolve(here, '../dist')
const { openStore } = await import(join(dist, 'store/index.js'))
const { createReceivers, deliver, parseNotifications, planNotifications, verifyWebhookSignature } =
  await import(join(dist, 'notify/index.js'))

const args = process.argv.slice(2)
const flag = (name, def) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? args[i + 1] : def
}
const N = Number(flag('incidents', 10_000))
const CONCURRENCY = Number(flag('concurrency', 8))
const LIMIT = Number(flag('limit', 200))
const SECRET = 'bench-secret-0123456789'

// The receiver: checks every signature and applies each Idempotency-Key once.
const seen = new Set()
let bad = 0
const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const body = Buffer.concat(chunks)
    if (!verifyWebhookSignature(SECRET, body, req.headers['x-kubedac-signature'])) bad++
    seen.add(req.headers['idempotency-key'])
    res.writeHead(200).end('ok')
  })
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${server.address().port}`

const config = parseNotifications({
  receivers: [{ name: 'hook', type: 'webhook', url, secretEnv: 'BENCH_SECRET' }],
  routes: [{ match: { env: 'prod' }, receivers: ['hook'] }],
})
const receivers = createReceivers(config, { BENCH_SECRET: SECRET })
const now = new Date()
const labels = {}
const incidents = Array.from({ length: N }, (_, i) => {
  const cluster = `c${i % 1000}`
  labels[cluster] = { env: 'prod', team: `t${i % 20}` }
  return {
    id: `inc-${i}`,
    cluster,
    cause: `apps/v1/Deployment/ns/app-${i}`,
    detector: 'container-crashloop',
    title: 'Container restarts in a loop',
    severity: i % 3 === 0 ? 'critical' : 'warning',
    state: 'open',
    openedAt: new Date(now.getTime() - 60_000),
    members: Array.from({ length: 3 }, (_, j) => ({
      detector: 'container-crashloop',
      severity: 'warning',
      cluster,
      object: { kind: 'Pod', namespace: 'ns', name: `app-${i}-${j}` },
      message: `Container app of pod app-${i}-${j} restarts in a loop.`,
      fingerprint: `fp-${i}-${j}`,
    })),
  }
})

const dir = mkdtempSync(join(tmpdir(), 'kubedac-bench-notify-'))
const store = await openStore({ file: join(dir, 'kubedac.db') })
try {
  let t = performance.now()
  const plan = planNotifications(incidents, labels, config, now)
  const planS = (performance.now() - t) / 1000
  t = performance.now()
  const added = await store.enqueue(plan, now)
  const enqueueS = (performance.now() - t) / 1000
  t = performance.now()
  const again = await store.enqueue(planNotifications(incidents, labels, config, now), now)
  const replayS = (performance.now() - t) / 1000
  t = performance.now()
  let sent = 0
  for (;;) {
    const r = await deliver(store, receivers, { limit: LIMIT, concurrency: CONCURRENCY })
    sent += r.sent
    if (r.claimed === 0) break
  }
  const deliverS = (performance.now() - t) / 1000
  const stats = await store.outboxStats()
  console.log(`incidents ${N}, messages planned ${plan.length}, enqueued ${added}, replay added ${again}`)
  console.log(`plan     ${planS.toFixed(2)} s (${Math.round(plan.length / planS)}/s)`)
  console.log(
    `enqueue  ${enqueueS.toFixed(2)} s (${Math.round(added / enqueueS)}/s); replay ${replayS.toFixed(2)} s`,
  )
  console.log(
    `deliver  ${deliverS.toFixed(2)} s (${Math.round(sent / deliverS)}/s), concurrency ${CONCURRENCY}`,
  )
  console.log(`outbox   ${JSON.stringify(stats)}; receiver saw ${seen.size} keys, ${bad} bad signatures`)
  if (stats.pending !== 0 || seen.size !== added || bad !== 0) {
    console.error('bench: not every message was delivered once with a valid signature')
    process.exitCode = 1
  }
  console.log(
    `RESULT plan_per_s=${Math.round(plan.length / planS)} enqueue_per_s=${Math.round(added / enqueueS)} deliver_per_s=${Math.round(sent / deliverS)}`,
  )
} finally {
  await store.close()
  server.close()
  rmSync(dir, { recursive: true, force: true })
}
