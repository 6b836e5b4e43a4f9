import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ListStreamParser, parseJson, withoutManagedFields } from './json-list.js'

/** Parses `text` fed in chunks cut at the given byte offsets; returns the items and envelope. */
function streamParse(text: string, cuts: number[], dropManagedFields = false) {
  const bytes = Buffer.from(text)
  const items: unknown[] = []
  const p = new ListStreamParser((i) => items.push(i), dropManagedFields)
  let from = 0
  for (const c of [...new Set(cuts.map((x) => x % (bytes.length + 1)))].sort((a, b) => a - b)) {
    p.write(bytes.subarray(from, c))
    from = c
  }
  p.write(bytes.subarray(from))
  return { items, envelope: p.end() }
}

const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('a"b', 'back\\slash', '\\"', ']}', '[{', '"managedFields":[', 'ü€😀', '\\\\"]', ''),
)
const item = fc.record({
  metadata: fc.record({
    name: tricky,
    annotations: fc.dictionary(fc.string(), tricky, { maxKeys: 3 }),
    managedFields: fc.array(
      fc.record({ manager: tricky, fieldsV1: fc.dictionary(tricky, fc.constant({})) }),
      { maxLength: 3 },
    ),
  }),
  spec: fc.jsonValue({ maxDepth: 3 }),
})

describe('ListStreamParser', () => {
  it('gives the items and envelope JSON.parse gives, however the body is cut into chunks', () => {
    fc.assert(
      fc.property(
        fc.array(item, { maxLength: 6 }),
        fc.string(),
        fc.array(fc.nat(), { maxLength: 12 }),
        (items, cont, cuts) => {
          const list = { kind: 'PodList', apiVersion: 'v1', metadata: { continue: cont }, items }
          const text = JSON.stringify(list)
          const got = streamParse(text, cuts)
          const expected = JSON.parse(text) as typeof list // -0 reads back as 0
          expect(got.items).toEqual(expected.items)
          expect(got.envelope).toEqual({ ...expected, items: null })
        },
      ),
      { numRuns: 300 },
    )
  })

  it('finds the items wherever the key stands, and drops managedFields on request', () => {
    const text =
      '{"metadata":{"continue":"x"},"items":[{"metadata":{"name":"a","managedFields":[{"m":"]"}]},"spec":1}],"kind":"L"}'
    for (let cut = 0; cut <= text.length; cut++) {
      const got = streamParse(text, [cut], true)
      expect(got.items).toEqual([{ metadata: { name: 'a' }, spec: 1 }])
      expect(got.envelope).toEqual({ metadata: { continue: 'x' }, items: null, kind: 'L' })
    }
  })

  it('rejects a body that ends inside the items', () => {
    const p = new ListStreamParser(() => undefined)
    p.write(Buffer.from('{"items":[{"metadata":{}},{"meta'))
    expect(() => p.end()).toThrow(SyntaxError)
  })
})

describe('withoutManagedFields', () => {
  it('parses to the object without managedFields, whatever the strings hold', () => {
    fc.assert(
      fc.property(fc.array(item, { maxLength: 5 }), (items) => {
        const text = JSON.stringify({ items })
        const expected = (JSON.parse(text) as { items: typeof items }).items
        for (const i of expected) delete (i.metadata as { managedFields?: unknown }).managedFields
        expect(parseJson(Buffer.from(text), true)).toEqual({ items: expected })
      }),
      { numRuns: 300 },
    )
  })

  it('cuts a first-key managedFields and keeps everything else byte for byte', () => {
    const text = '{"metadata":{"managedFields":[{"a":"b"}],"name":"x"},"note":"\\"managedFields\\":[1]"}'
    expect(withoutManagedFields(Buffer.from(text)).toString()).toBe(
      '{"metadata":{"name":"x"},"note":"\\"managedFields\\":[1]"}',
    )
  })

  it('returns the same buffer when there is nothing to cut', () => {
    const b = Buffer.from('{"metadata":{"name":"x"}}')
    expect(withoutManagedFields(b)).toBe(b)
  })
})
