import { describe, expect, it } from 'vitest'
import { loadBuiltinSuites } from '../src/detect/registry.js'
import { runSuite } from '../src/detect/tester.js'

// Every built-in detector's cases, through the same runner `kubedac test` uses.
const suites = await loadBuiltinSuites()

describe.each(suites.map((s) => [s.detector.meta.id, s] as const))('%s', (_id, suite) => {
  const result = runSuite(suite)
  it('has a well-formed suite', () => {
    expect(result.problems).toEqual([])
  })
  for (const c of result.cases)
    it(`${c.type}: ${c.name}`, () => {
      expect(c.problems).toEqual([])
    })
})
