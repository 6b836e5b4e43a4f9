import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { startLocalReceiver } from '../../test/support/local-receiver.js'
import { incident, notifyConfig } from '../../test/support/notify.js'
import { openStore } from '../store/index.js'
import { planNotifications } from './router.js'

const dir = mkdtempSync(join(tmpdir(), 'kubedac-notify-crash-'))
const children: ChildProcess[] = []
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  rmSync(dir, { recursive: true, force: true })
})

const SECRET = 'whsec-crash-test-0123'
const MESSAGES = 200

/** A delivery worker in its own process: rounds until the outbox has nothing pending. */
function workerScript(file: string, url: string): string {
  const src = (p: string) => JSON.stringify(join(import.meta.dirname, p))
  return `import { openStore } from ${src('../store/index.ts')}
import { createReceivers, deliver, parseNotifications } from ${src('index.ts')}
const store = await openStore({ file: ${JSON.stringify(file)} })
const config = parseNotifications({
  receivers: [{ name: 'hook', type: 'webhook', url: ${JSON.stringify(url)}, secretEnv: 'HOOK_SECRET' }],
  defaultReceivers: ['hook'],
})
const receivers = createReceivers(config)
for (;;) {
  const r = await deliver(store, receivers, { limit: 20, leaseMs: 1000, concurrency: 8, backoff: { initialMs: 100, maxMs: 400 } })
  if ((await store.outboxStats()).pending === 0) break
  if (r.claimed === 0) await new Promise((res) => setTimeout(res, 100))
}
await store.close()
console.log('drained')
`
}

function startWorker(script: string): {
  child: ChildProcess
  done: Promise<{ code: number | null; out: string }>
} {
  // The secret reaches the worker through its environment, never its command line.
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HOOK_SECRET: SECRET },
  })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out })),
  )
  return { child, done }
}

it('a worker killed with SIGKILL mid-burst and restarted delivers every message, each applied exactly once', async () => {
  // Answers take 20 ms, so that the kill finds requests in flight: sent, not yet recorded.
  const hook = await startLocalReceiver({ secret: SECRET, delayMs: 20 })
  try {
    const file = join(dir, 'kubedac.db')
    const config = notifyConfig({
      receivers: [{ name: 'hook', type: 'webhook', url: hook.url }],
      defaultReceivers: ['hook'],
    })
    const now = new Date()
    const incidents = Array.from({ length: MESSAGES }, (_, i) =>
      incident({ id: `inc-${i}`, openedAt: new Date(now.getTime() - 60_000) }),
    )
    const store = await openStore({ file })
    const plan = planNotifications(incidents, {}, config, now)
    expect(await store.enqueue(plan, now)).toBe(MESSAGES)
    await store.close()

    const script = join(dir, 'worker.mts')
    writeFileSync(script, workerScript(file, hook.url))

    const first = startWorker(script)
    await Promise.race([
      hook.waitFor(60, 30_000),
      first.done.then(({ code, out }) => {
        throw new Error(`the worker ended (${code}) before the burst was under way:\n${out}`)
      }),
    ])
    first.child.kill('SIGKILL')
    const killed = await first.done
    expect(first.child.signalCode, killed.out).toBe('SIGKILL')
    const atKill = hook.requests.length
    expect(atKill).toBeLessThan(MESSAGES)

    const second = startWorker(script)
    const finished = await second.done
    expect(finished.code, finished.out).toBe(0)
    expect(finished.out).toContain('drained')

    const keys = plan.map((m) => m.key)
    // Every message arrived at least once…
    for (const k of keys) expect(hook.deliveries.get(k) ?? 0, k).toBeGreaterThanOrEqual(1)
    // …the kill caught some in flight, so those arrived twice…
    const redelivered = keys.filter((k) => hook.deliveries.get(k)! > 1)
    expect(redelivered.length).toBeGreaterThanOrEqual(1)
    // …and deduplicated by Idempotency-Key, each was applied exactly once.
    expect(hook.effects.size).toBe(MESSAGES)
    expect([...hook.effects.values()].every((n) => n === 1)).toBe(true)
    expect(hook.requests.every((r) => r.signatureValid)).toBe(true)

    const after = await openStore({ file })
    expect(await after.outboxStats()).toEqual({ pending: 0, sent: MESSAGES, failed: 0 })
    await after.close()
  } finally {
    await hook.close()
  }
})
