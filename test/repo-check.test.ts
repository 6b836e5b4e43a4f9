import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { detectorsMarkdown } from '../src/cli/commands/detectors.js'
import { CATEGORIES } from '../src/detect/define.js'
import { loadBuiltinDetectors } from '../src/detect/registry.js'
import { builtinTsDetectors } from '../src/detectors/index.js'

const root = join(import.meta.dirname, '..')
const detectorsDir = join(root, 'src/detectors')
const all = await loadBuiltinDetectors()

describe('repository check: the detector library', () => {
  it('registers every detector file in src/detectors/index.ts', () => {
    const files = readdirSync(detectorsDir)
      .filter(
        (f) => f.endsWith('.ts') && !f.endsWith('.cases.ts') && !f.endsWith('.test.ts') && f !== 'index.ts',
      )
      .map((f) => basename(f, '.ts'))
    const registered = new Set(builtinTsDetectors.map((d) => d.meta.id))
    expect(files.filter((f) => !registered.has(f))).toEqual([])
    // and the file name is the id
    expect([...registered].filter((id) => !files.includes(id))).toEqual([])
  })

  it('gives every TypeScript detector its cases beside it', () => {
    const missing = builtinTsDetectors.filter((d) => !existsSync(join(detectorsDir, `${d.meta.id}.cases.ts`)))
    expect(missing.map((d) => d.meta.id)).toEqual([])
  })

  it('gives every YAML detector its .tests folder', () => {
    const dir = join(detectorsDir, 'yaml')
    const yamls = existsSync(dir) ? readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)) : []
    expect(
      yamls.filter((f) => !existsSync(join(dir, f.replace(/\.ya?ml$/, '.tests'), 'tests.yaml'))),
    ).toEqual([])
  })

  it('gives every detector a runbook page', () => {
    expect(
      all.filter((d) => !existsSync(join(root, 'docs/detectors', `${d.meta.id}.md`))).map((d) => d.meta.id),
    ).toEqual([])
  })

  it('gives every detector its metadata: description, known category, references or runbook text', () => {
    const bad = all.filter(
      (d) =>
        !d.meta.description ||
        !(CATEGORIES as readonly string[]).includes(d.meta.category) ||
        d.meta.remediation.length < 20,
    )
    expect(bad.map((d) => d.meta.id)).toEqual([])
  })

  it('keeps docs/detectors.md in sync with `kubedac detectors --format markdown`', () => {
    const doc = readFileSync(join(root, 'docs/detectors.md'), 'utf8')
    expect(doc).toBe(detectorsMarkdown(all))
  })

  it('never reuses an id', () => {
    const ids = all.map((d) => d.meta.id)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
