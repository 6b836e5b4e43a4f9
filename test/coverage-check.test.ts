import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadBuiltinDetectors } from '../src/detect/registry.js'

const root = join(import.meta.dirname, '..')
const detectors = await loadBuiltinDetectors()
const byId = new Map(detectors.map((d) => [d.meta.id, d]))
const lines = readFileSync(join(root, 'docs/coverage.md'), 'utf8').split('\n')

/** A detector row of a coverage table: `| [`<id>`](detectors/<id>.md) | <severity> | ...`. */
const ROW = /^\|\s*\[`([^`]+)`\]\(detectors\/([^)\s]+)\.md\)\s*\|\s*([^|\s]+)\s*\|/

interface Row {
  line: number
  id: string
  target: string
  severity: string
}

const rows: Row[] = lines.flatMap((text, i) => {
  const m = ROW.exec(text)
  return m ? [{ line: i + 1, id: m[1]!, target: m[2]!, severity: m[3]! }] : []
})

describe('docs/coverage.md', () => {
  it('has exactly one row for every built-in detector', () => {
    expect(byId.size).toBeGreaterThan(0)
    const count = new Map<string, number>()
    for (const r of rows) count.set(r.id, (count.get(r.id) ?? 0) + 1)
    const missing = [...byId.keys()].filter((id) => !count.has(id))
    const repeated = [...count].filter(([, n]) => n > 1).map(([id]) => id)
    expect({ missing, repeated }).toEqual({ missing: [], repeated: [] })
  })

  it('names no unknown detector', () => {
    expect(rows.filter((r) => !byId.has(r.id)).map((r) => `line ${r.line}: ${r.id}`)).toEqual([])
  })

  it('links each row to the runbook of the detector it names', () => {
    expect(
      rows.filter((r) => r.target !== r.id).map((r) => `line ${r.line}: ${r.id} -> ${r.target}`),
    ).toEqual([])
  })

  it('gives each detector its current severity', () => {
    const wrong = rows.filter((r) => byId.has(r.id) && byId.get(r.id)!.meta.severity !== r.severity)
    expect(wrong.map((r) => `${r.id}: ${r.severity}, is ${byId.get(r.id)!.meta.severity}`)).toEqual([])
  })

  it('has no malformed detector row (a table row starting with a link that the check cannot read)', () => {
    const malformed = lines
      .map((text, i) => ({ text, line: i + 1 }))
      .filter(({ text }) => /^\|\s*\[/.test(text) && !ROW.test(text))
    expect(malformed.map((l) => `line ${l.line}: ${l.text.slice(0, 80)}`)).toEqual([])
  })
})
