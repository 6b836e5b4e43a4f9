import { describe, expect, it } from 'vitest'
import { runSuite } from '../src/detect/tester.js'
import { builtinTsDetectors, loadBuiltinCases } from '../src/detectors/index.js'

describe('built-in TypeScript detectors (scratch)', () => {
  for (const d of builtinTsDetectors) {
    it(d.meta.id, async () => {
      const suite = await loadBuiltinCases(d.meta.id)
      const r = runSuite(suite)
      const problems = [
        ...r.problems,
        ...r.cases.filter((c) => !c.ok).map((c) => `${c.type} "${c.name}": ${c.problems.join('; ')}`),
      ]
      if (problems.length) console.log(`${d.meta.id}:\n  ${problems.join('\n  ')}`)
      expect(problems).toEqual([])
    })
  }
})
