import { describe, expect, it } from 'vitest'
import { matchesMapSelector, matchesSelector } from './selectors.js'

describe('label selectors', () => {
  const labels = { app: 'web', tier: 'fe' }
  it('treats an empty selector as everything and a missing one as nothing', () => {
    expect(matchesSelector({}, labels)).toBe(true)
    expect(matchesSelector(undefined, labels)).toBe(false)
    expect(matchesSelector(null, labels)).toBe(false)
  })
  it('applies matchLabels and every matchExpressions operator', () => {
    expect(matchesSelector({ matchLabels: { app: 'web' } }, labels)).toBe(true)
    expect(matchesSelector({ matchLabels: { app: 'api' } }, labels)).toBe(false)
    expect(
      matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] }, labels),
    ).toBe(true)
    expect(
      matchesSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] }, labels),
    ).toBe(false)
    expect(
      matchesSelector({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels),
    ).toBe(true)
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true)
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toBe(
      false,
    )
    expect(matchesSelector({ matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, labels)).toBe(false)
  })
  it('never lets an empty Service selector select pods', () => {
    expect(matchesMapSelector({}, labels)).toBe(false)
    expect(matchesMapSelector(undefined, labels)).toBe(false)
    expect(matchesMapSelector({ app: 'web' }, labels)).toBe(true)
    expect(matchesMapSelector({ app: 'web', x: 'y' }, labels)).toBe(false)
  })
})
