import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { chownSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRegistry } from '../../src/cli/context.js'
import { resolveTargets } from '../../src/collect/inventory.js'
import { detectorCatalog, type DetectorInfo } from '../../src/serve/dto.js'
import { recordScanned, scanForStore, type ScanSetup } from '../../src/serve/record.js'
import type { Store } from '../../src/store/types.js'

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..')
/** The built CLI (`npm test` builds first); KUBEDAC_TEST_CLI points elsewhere, e.g. at a private build. */
export const CLI = process.env.KUBEDAC_TEST_CLI || join(ROOT, 'dist', 'cli', 'main.js')
/** The example fleet. */
export const FLEET = join(ROOT, 'examples', 'fleet')

/** A fresh temporary directory, removed by the returned function. */
export function tempDir(prefix = 'kubedac-serve-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Copies the example fleet into `dir/fleet` and returns that path. */
export function copyFleet(dir: string): string {
  const to = join(dir, 'fleet')
  cpSync(FLEET, to, { recursive: true })
  return to
}

/** The detectors, collectors and catalogue, as `kubedac serve` loads them without a config file. */
export async function defaultSetup(): Promise<{ setup: ScanSetup; catalog: DetectorInfo[] }> {
  const reg = await loadRegistry({})
  return {
    setup: { detectors: reg.enabled, collectors: reg.collectors, config: reg.config },
    catalog: detectorCatalog(reg.all, new Map(reg.enabled.map((d) => [d.detector.meta.id, d.severity]))),
  }
}

/** Scans a folder of clusters with the real pipeline and records every cluster in the store. */
export async function recordFolder(
  store: Store,
  folder: string,
  setup: ScanSetup,
  labels: Record<string, Record<string, string>> = {},
) {
  const { targets } = await resolveTargets([folder])
  const out = []
  for (const t of targets) {
    const target = labels[t.name] ? { ...t, labels: labels[t.name] } : t
    out.push(await recordScanned(store, target, await scanForStore(target, setup)))
  }
  return out
}

/** One JSON log line of `kubedac serve`. */
export interface LogLine {
  time: string
  level: string
  msg: string
  [k: string]: unknown
}

/** A `kubedac serve` child process with its parsed log. */
export interface ServeProcess {
  child: ChildProcess
  logs: LogLine[]
  /** Raw stderr lines that were not JSON (there should be none but usage errors). */
  other: string[]
  /** Resolves with the exit code (or the signal) when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Waits for a log line matching `pred` (counting lines already seen). */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs?: number, what?: string): Promise<LogLine>
  /** The API base URL, once the process logged `listening`. */
  baseUrl(): Promise<string>
  kill(signal?: NodeJS.Signals): Promise<void>
}

/** Starts `kubedac serve` (the built CLI) as a real process. */
export function startServe(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string> } = {},
): ServeProcess {
  // The service's own settings come from the test, never from the environment the tests run in.
  const { KUBEDAC_API_TOKEN: _t, KUBEDAC_DATABASE_URL: _d, ...inherited } = process.env
  const child = spawn(process.execPath, [CLI, 'serve', ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...inherited, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const logs: LogLine[] = []
  const other: string[] = []
  const waiters: { pred: (l: LogLine) => boolean; resolve: (l: LogLine) => void }[] = []
  let buf = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => {
    buf += chunk
    let i: number
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i)
      buf = buf.slice(i + 1)
      let l: LogLine
      try {
        l = JSON.parse(line) as LogLine
      } catch {
        other.push(line)
        continue
      }
      logs.push(l)
      for (const w of [...waiters])
        if (w.pred(l)) {
          waiters.splice(waiters.indexOf(w), 1)
          w.resolve(l)
        }
    }
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  let ended = false
  void exited.then(() => (ended = true))
  const waitFor = (pred: (l: LogLine) => boolean, timeoutMs = 30_000, what = 'a log line') => {
    const seen = logs.find(pred)
    if (seen) return Promise.resolve(seen)
    return new Promise<LogLine>((resolve, reject) => {
      const t = setTimeout(
        () =>
          reject(
            new Error(
              `waited ${timeoutMs} ms for ${what}; log:\n${logs.map((l) => JSON.stringify(l)).join('\n')}\n${other.join('\n')}`,
            ),
          ),
        timeoutMs,
      )
      const w = {
        pred,
        resolve: (l: LogLine) => {
          clearTimeout(t)
          resolve(l)
        },
      }
      waiters.push(w)
      void exited.then(() => {
        if (!waiters.includes(w)) return
        clearTimeout(t)
        reject(
          new Error(
            `serve exited before ${what}; log:\n${logs.map((l) => JSON.stringify(l)).join('\n')}\n${other.join('\n')}`,
          ),
        )
      })
    })
  }
  return {
    child,
    logs,
    other,
    exited,
    waitFor,
    async baseUrl() {
      const l = await waitFor((x) => x.msg === 'listening', 30_000, 'listening')
      return `http://${l.address as string}`
    },
    async kill(signal = 'SIGKILL') {
      if (ended) return
      child.kill(signal)
      await exited
    },
  }
}

/** Runs `kubedac serve --once …` to its end. */
export async function serveOnce(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
) {
  const p = startServe(['--once', ...args], opts)
  const timer = setTimeout(() => p.child.kill('SIGKILL'), opts.timeoutMs ?? 90_000)
  const { code } = await p.exited
  clearTimeout(timer)
  return { code, logs: p.logs, other: p.other }
}

/** A free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })
}

const PG_BIN = '/usr/lib/postgresql/15/bin'

/** Whether a private PostgreSQL can be started here. */
export function canRunPostgres(): boolean {
  return spawnSync(join(PG_BIN, 'initdb'), ['--version']).status === 0
}

/**
 * A private PostgreSQL server for one test (never the shared one on 5432): its own data
 * directory and port, started and stopped at will, removed at the end. As root, it runs as the
 * `postgres` user (initdb refuses root).
 */
export async function privatePostgres(): Promise<{
  url: string
  start: () => void
  stop: () => void
  remove: () => void
}> {
  const { dir, remove } = tempDir('kubedac-pg-')
  const asRoot = process.getuid?.() === 0
  if (asRoot) chownSync(dir, uidOf('postgres'), gidOf('postgres'))
  const run = (bin: string, args: string[]) => {
    const cmd = asRoot ? 'runuser' : join(PG_BIN, bin)
    const full = asRoot ? ['-u', 'postgres', '--', join(PG_BIN, bin), ...args] : args
    const r = spawnSync(cmd, full, { encoding: 'utf8', timeout: 60_000 })
    if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr || r.stdout}`)
  }
  const data = join(dir, 'data')
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const port = await freePort()
  const start = () =>
    run('pg_ctl', [
      '-D',
      data,
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`,
      '-l',
      join(dir, 'log'),
      '-w',
      'start',
    ])
  const stop = () => run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'])
  start()
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    stop,
    remove: () => {
      try {
        stop()
      } catch {
        // already stopped
      }
      remove()
    },
  }
}

function uidOf(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim())
}
function gidOf(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim())
}
