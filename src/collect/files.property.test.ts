import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseAllDocuments, stringify } from 'yaml'
import { ERRORS } from '../core/errors.js'
import type { KubeObject, ScanError } from '../core/types.js'
import type { PodLog } from '../snapshot/snapshot.js'
import type { CollectSink } from './define.js'
import { jsonErrorOffset, loadText, type InputFormat } from './files.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/inputs')
const POD_JSON = readFileSync(path.join(FIXTURES, 'kubectl-get-pods-A.json'), 'utf8')
const MANIFESTS = readFileSync(path.join(FIXTURES, 'rendered/shop.yaml'), 'utf8')
const DUMP = readFileSync(path.join(FIXTURES, 'cluster-info.dump'), 'utf8')

interface Result {
  objects: KubeObject[]
  errors: ScanError[]
  logs: PodLog[]
}

function run(text: string, source: string, format?: InputFormat): Result {
  const r: Result = { objects: [], errors: [], logs: [] }
  const sink: CollectSink = {
    object: (o) => (r.objects.push(o), true),
    collected: () => undefined,
    data: () => undefined,
    log: (l) => void r.logs.push(l),
    error: (e) => void r.errors.push(e),
  }
  loadText(text, source, sink, format ? { format, keepManagedFields: true } : { keepManagedFields: true })
  return r
}

function expectWellFormed(r: Result, source: string, text: string): void {
  const lines = text.split('\n').length
  for (const e of r.errors) {
    expect(e.source).toBe(source)
    expect(Object.keys(ERRORS)).toContain(e.code)
    expect(e.message.startsWith(`${source}: ${ERRORS[e.code as keyof typeof ERRORS]}`)).toBe(true)
    if (e.line !== undefined) {
      expect(Number.isInteger(e.line) && e.line >= 1 && e.line <= lines).toBe(true)
      expect(Number.isInteger(e.column) && (e.column as number) >= 1).toBe(true)
    }
  }
  for (const o of r.objects) {
    expect(typeof o.apiVersion === 'string' && o.apiVersion !== '').toBe(true)
    expect(typeof o.kind === 'string' && o.kind !== '').toBe(true)
    expect(typeof o.metadata.name === 'string' && o.metadata.name !== '').toBe(true)
  }
}

/** Edits a text at random: cut it short, drop a range, insert characters, or swap one. */
function mutated(base: string): fc.Arbitrary<string> {
  const at = fc.nat({ max: base.length })
  const junk = fc.string({
    unit: fc.constantFrom(
      '{',
      '}',
      '[',
      ']',
      '"',
      ':',
      ',',
      '\n',
      ' ',
      '-',
      '#',
      '*',
      '&',
      '!',
      '|',
      '\\',
      'a',
      '0',
      '\t',
    ),
    maxLength: 8,
  })
  const edit = fc.oneof(
    at.map((i) => (t: string) => t.slice(0, Math.min(i, t.length))),
    fc.tuple(at, fc.nat({ max: 200 })).map(
      ([i, n]) =>
        (t: string) =>
          t.slice(0, i) + t.slice(i + n),
    ),
    fc.tuple(at, junk).map(
      ([i, s]) =>
        (t: string) =>
          t.slice(0, i) + s + t.slice(i),
    ),
    fc.tuple(at, junk).map(
      ([i, s]) =>
        (t: string) =>
          t.slice(0, i) + s + t.slice(i + s.length),
    ),
  )
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) => edits.reduce((t, f) => f(t), base))
}

const formats = fc.constantFrom<InputFormat | undefined>(undefined, 'auto', 'json', 'yaml', 'text', 'logs')
const sources = fc.constantFrom(
  'in.json',
  'in.yaml',
  'cluster-info.dump',
  'stdin',
  'ns/pod/logs.txt',
  'notes.txt',
)

describe('loadText on arbitrary input', () => {
  it('never throws on random text, and every error names its source', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({
        unit: fc.constantFrom(
          '{',
          '}',
          '[',
          ']',
          '"',
          ':',
          ',',
          '\n',
          ' ',
          '-',
          '#',
          '*',
          '&',
          'a',
          '1',
          '---\n',
        ),
        maxLength: 200,
      }),
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v) ?? ''),
    )
    fc.assert(
      fc.property(text, sources, formats, (t, source, format) => {
        const r = run(t, source, format)
        expectWellFormed(r, source, t)
      }),
      { numRuns: 500 },
    )
  })

  it('never throws on mutated kubectl JSON, and reports JSON that does not parse', () => {
    fc.assert(
      fc.property(mutated(POD_JSON), (t) => {
        const r = run(t, 'pods.json')
        expectWellFormed(r, 'pods.json', t)
        let parses = true
        try {
          JSON.parse(t)
        } catch {
          parses = false
        }
        if (!parses) expect(r.errors.length).toBeGreaterThan(0)
      }),
      { numRuns: 300 },
    )
  })

  it('never throws on mutated YAML manifests, and reports YAML that does not parse', () => {
    fc.assert(
      fc.property(mutated(MANIFESTS), (t) => {
        const r = run(t, 'shop.yaml')
        expectWellFormed(r, 'shop.yaml', t)
        const broken = parseAllDocuments(t, { merge: true }) as unknown as { errors: unknown[] }[]
        if (broken.some((d) => d.errors.length > 0))
          expect(r.errors.some((e) => e.code === 'KDAC_E_PARSE_YAML')).toBe(true)
      }),
      { numRuns: 200 },
    )
  })

  it('never throws on a mutated cluster-info dump, and always keeps its logs apart from objects', () => {
    fc.assert(
      fc.property(mutated(DUMP), (t) => {
        const r = run(t, 'cluster-info.dump')
        expectWellFormed(r, 'cluster-info.dump', t)
        for (const l of r.logs) expect(t.includes(l.text)).toBe(true)
      }),
      { numRuns: 200 },
    )
  })
})

describe('loadText on valid objects', () => {
  // `<<` is a YAML merge key, read as Kubernetes' own YAML reader does: not a plain field.
  const reserved = new Set(['apiVersion', 'kind', 'metadata', 'items', '<<'])
  const nonEmpty = fc.string({ minLength: 1, maxLength: 30 })
  const extras = fc
    .dictionary(fc.string({ maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 })
    .map((d) => Object.fromEntries(Object.entries(d).filter(([k]) => !reserved.has(k))))
  const object: fc.Arbitrary<KubeObject> = fc
    .record({
      apiVersion: fc.oneof(fc.constantFrom('v1', 'apps/v1', 'example.com/v1alpha1'), nonEmpty),
      kind: fc.oneof(fc.constantFrom('Pod', 'Deployment', 'Widget'), nonEmpty),
      name: nonEmpty,
      namespace: fc.option(nonEmpty, { nil: undefined }),
      labels: fc.option(
        fc.dictionary(
          nonEmpty.filter((k) => k !== '<<'),
          fc.string({ maxLength: 20 }),
          { maxKeys: 3 },
        ),
        { nil: undefined },
      ),
      extra: extras,
    })
    // A round trip through JSON first: -0 and undefined do not survive any text form. A `<<` key at
    // any depth is a YAML merge key, not data, so the reviver drops it.
    .map(({ apiVersion, kind, name, namespace, labels, extra }) =>
      JSON.parse(
        JSON.stringify({
          ...extra,
          apiVersion,
          kind,
          metadata: { name, ...(namespace ? { namespace } : {}), labels },
        }),
        (k, v) => (k === '<<' ? undefined : v),
      ),
    )

  const forms: [string, string, (objs: KubeObject[]) => string][] = [
    ['one JSON object per file', 'o.json', (objs) => JSON.stringify(objs[0])],
    [
      'a kubectl List (JSON)',
      'l.json',
      (objs) => JSON.stringify({ apiVersion: 'v1', items: objs, kind: 'List' }, null, 4),
    ],
    ['a kubectl List (YAML)', 'l.yaml', (objs) => stringify({ apiVersion: 'v1', items: objs, kind: 'List' })],
    ['multi-document YAML', 'm.yaml', (objs) => objs.map((o) => stringify(o)).join('---\n')],
    [
      'concatenated pretty JSON',
      'c.dump',
      (objs) => objs.map((o) => JSON.stringify(o, null, 4) + '\n').join(''),
    ],
  ]

  for (const [title, source, render] of forms) {
    it(`always loads objects given as ${title}`, () => {
      fc.assert(
        fc.property(fc.array(object, { minLength: 1, maxLength: 4 }), (objs) => {
          const sent = source === 'o.json' ? objs.slice(0, 1) : objs
          const r = run(render(sent), source)
          expect(r.errors).toEqual([])
          expect(r.objects).toEqual(sent)
        }),
        { numRuns: 150 },
      )
    })
  }
})

describe('jsonErrorOffset', () => {
  it('finds the offset V8 reports, whenever V8 reports one', () => {
    fc.assert(
      fc.property(mutated(POD_JSON.slice(0, 3000)), (t) => {
        let v8: number | undefined
        try {
          JSON.parse(t)
          expect(jsonErrorOffset(t)).toBe(-1)
          return
        } catch (e) {
          const m = /at position (\d+)/.exec((e as Error).message)
          if (m) v8 = Number(m[1])
        }
        const mine = jsonErrorOffset(t)
        expect(mine).toBeGreaterThanOrEqual(0)
        if (v8 !== undefined) expect(mine).toBe(v8)
      }),
      { numRuns: 500 },
    )
  })
})
