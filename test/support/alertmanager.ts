import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'

/** A real Alertmanager on loopback, started for a test. */
export interface RunningAlertmanager {
  url: string
  /** What it logged (stderr), for failure messages. */
  log(): string
  stop(): Promise<void>
}

/** Where Debian's `prometheus-alertmanager` is, or a clear error that says how to get it. */
export function alertmanagerBinary(): string {
  const names = ['prometheus-alertmanager', 'alertmanager']
  for (const dir of (process.env.PATH ?? '').split(delimiter).concat('/usr/bin'))
    for (const n of names) if (dir && existsSync(join(dir, n))) return join(dir, n)
  throw new Error(
    'prometheus-alertmanager is not installed, and the Alertmanager tests need a real one: ' +
      'apt-get install -y prometheus-alertmanager (.ci/run installs it when missing)',
  )
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((resolve) => s.close(() => resolve()))
  return port
}

/**
 * Starts Alertmanager on 127.0.0.1 with a temporary config and storage, clustering off, and waits
 * for `/-/ready`. Its one route sends every alert (grouped alone, quickly) to `webhookUrl`, resolved
 * ones included, so a test can see what Alertmanager made of what it was given.
 */
export async function startAlertmanager(opts: { webhookUrl: string }): Promise<RunningAlertmanager> {
  const bin = alertmanagerBinary()
  const dir = await mkdtemp(join(tmpdir(), 'kubedac-am-'))
  const config = join(dir, 'alertmanager.yml')
  await writeFile(
    config,
    [
      'route:',
      '  receiver: hook',
      "  group_by: ['...']",
      '  group_wait: 100ms',
      '  group_interval: 300ms',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: hook',
      '    webhook_configs:',
      `      - url: ${JSON.stringify(opts.webhookUrl)}`,
      '        send_resolved: true',
      '',
    ].join('\n'),
  )
  for (let tries = 0; ; tries++) {
    const port = await freePort()
    let stderr = ''
    const child: ChildProcess = spawn(
      bin,
      [
        `--config.file=${config}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()))
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    const url = `http://127.0.0.1:${port}`
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(t)
      }
    }
    const deadline = Date.now() + 20_000
    let ready = false
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        ready = (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) })).ok
      } catch {
        ready = false
      }
      if (ready) break
      await new Promise((r) => setTimeout(r, 100))
    }
    if (ready)
      return {
        url,
        log: () => stderr,
        stop: async () => {
          await stop()
          await rm(dir, { recursive: true, force: true })
        },
      }
    await stop()
    // The free port may have been taken between finding it and binding it: try another, once.
    if (tries >= 1) {
      await rm(dir, { recursive: true, force: true })
      throw new Error(`Alertmanager did not become ready on ${url}:\n${stderr}`)
    }
  }
}
