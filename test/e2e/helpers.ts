import { spawnSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..')

/** The built CLI (`npm test` builds before running the tests). */
export const CLI = join(ROOT, 'dist', 'cli', 'main.js')

/** What a CLI run gave. */
export interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Runs the built `kubedac` binary as a user would, from the repository root. */
export function kubedac(
  args: string[],
  opts: { input?: string | Buffer; cwd?: string; env?: Record<string, string> } = {},
): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd ?? ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 64 << 20,
    timeout: 120_000,
  })
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'kubedac-e2e-'): string {
  return mkdtempSync(join(tmpdir(), prefix))
}
