import fc from 'fast-check'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { shareWith } from './share.js'

describe('shareWith', () => {
  it('keeps the value equal to what it was, whatever the previous value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (a, b) => {
        const before = JSON.stringify(a)
        const prevBefore = JSON.stringify(b)
        const out = shareWith(a, b)
        expect(JSON.stringify(out)).toBe(before) // (toEqual tells -0 from the 0 it serialises to)
        expect(JSON.stringify(b)).toBe(prevBefore) // the previous value is never changed
      }),
      { numRuns: 500 },
    )
  })

  it('reuses the equal subtrees of the previous sibling and returns it when all is equal', () => {
    const prev = {
      metadata: { name: 'web-1', labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'app', image: 'web:1', resources: { requests: { cpu: '1' } } }],
        nodeName: 'n1',
      },
    }
    const next = {
      metadata: { name: 'web-2', labels: { app: 'web' } },
      spec: {
        containers: [{ name: 'app', image: 'web:1', resources: { requests: { cpu: '1' } } }],
        nodeName: 'n2',
      },
    }
    const out = shareWith(next, prev) as typeof next
    expect(out).toBe(next)
    expect(out.metadata.labels).toBe(prev.metadata.labels)
    expect(out.spec.containers).toBe(prev.spec.containers)
    expect(out.spec).not.toBe(prev.spec)
    expect(out.metadata.name).toBe('web-2')
    expect(shareWith(structuredClone(prev), prev)).toBe(prev)
  })

  it('does not treat an object with fewer keys, or an array and an object, as equal', () => {
    const prev = { a: 1, b: 2 }
    expect(shareWith({ a: 1 }, prev)).not.toBe(prev)
    expect(shareWith([1], { 0: 1 })).toEqual([1])
    expect(shareWith({ 0: 1 }, [1])).toEqual({ 0: 1 })
  })

  it('keeps one copy of equal strings, not one per item (equal strings are distinct copies on the heap)', () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const big = 'x'.repeat(64 * 1024)
    const items: unknown[] = []
    gc()
    const before = process.memoryUsage().heapUsed
    let prev: unknown
    for (let i = 0; i < 500; i++) {
      // JSON.parse makes a fresh 64 KiB string for each item: 32 MiB if none is shared.
      const next = JSON.parse(`{"name":"web-${i}","spec":{"image":"${big}","n":${i}}}`) as unknown
      prev = shareWith(next, prev)
      items.push(prev)
    }
    gc()
    const grown = process.memoryUsage().heapUsed - before
    expect(items).toHaveLength(500)
    expect(grown).toBeLessThan(4 * 1024 * 1024)
  })
})
