import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { KubedacError } from '../core/errors.js'
import {
  activeSilenceFor,
  derivedSilenceId,
  expiringSoon,
  loadSilences,
  matcherTest,
  matchesSilence,
  parseSilences,
  validateSilence,
  type Silence,
  type SilenceMatchers,
  type SilenceOptions,
  type SilenceTarget,
} from './silences.js'

const NOW = new Date('2026-03-01T12:00:00Z')
const DAY = 86_400_000

function silence(matchers: SilenceMatchers, expiresAt = '2026-03-10T00:00:00.000Z', id = 'test'): Silence {
  return { id, matchers, owner: 'alice', reason: 'known', expiresAt }
}

const target: SilenceTarget = {
  detector: 'image-pull-failure',
  cluster: 'prod-eu-1',
  clusterLabels: { env: 'prod', team: 'shop' },
  namespace: 'team-a',
  objectLabels: { app: 'cart', tier: 'web' },
}

function parseError(text: string, opts: SilenceOptions = { now: NOW }): KubedacError {
  try {
    parseSilences(text, 'silences.yaml', opts)
  } catch (e) {
    if (e instanceof KubedacError) return e
    throw e
  }
  throw new Error('expected the file to be refused')
}

describe('parseSilences', () => {
  it('reads a valid file: explicit ids kept, others derived from the content, times in UTC, label values as text', () => {
    const s = parseSilences(
      `silences:
  - id: registry-outage
    matchers:
      detector: image-pull-failure
      clusterLabels: { env: prod, tier: 1 }
    owner: platform-team
    reason: registry.example.com migrates this week
    ticket: OPS-1234
    expiresAt: 2026-03-05T18:00:00+02:00
  - matchers: { namespace: "~team-(a|b)", objectLabels: { app: "cart*" } }
    owner: bob@example.com
    reason: load test
    expiresAt: "2026-03-02T00:00:00Z"
`,
      'silences.yaml',
      { now: NOW },
    )
    expect(s).toEqual([
      {
        id: 'registry-outage',
        matchers: { detector: 'image-pull-failure', clusterLabels: { env: 'prod', tier: '1' } },
        owner: 'platform-team',
        reason: 'registry.example.com migrates this week',
        ticket: 'OPS-1234',
        expiresAt: '2026-03-05T16:00:00.000Z',
      },
      {
        id: s[1]!.id,
        matchers: { namespace: '~team-(a|b)', objectLabels: { app: 'cart*' } },
        owner: 'bob@example.com',
        reason: 'load test',
        expiresAt: '2026-03-02T00:00:00.000Z',
      },
    ])
    expect(s[1]!.id).toMatch(/^s-[0-9a-f]{10}$/)
    const { id: _, ...body } = s[1]!
    expect(derivedSilenceId(body)).toBe(s[1]!.id)
    expect(parseSilences('silences: []\n', 'x.yaml', { now: NOW })).toEqual([])
  })

  it('keeps a silence that has already expired: it is valid, it just silences nothing', () => {
    const [s] = parseSilences(
      'silences:\n  - { matchers: { cluster: dev }, owner: a, reason: b, expiresAt: 2026-01-01T00:00:00Z }\n',
      'x.yaml',
      { now: NOW },
    )
    expect(matchesSilence(s!, { detector: 'x', cluster: 'dev' }, NOW)).toBe(false)
  })

  const bad: [string, string, RegExp][] = [
    [
      'a silence without an expiry',
      'silences:\n  - matchers: { cluster: prod }\n    owner: a\n    reason: b\n',
      /silences\.yaml:2:5: silences\[0\]\.expiresAt: is required: .*a silence without an end is not allowed/,
    ],
    [
      'an expiry without a time zone',
      'silences:\n  - matchers: { cluster: prod }\n    owner: a\n    reason: b\n    expiresAt: 2026-03-05T00:00:00\n',
      /silences\.yaml:5:16: silences\[0\]\.expiresAt: must be an RFC 3339 time with a time zone/,
    ],
    [
      'a date without a time',
      'silences:\n  - matchers: { cluster: prod }\n    owner: a\n    reason: b\n    expiresAt: 2026-03-05\n',
      /:5:16: silences\[0\]\.expiresAt: must be an RFC 3339 time/,
    ],
    [
      'an expiry beyond the horizon',
      'silences:\n  - matchers: { cluster: prod }\n    owner: a\n    reason: b\n    expiresAt: 2026-09-01T00:00:00Z\n',
      /:5:16: silences\[0\]\.expiresAt: is more than 90 days ahead/,
    ],
    [
      'no owner',
      'silences:\n  - matchers: { cluster: prod }\n    reason: b\n    expiresAt: 2026-03-05T00:00:00Z\n',
      /:2:5: silences\[0\]\.owner: is required: the person or team who owns the silence/,
    ],
    [
      'an empty reason',
      'silences:\n  - matchers: { cluster: prod }\n    owner: a\n    reason: "  "\n    expiresAt: 2026-03-05T00:00:00Z\n',
      /:4:13: silences\[0\]\.reason: must not be empty/,
    ],
    [
      'no matcher at all',
      'silences:\n  - matchers: {}\n    owner: a\n    reason: b\n    expiresAt: 2026-03-05T00:00:00Z\n',
      /:2:15: silences\[0\]\.matchers: needs at least one matcher/,
    ],
    [
      'only empty label maps',
      'silences:\n  - matchers: { clusterLabels: {} }\n    owner: a\n    reason: b\n    expiresAt: 2026-03-05T00:00:00Z\n',
      /silences\[0\]\.matchers: needs at least one matcher/,
    ],
    [
      'an unknown matcher',
      'silences:\n  - matchers: { cluster: prod, severity: info }\n    owner: a\n    reason: b\n    expiresAt: 2026-03-05T00:00:00Z\n',
      /:2:32: silences\[0\]\.matchers\.severity: unknown field "severity"/,
    ],
    [
      'an unknown field',
      'silences:\n  - matchers: { cluster: prod }\n    owner: a\n    reason: b\n    expiresAt: 2026-03-05T00:00:00Z\n    comment: x\n',
      /:6:5: silences\[0\]\.comment: unknown field "comment"/,
    ],
    [
      'a regular expression that does not compile',
      'silences:\n  - matchers: { namespace: "~team-(a" }\n    owner: a\n    reason: b\n    expiresAt: 2026-03-05T00:00:00Z\n',
      /:2:28: silences\[0\]\.matchers\.namespace: is not a valid regular expression/,
    ],
    [
      'an id used twice',
      'silences:\n  - { id: x, matchers: { cluster: a }, owner: a, reason: b, expiresAt: 2026-03-05T00:00:00Z }\n  - { id: x, matchers: { cluster: b }, owner: a, reason: b, expiresAt: 2026-03-05T00:00:00Z }\n',
      /:3:11: silences\[1\]\.id: id "x" is already used by silences\[0\]/,
    ],
    ['a list instead of a map', '- a\n', /silences\.yaml:1:1: \(root\): must be a map with a silences list/],
    ['broken YAML', 'silences: [ {\n', /silences\.yaml:2:1: \(yaml\): Flow map/],
  ]
  it.each(bad)('refuses %s, naming file, line and field', (_name, text, expected) => {
    const e = parseError(text)
    expect(e.code).toBe('KDAC_E_SILENCES')
    expect(e.source).toBe('silences.yaml')
    expect(e.message).toMatch(expected)
  })

  it('lists every problem of a file at once', () => {
    const e = parseError(
      'silences:\n  - matchers: { cluster: prod }\n    owner: a\n  - matchers: { cluster: prod }\n    owner: a\n    reason: b\n    expiresAt: 2027-01-01T00:00:00Z\n',
    )
    expect(e.message.split('\n')).toHaveLength(3)
    expect(e.message).toMatch(/silences\[0\]\.reason/)
    expect(e.message).toMatch(/silences\[0\]\.expiresAt/)
    expect(e.message).toMatch(/:7:16: silences\[1\]\.expiresAt: is more than 90 days ahead/)
    expect(e.line).toBe(2)
  })

  it('takes the horizon from the options', () => {
    const text =
      'silences:\n  - { matchers: { cluster: a }, owner: a, reason: b, expiresAt: 2026-03-20T00:00:00Z }\n'
    expect(parseError(text, { now: NOW, maxHorizonMs: 7 * DAY }).message).toMatch(/more than 7 days ahead/)
    expect(parseSilences(text, 's.yaml', { now: NOW, maxHorizonMs: 30 * DAY })).toHaveLength(1)
  })

  const dir = mkdtempSync(join(tmpdir(), 'kubedac-silences-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('reads a file from disk, and names a file it cannot read', async () => {
    const file = join(dir, 'silences.yaml')
    writeFileSync(
      file,
      'silences:\n  - { matchers: { cluster: a }, owner: a, reason: b, expiresAt: 2026-03-02T00:00:00Z }\n',
    )
    expect(await loadSilences(file, { now: NOW })).toHaveLength(1)
    await expect(loadSilences(join(dir, 'missing.yaml'), { now: NOW })).rejects.toThrow(
      /invalid silences file: .*missing\.yaml: cannot read \(ENOENT\)/,
    )
  })
})

describe('validateSilence (one silence, as the API receives it)', () => {
  it('gives the silence, or the problems by field', () => {
    const ok = validateSilence(
      { matchers: { detector: 'node-*' }, owner: 'a', reason: 'b', expiresAt: '2026-03-02T00:00:00Z' },
      { now: NOW },
    )
    expect(ok.silence?.matchers).toEqual({ detector: 'node-*' })
    const bad = validateSilence(
      { matchers: { detector: 1, oops: true }, owner: 'a', expiresAt: 'soon' },
      { now: NOW },
    )
    expect(bad.silence).toBeUndefined()
    expect(bad.issues.map((i) => i.field).sort()).toEqual(['expiresAt', 'matchers.oops', 'reason'])
    const far = validateSilence(
      { matchers: { cluster: 'a' }, owner: 'a', reason: 'b', expiresAt: '2030-01-01T00:00:00Z' },
      { now: NOW },
    )
    expect(far.issues).toEqual([{ field: 'expiresAt', message: expect.stringMatching(/more than 90 days/) }])
  })
})

describe('matchesSilence', () => {
  const rows: [string, SilenceMatchers, Partial<SilenceTarget>, boolean][] = [
    ['an exact detector', { detector: 'image-pull-failure' }, {}, true],
    ['another detector', { detector: 'image-pull' }, {}, false],
    ['a glob on the cluster', { cluster: 'prod-*' }, {}, true],
    ['a glob in the middle', { cluster: 'prod-*-1' }, {}, true],
    ['a glob that does not fit', { cluster: 'staging-*' }, {}, false],
    ['a regex on the namespace', { namespace: '~team-(a|b)' }, {}, true],
    ['a regex is matched against the whole value', { namespace: '~team' }, {}, false],
    ['a namespace matcher on a cluster-scoped finding', { namespace: '*' }, { namespace: undefined }, false],
    ['a cluster label', { clusterLabels: { env: 'prod' } }, {}, true],
    ['two cluster labels, one of them wrong', { clusterLabels: { env: 'prod', team: 'data' } }, {}, false],
    ['a cluster label the cluster lacks', { clusterLabels: { region: '*' } }, {}, false],
    [
      'cluster labels on a cluster without labels',
      { clusterLabels: { env: 'prod' } },
      { clusterLabels: undefined },
      false,
    ],
    ['an object label glob', { objectLabels: { app: 'ca*' } }, {}, true],
    [
      'object labels when they are unknown',
      { objectLabels: { app: '*' } },
      { objectLabels: undefined },
      false,
    ],
    [
      'every matcher matching',
      {
        detector: 'image-*',
        cluster: 'prod-eu-1',
        namespace: 'team-a',
        clusterLabels: { env: 'prod' },
        objectLabels: { tier: '~web|api' },
      },
      {},
      true,
    ],
    [
      'every matcher but one',
      { detector: 'image-*', cluster: 'prod-eu-1', namespace: 'team-b', clusterLabels: { env: 'prod' } },
      {},
      false,
    ],
    ['a dot in a glob is a dot', { cluster: 'prod.*' }, {}, false],
    ['regex metacharacters in exact text are text', { cluster: 'prod-eu-1|x' }, {}, false],
  ]
  it.each(rows)('%s', (_name, matchers, over, expected) => {
    expect(matchesSilence(silence(matchers), { ...target, ...over }, NOW)).toBe(expected)
  })

  it('stops matching at the instant it expires, not a millisecond later', () => {
    const s = silence({ cluster: 'prod-eu-1' }, '2026-03-01T12:00:00.000Z')
    expect(matchesSilence(s, target, new Date(NOW.getTime() - 1))).toBe(true)
    expect(matchesSilence(s, target, NOW)).toBe(false)
    expect(matchesSilence(s, target, new Date(NOW.getTime() + 1))).toBe(false)
  })
})

describe('activeSilenceFor and expiringSoon', () => {
  const a = silence({ cluster: 'prod-*' }, '2026-03-01T11:00:00.000Z', 'expired')
  const b = silence({ detector: 'image-pull-failure' }, '2026-03-02T00:00:00.000Z', 'soon')
  const c = silence({ namespace: 'team-a' }, '2026-03-20T00:00:00.000Z', 'later')

  it('gives the matching silence in force that ends last, whatever the order', () => {
    expect(activeSilenceFor([a, b, c], target, NOW)?.id).toBe('later')
    expect(activeSilenceFor([c, b, a], target, NOW)?.id).toBe('later')
    expect(activeSilenceFor([a, b], target, NOW)?.id).toBe('soon')
    expect(activeSilenceFor([a], target, NOW)).toBeUndefined()
    const twin = { ...b, id: 'another' }
    expect(activeSilenceFor([b, twin], target, NOW)?.id).toBe('another')
  })

  it('lists the silences in force that end within the window, soonest first', () => {
    expect(expiringSoon([c, a, b], NOW, 7 * DAY).map((s) => s.id)).toEqual(['soon'])
    expect(expiringSoon([c, a, b], NOW, 30 * DAY).map((s) => s.id)).toEqual(['soon', 'later'])
    expect(expiringSoon([c, a, b], NOW, 0)).toEqual([])
  })
})

describe('properties', () => {
  const name = fc.stringMatching(/^[a-z0-9]([a-z0-9.-]{0,10}[a-z0-9])?$/)
  const labels = fc.dictionary(fc.constantFrom('app', 'env', 'team', 'tier'), name, { maxKeys: 3 })
  const value = (base: fc.Arbitrary<string>) =>
    fc.oneof(
      base,
      base.map((s) => s.slice(0, 2) + '*'),
      fc.constant('*'),
      base.map((s) => `~${s.replace(/\./g, '\\.')}|x`),
    )
  const matchers: fc.Arbitrary<SilenceMatchers> = fc.record(
    {
      detector: value(name),
      cluster: value(name),
      namespace: value(name),
      clusterLabels: fc.dictionary(fc.constantFrom('env', 'team'), value(name), { minKeys: 1, maxKeys: 2 }),
      objectLabels: fc.dictionary(fc.constantFrom('app', 'tier'), value(name), { minKeys: 1, maxKeys: 2 }),
    },
    { requiredKeys: [] },
  )
  const targets: fc.Arbitrary<SilenceTarget> = fc.record({
    detector: name,
    cluster: name,
    clusterLabels: fc.option(labels, { nil: undefined }),
    namespace: fc.option(name, { nil: undefined }),
    objectLabels: fc.option(labels, { nil: undefined }),
  })
  const instant = fc.integer({
    min: Date.parse('2026-01-01T00:00:00Z'),
    max: Date.parse('2026-12-31T00:00:00Z'),
  })

  it('a silence at or past its expiry never matches', () => {
    fc.assert(
      fc.property(matchers, targets, instant, fc.nat(400 * DAY), (m, t, expires, after) => {
        const s = silence(m, new Date(expires).toISOString())
        expect(matchesSilence(s, t, new Date(expires + after))).toBe(false)
      }),
    )
  })

  it('matchers are ANDed: a silence matches exactly when each of its matchers alone does', () => {
    fc.assert(
      fc.property(matchers, targets, (m, t) => {
        const parts = Object.entries(m).filter(([, v]) => v !== undefined)
        const alone = parts.map(([k, v]) => matchesSilence(silence({ [k]: v }), t, NOW))
        expect(matchesSilence(silence(m), t, NOW)).toBe(alone.every(Boolean))
      }),
    )
  })

  it('a value with neither * nor ~ matches exactly itself', () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(matcherTest(a)(b)).toBe(a === b)
        expect(matcherTest(a)(a)).toBe(true)
      }),
    )
  })
})
