import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { ERRORS, errorMessage, type ErrorCode } from '../core/errors.js'
import type { ScanError } from '../core/types.js'
import type { ClusterTarget } from './define.js'
import { isInputFile } from './files.js'

/** Options of {@link resolveTargets}: `--cluster`, and how to read stdin for `-`. */
export interface ResolveOptions {
  /** Names the one cluster that every input then belongs to. */
  cluster?: string
  /** Reads standard input (called at most once). */
  stdin?: () => Promise<Buffer | string>
}

/** Turns CLI inputs (files, folders, `-`) into clusters to scan, sorted by name; missing inputs become errors. */
export async function resolveTargets(
  inputs: readonly string[],
  opts: ResolveOptions = {},
): Promise<{ targets: ClusterTarget[]; errors: ScanError[] }> {
  const targets = new Map<string, ClusterTarget>()
  const errors: ScanError[] = []
  const fail = (source: string, code: ErrorCode, detail?: string) =>
    errors.push({ source, code, message: `${source}: ${ERRORS[code]}${detail ? `: ${detail}` : ''}` })
  const add = (name: string, source: string, part: { path?: string; stdin?: Buffer | string }) => {
    const chosen = opts.cluster ?? name
    let t = targets.get(chosen)
    if (!t) targets.set(chosen, (t = { name: chosen, source }))
    else if (!t.source.split(', ').includes(source)) t.source += `, ${source}`
    if (part.path !== undefined) {
      t.paths ??= []
      if (!t.paths.includes(part.path)) t.paths.push(part.path)
    }
    if (part.stdin !== undefined) t.stdin = part.stdin
  }

  let stdinRead = false
  for (const input of inputs) {
    if (input === '-') {
      if (stdinRead) continue
      stdinRead = true
      if (!opts.stdin) {
        fail('-', 'KDAC_E_USAGE', 'standard input was named but cannot be read here')
        continue
      }
      try {
        add('stdin', '-', { stdin: await opts.stdin() })
      } catch (e) {
        fail('-', 'KDAC_E_READ', errorMessage(e))
      }
      continue
    }
    let st
    try {
      st = await stat(input)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' || code === 'ENOTDIR') fail(input, 'KDAC_E_INPUT_MISSING')
      else fail(input, 'KDAC_E_READ', errorMessage(e))
      continue
    }
    const base = path.basename(path.resolve(input))
    if (!st.isDirectory()) {
      add(stripExt(base), input, { path: input })
      continue
    }
    let layout
    try {
      layout = await folderLayout(input)
    } catch (e) {
      fail(input, 'KDAC_E_READ', errorMessage(e))
      continue
    }
    // A folder of nothing but sub-folders is a fleet; anything readable at its top makes it one cluster
    // (a `cluster-info dump` directory has nodes.json there).
    if (layout.files === 0 && layout.folders.length > 0)
      for (const sub of layout.folders) add(sub, path.join(input, sub), { path: path.join(input, sub) })
    else add(base, input, { path: input })
  }
  const sorted = [...targets.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return { targets: sorted, errors }
}

// Dotfiles and files the loader would not read (a README) do not decide the layout.
async function folderLayout(dir: string): Promise<{ files: number; folders: string[] }> {
  const entries = await readdir(dir, { withFileTypes: true })
  const folders: string[] = []
  let files = 0
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    let isDir = e.isDirectory()
    let isFile = e.isFile()
    if (e.isSymbolicLink()) {
      const st = await stat(path.join(dir, e.name)).catch(() => undefined)
      isDir = !!st?.isDirectory()
      isFile = !!st?.isFile()
    }
    if (isDir) folders.push(e.name)
    else if (isFile && isInputFile(e.name)) files++
  }
  folders.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  return { files, folders }
}

function stripExt(name: string): string {
  const ext = path.extname(name)
  return ext && ext !== name ? name.slice(0, -ext.length) : name
}
