import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMetrics } from '../src/serve/metrics.js'
import { createServer } from '../src/serve/server.js'
import { openStore } from '../src/store/index.js'
import type { Incident, StoredFinding } from '../src/store/types.js'
import { startLocalReceiver, type LocalReceiver } from './support/local-receiver.js'
import { copyFleet, serveOnce, startServe, tempDir } from './support/serve.js'

// `kubedac serve` as a user runs it: the built CLI as a real process, on a copy of the example
// fleet that the test edits between scans, with SQLite, silences.yaml and a webhook receiver on
// loopback that verifies signatures and applies each Idempotency-Key once.

const SECRET = 'whsec-e2e-0123456789abcdef'
const LABELS: Record<string, Record<string, string>> = {
  'prod-eu-1': { team: 'shop', env: 'prod' },
  'staging-us-2': { team: 'payments', env: 'staging' },
  'dev-idle-3': { team: 'platform', env: 'dev' },
}

let tmp: ReturnType<typeof tempDir>
let fleet: string
let receiver: LocalReceiver
let args: string[]
let silenceExpiry: Date

const env = { KDAC_E2E_WEBHOOK_SECRET: SECRET }

/** Reads the store the process left behind, through the same API code the service answers with. */
async function inspect() {
  const store = await openStore({ file: join(tmp.dir, 'kubedac.db') })
  const findings: StoredFinding[] = []
  let cursor: string | null = null
  do {
    const page = await store.listFindings({}, undefined, { limit: 1000, cursor })
    findings.push(...page.items)
    cursor = page.nextCursor
  } while (cursor)
  const incidents: Incident[] = (await store.listIncidents({}, { limit: 1000 })).items
  const scans = await store.listScans({ limit: 1000 })
  const metrics = createMetrics({
    store,
    detectors: [...new Set(findings.map((f) => f.detector))],
    receivers: ['hook'],
    processMetrics: false,
  })
  const app = createServer({ store, detectors: [], metrics })
  const api = async (url: string) =>
    (await app.inject({ method: 'GET', url })).json() as Record<string, unknown>
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
  const close = async () => {
    await app.close()
    await store.close()
  }
  return { store, findings, incidents, scans, api, metricsText: text, close }
}

const one = (fs: StoredFinding[], detector: string, name?: string) => {
  const f = fs.filter((x) => x.detector === detector && (name === undefined || x.object.name === name))
  expect(f, `${detector} ${name ?? ''}`).toHaveLength(1)
  return f[0]!
}

/** What the receiver got: [incidentId, event] per request, in order. */
const received = () =>
  receiver.requests.map((r) => {
    const b = r.json as { event: string; incident: { id: string } }
    return `${b.incident.id} ${b.event}`
  })

function setNodeMemoryPressure(status: 'True' | 'False') {
  const file = join(fleet, 'prod-eu-1', 'nodes.json')
  const doc = JSON.parse(readFileSync(file, 'utf8')) as {
    items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[] } }[]
  }
  const node = doc.items.find((n) => n.metadata.name === 'prod-eu-1-node-2')!
  node.status.conditions.find((c) => c.type === 'MemoryPressure')!.status = status
  writeFileSync(file, JSON.stringify(doc, null, 2))
}

const WORKLOADS = () => join(fleet, 'staging-us-2', 'workloads.yaml')
let workloads = ''

beforeAll(async () => {
  tmp = tempDir()
  fleet = copyFleet(tmp.dir)
  workloads = readFileSync(WORKLOADS(), 'utf8')
  receiver = await startLocalReceiver({ secret: SECRET })
  writeFileSync(
    join(tmp.dir, 'fleet.yaml'),
    `clusters:\n${Object.entries(LABELS)
      .map(([name, l]) => `  - name: ${name}\n    path: fleet/${name}\n    labels: ${JSON.stringify(l)}`)
      .join('\n')}\n`,
  )
  writeFileSync(
    join(tmp.dir, 'kubedac.yaml'),
    `notifications:
  receivers:
    - name: hook
      type: webhook
      url: ${receiver.url}/hook
      secretEnv: KDAC_E2E_WEBHOOK_SECRET
  defaultReceivers: [hook]
  minSeverity: warning
`,
  )
  silenceExpiry = new Date(Date.now() + 30_000)
  writeFileSync(
    join(tmp.dir, 'silences.yaml'),
    `silences:
  - id: payments-quota
    matchers:
      cluster: staging-us-2
      namespace: payments
    owner: payments-team
    reason: quota raise requested
    ticket: OPS-1234
    expiresAt: ${silenceExpiry.toISOString()}
`,
  )
  args = [
    '--fleet',
    'fleet.yaml',
    '-c',
    'kubedac.yaml',
    '--silences',
    'silences.yaml',
    '--database',
    'kubedac.db',
  ]
})

afterAll(async () => {
  await receiver?.close()
  tmp?.remove()
})

describe('kubedac serve --once on a copy of the example fleet', () => {
  const run = async () => {
    const r = await serveOnce(args, { cwd: tmp.dir, env })
    expect(r.other, 'only JSON log lines').toEqual([])
    expect(r.code, JSON.stringify(r.logs)).toBe(0)
    return r
  }

  it('keeps history across scans: resolves, reopens, holds on partial scans, groups incidents, honours and then drops an expired silence, and notifies each change exactly once', async () => {
    // Run 1: everything is new; the payments silence holds.
    const r1 = await run()
    expect(
      r1.logs
        .filter((l) => l.msg === 'scan recorded')
        .map((l) => [l.cluster, l.status])
        .sort(),
    ).toEqual([
      ['dev-idle-3', 'scanned'],
      ['prod-eu-1', 'scanned'],
      ['staging-us-2', 'scanned'],
    ])
    for (const l of r1.logs) expect(JSON.stringify(l)).not.toContain(SECRET)
    let s = await inspect()
    expect(Date.now(), 'the first run ends before the silence expires').toBeLessThan(silenceExpiry.getTime())
    const clusters = (await s.api('/api/v1/clusters')).items as { name: string; labels: object }[]
    expect(clusters.map((c) => [c.name, c.labels])).toEqual(Object.entries(LABELS).sort())
    const node3 = s.incidents.find((i) => i.cause === 'Node//prod-eu-1-node-3')!
    expect(node3).toMatchObject({ state: 'open', members: 2, severity: 'critical' })
    const quotaIncident = s.incidents.find((i) => i.cause === 'ResourceQuota/payments/compute')!
    expect(quotaIncident.members).toBeGreaterThanOrEqual(2)
    const payments = s.findings.filter(
      (f) => f.cluster === 'staging-us-2' && f.object.namespace === 'payments',
    )
    expect(payments.length).toBeGreaterThanOrEqual(2)
    for (const f of payments) expect(f.silencedBy, f.detector).toBe('payments-quota')
    // Silenced findings are counted apart: in the API and in the metrics.
    const silencedApi = (await s.api('/api/v1/findings?silenced=true&limit=1000')).items as {
      fingerprint: string
    }[]
    expect(silencedApi.map((f) => f.fingerprint).sort()).toEqual(payments.map((f) => f.fingerprint).sort())
    const openApi = (await s.api('/api/v1/findings?state=open&silenced=false&limit=1000')).total
    expect(openApi).toBe(s.findings.length - payments.length)
    const silencedMetric = [
      ...s.metricsText.matchAll(/^kubedac_findings_silenced\{severity="\w+"\} (\d+)$/gm),
    ]
    expect(silencedMetric.reduce((n, m) => n + Number(m[1]), 0)).toBe(payments.length)
    // One notification per loud warning-or-worse incident; none for the silenced one.
    const loud = s.incidents.filter((i) => i.severity !== 'info' && i.id !== quotaIncident.id)
    expect(loud.length).toBeGreaterThan(5)
    expect(received().sort()).toEqual(loud.map((i) => `${i.id} open`).sort())
    expect(receiver.requests.every((r) => r.signatureValid === true)).toBe(true)
    const memory = one(s.findings, 'node-memory-pressure')
    const memoryIncident = memory.incidentId!
    await s.close()

    // Run 2: node-2's memory pressure is gone: its finding and incident resolve, and the resolve is sent.
    setNodeMemoryPressure('False')
    const before2 = receiver.requests.length
    await run()
    s = await inspect()
    const m2 = one(s.findings, 'node-memory-pressure')
    expect(m2).toMatchObject({ state: 'resolved', occurrences: 1 })
    expect(s.incidents.find((i) => i.id === memoryIncident)).toMatchObject({ state: 'resolved' })
    expect(one(s.findings, 'node-not-ready')).toMatchObject({ state: 'open', occurrences: 2 })
    expect(received().slice(before2)).toEqual([`${memoryIncident} resolve`])
    await s.close()

    // Run 3: it comes back (reopened, occurrences grow, a new incident opens and is notified), and
    // staging's workloads file is cut in half: a partial scan resolves nothing.
    setNodeMemoryPressure('True')
    writeFileSync(WORKLOADS(), workloads.slice(0, 3000) + '\n  - {unclosed: [\n')
    const before3 = receiver.requests.length
    const stagingOpenBefore = s.findings.filter(
      (f) => f.cluster === 'staging-us-2' && f.state === 'open',
    ).length
    await run()
    s = await inspect()
    const m3 = one(s.findings, 'node-memory-pressure')
    expect(m3).toMatchObject({ state: 'open', occurrences: 2, reopenCount: 1 })
    expect(m3.incidentId).not.toBe(memoryIncident)
    const stagingScan = s.scans.find((x) => x.cluster === 'staging-us-2')!
    expect(stagingScan).toMatchObject({ status: 'partial', resolvedFindings: 0 })
    expect(stagingScan.errors.length).toBeGreaterThan(0)
    expect(s.findings.filter((f) => f.cluster === 'staging-us-2' && f.state === 'open').length).toBe(
      stagingOpenBefore,
    )
    expect(received().slice(before3)).toEqual([`${m3.incidentId} open`])
    await s.close()

    // Run 4, after the silence expired: the payments incident is now notified, and nothing is silenced.
    writeFileSync(WORKLOADS(), workloads)
    const wait = silenceExpiry.getTime() + 500 - Date.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const before4 = receiver.requests.length
    await run()
    s = await inspect()
    expect(
      s.findings.filter((f) => f.silencedUntil !== null && f.silencedUntil.getTime() > Date.now()),
    ).toEqual([])
    expect((await s.api('/api/v1/findings?silenced=true')).total).toBe(0)
    expect(s.metricsText).toMatch(/^kubedac_findings_silenced\{severity="warning"\} 0$/m)
    expect(received().slice(before4)).toEqual([`${quotaIncident.id} open`])
    expect((await s.api('/api/v1/silences?active=false')).items).toMatchObject([
      { id: 'payments-quota', origin: 'file', active: false },
    ])
    await s.close()

    // Run 5: nothing changed, nothing is sent; every key was delivered and applied exactly once.
    const before5 = receiver.requests.length
    await run()
    expect(receiver.requests.length).toBe(before5)
    expect([...receiver.deliveries.values()].every((n) => n === 1)).toBe(true)
    expect([...receiver.effects.values()].every((n) => n === 1)).toBe(true)
    expect(receiver.effects.size).toBe(receiver.requests.length)
    s = await inspect()
    expect(await s.store.outboxStats()).toEqual({ pending: 0, sent: receiver.requests.length, failed: 0 })
    expect(one(s.findings, 'node-not-ready').occurrences).toBe(5)
    await s.close()
  }, 150_000)
})

describe('kubedac serve on an interval', () => {
  it('scans again on its own, answers the API over HTTP while it does, and stops cleanly on SIGTERM', async () => {
    const p = startServe(
      ['--fleet', 'fleet.yaml', '--database', 'interval.db', '--interval', '2s', '--listen', '127.0.0.1:0'],
      {
        cwd: tmp.dir,
        env,
      },
    )
    try {
      const base = await p.baseUrl()
      expect((await fetch(`${base}/healthz`)).status).toBe(200)
      await p.waitFor((l) => l.msg === 'round finished', 30_000, 'a first round')
      await new Promise<void>((resolve, reject) => {
        const check = () =>
          p.logs.filter((l) => l.msg === 'round finished').length >= 2 ? resolve() : setTimeout(check, 100)
        setTimeout(() => reject(new Error('no second round')), 30_000)
        check()
      })
      const scans = (await (await fetch(`${base}/api/v1/scans?cluster=prod-eu-1`)).json()) as {
        items: unknown[]
      }
      expect(scans.items.length).toBeGreaterThanOrEqual(2)
      const metrics = await (await fetch(`${base}/metrics`)).text()
      const scanned = Number(/^kubedac_scans_total\{status="scanned"\} (\d+)$/m.exec(metrics)?.[1])
      expect(scanned).toBeGreaterThanOrEqual(6)
      expect(metrics).toMatch(/^kubedac_scan_duration_seconds_count \d+$/m)
      p.child.kill('SIGTERM')
      const { code } = await p.exited
      expect(code).toBe(0)
      expect(p.logs.at(-1)?.msg).toBe('stopped')
    } finally {
      await p.kill()
    }
  })

  it('refuses to listen beyond loopback without a token, and requires the token when it has one', async () => {
    const refused = await serveOnce(
      ['--fleet', 'fleet.yaml', '--database', 'x.db', '--listen', '0.0.0.0:0'],
      {
        cwd: tmp.dir,
        env,
      },
    )
    // --once does not listen; the check is for the listening service:
    expect(refused.code).toBe(0)
    const p = startServe(['--fleet', 'fleet.yaml', '--database', 'x.db', '--listen', '0.0.0.0:0'], {
      cwd: tmp.dir,
      env,
    })
    const { code } = await p.exited
    expect(code).toBe(2)
    expect(p.other.join('\n')).toMatch(/not a loopback address.*--token-file/)
    const token = 'e2e-token-0123456789abcdef'
    writeFileSync(join(tmp.dir, 'token'), token + '\n')
    const q = startServe(
      ['--fleet', 'fleet.yaml', '--database', 'x.db', '--listen', '127.0.0.1:0', '--token-file', 'token'],
      {
        cwd: tmp.dir,
        env,
      },
    )
    try {
      const base = await q.baseUrl()
      expect((await fetch(`${base}/readyz`)).status).toBe(200)
      expect((await fetch(`${base}/api/v1/clusters`)).status).toBe(401)
      const ok = await fetch(`${base}/api/v1/clusters`, { headers: { authorization: `Bearer ${token}` } })
      expect(ok.status).toBe(200)
      for (const l of q.logs) expect(JSON.stringify(l)).not.toContain(token)
    } finally {
      await q.kill('SIGTERM')
    }
  })
})
