import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  canRunPostgres,
  copyFleet,
  privatePostgres,
  startServe,
  tempDir,
  type ServeProcess,
} from './support/serve.js'

// PostgreSQL goes away under a running `kubedac serve` and comes back. The test starts a private
// PostgreSQL server (never the shared one on 5432, which other tests use at the same time).

const hasPostgres = canRunPostgres()

let tmp: ReturnType<typeof tempDir>
let pg: Awaited<ReturnType<typeof privatePostgres>> | undefined
let serve: ServeProcess | undefined

beforeAll(async () => {
  tmp = tempDir()
  if (hasPostgres) pg = await privatePostgres()
})

afterAll(async () => {
  await serve?.kill()
  pg?.remove()
  tmp?.remove()
})

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    const v = await f().catch((e: unknown) => {
      last = e
      return undefined
    })
    if (v !== undefined) return v
    if (Date.now() > end)
      throw new Error(
        `timed out waiting for ${what} (last error: ${String(last)}; serve log tail: ${JSON.stringify(serve?.logs.slice(-5))})`,
      )
    await new Promise((r) => setTimeout(r, 200))
  }
}

describe.skipIf(!hasPostgres)('kubedac serve while PostgreSQL is down', () => {
  it('degrades (/readyz 503, scans fail and are counted, the process stays up) and recovers when it returns', async () => {
    copyFleet(tmp.dir)
    serve = startServe(['fleet', '--interval', '1s', '--listen', '127.0.0.1:0'], {
      cwd: tmp.dir,
      env: { KUBEDAC_DATABASE_URL: pg!.url },
    })
    const base = await serve.baseUrl()
    const get = (path: string) => fetch(`${base}${path}`)
    const scanCount = async () =>
      ((await (await get('/api/v1/scans?limit=1000')).json()) as { items: unknown[] }).items.length
    await serve.waitFor((l) => l.msg === 'round finished', 30_000, 'a first round')
    expect((await get('/readyz')).status).toBe(200)
    expect(await scanCount()).toBeGreaterThanOrEqual(3)
    for (const l of serve.logs) expect(JSON.stringify(l)).not.toContain(pg!.url)

    pg!.stop()
    const down = await until('/readyz to fail', async () => {
      const r = await get('/readyz')
      if (r.status !== 503) throw new Error(`/readyz answered ${r.status}`)
      return (await r.json()) as Record<string, unknown>
    })
    expect(down).toMatchObject({ error: 'unavailable' })
    const failedAt = serve.logs.length
    await serve.waitFor(
      (l) => l.msg === 'scan not recorded: the store failed' && serve!.logs.indexOf(l) >= failedAt,
      30_000,
      'a scan failing on the store',
    )
    expect((await get('/healthz')).status).toBe(200)
    const api = await get('/api/v1/findings')
    expect(api.status).toBe(503)
    expect(await api.json()).toMatchObject({ error: 'unavailable' })
    const metrics = await (await get('/metrics')).text()
    expect(metrics).toMatch(/^kubedac_store_up 0$/m)
    expect(
      Number(/^kubedac_scans_total\{status="failed"\} (\d+)$/m.exec(metrics)?.[1]),
    ).toBeGreaterThanOrEqual(1)
    expect(serve.child.exitCode).toBeNull()

    pg!.start()
    await until('/readyz to recover', async () => ((await get('/readyz')).status === 200 ? true : undefined))
    const before = await until('the API to answer', scanCount)
    await until('scans to be recorded again', async () =>
      (await scanCount()) >= before + 3 ? true : undefined,
    )
    expect(await (await get('/metrics')).text()).toMatch(/^kubedac_store_up 1$/m)
    expect(
      serve.logs.filter(
        (l) =>
          l.level === 'error' &&
          l.msg !== 'scan not recorded: the store failed' &&
          !/delivery|sweep|silences/.test(l.msg),
      ),
    ).toEqual([])

    serve.child.kill('SIGTERM')
    expect((await serve.exited).code).toBe(0)
  }, 120_000)
})
