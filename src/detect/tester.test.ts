import { describe, expect, it } from 'vitest'
import { node, pod } from '../detectors/lib/fixtures.js'
import { defineCases } from './cases.js'
import { defineDetector } from './define.js'
import { runSuite } from './tester.js'

const failedPods = defineDetector({
  meta: {
    id: 'failed-pods',
    title: 'Failed pods',
    severity: 'info',
    category: 'custom',
    requires: ['v1/Pod'],
    messages: { failed: 'Pod {{name}} failed: {{reason}}' },
    remediation: 'Look at it',
  },
  detect({ snapshot, report }) {
    for (const p of snapshot.list('v1/Pod'))
      if (p.status?.phase === 'Failed')
        report({ object: p, messageId: 'failed', data: { reason: p.status.reason ?? 'unknown' } })
  },
})

const good = {
  valid: [{ name: 'quiet on a running pod', objects: [pod('ok')] }],
  invalid: [
    {
      name: 'fires on a failed pod',
      objects: [pod('bad', { phase: 'Failed', status: { reason: 'Evicted' } })],
      findings: [
        {
          object: { kind: 'Pod', namespace: 'default', name: 'bad' },
          messageId: 'failed',
          data: { reason: 'Evicted' },
        },
      ],
    },
  ],
}

const problemsOf = (cases: Parameters<typeof defineCases>[1]) => {
  const r = runSuite(defineCases(failedPods, cases))
  return [...r.problems, ...r.cases.flatMap((c) => c.problems)]
}

describe('detector test runner', () => {
  it('passes a correct suite', () => {
    const r = runSuite(defineCases(failedPods, good))
    expect(r.ok).toBe(true)
    expect(r.cases.map((c) => c.ok)).toEqual([true, true])
  })

  it('fails a suite with no valid case or no invalid case', () => {
    expect(problemsOf({ valid: [], invalid: good.invalid })).toContain(
      'has no valid case (one where it must stay quiet)',
    )
    expect(problemsOf({ valid: good.valid, invalid: [] })).toContain(
      'has no invalid case (one where it must fire)',
    )
  })

  it('fails unnamed and duplicate cases', () => {
    expect(problemsOf({ valid: [{ name: '', objects: [pod('ok')] }], invalid: good.invalid })).toContain(
      'has a case without a name',
    )
    expect(problemsOf({ valid: [good.valid[0]!, good.valid[0]!], invalid: good.invalid })).toContain(
      'has two cases named "quiet on a running pod"',
    )
  })

  it('fails an expectation with an unknown messageId', () => {
    const inv = [{ ...good.invalid[0]!, findings: [{ ...good.invalid[0]!.findings[0]!, messageId: 'typo' }] }]
    expect(problemsOf({ valid: good.valid, invalid: inv }).join('\n')).toContain('unknown messageId "typo"')
  })

  it('fails a case in which the detector evaluated zero objects', () => {
    const p = problemsOf({
      valid: [{ name: 'no pods at all', objects: [node('n')], data: {} }],
      invalid: good.invalid,
    })
    // No Pod in the case: the detector is skipped, which the runner names as a defect of the case.
    expect(p.join('\n')).toContain('was skipped')
  })

  it('fails a case whose objects are all of another namespace than the detector reads', () => {
    const nsOnly = defineDetector({
      meta: { ...failedPods.meta, id: 'ns-only' },
      detect({ snapshot, report }) {
        for (const p of snapshot.list('v1/Pod', 'prod'))
          report({ object: p, messageId: 'failed', data: { reason: 'x' } })
      },
    })
    const r = runSuite(
      defineCases(nsOnly, {
        valid: [{ name: 'nothing in prod', objects: [pod('ok')] }],
        invalid: [
          {
            name: 'fires in prod',
            objects: [pod('x', { namespace: 'prod' })],
            findings: [{ object: { kind: 'Pod', namespace: 'prod', name: 'x' }, messageId: 'failed' }],
          },
        ],
      }),
    )
    expect(r.cases[0]?.problems).toContain('evaluated zero objects: the case does not exercise the detector')
  })

  it('fails a detector that reads kinds it did not declare', () => {
    const sneaky = defineDetector({
      meta: { ...failedPods.meta, id: 'sneaky' },
      detect(ctx) {
        ctx.snapshot.list('v1/ConfigMap')
        failedPods.detect(ctx)
      },
    })
    const r = runSuite(defineCases(sneaky, good))
    expect(r.ok).toBe(false)
    expect(r.cases[0]?.problems.join('\n')).toContain('read undeclared kinds: v1/ConfigMap')
  })

  it('fails when fingerprints differ between two runs', () => {
    let n = 0
    const flaky = defineDetector({
      meta: { ...failedPods.meta, id: 'flaky' },
      detect({ snapshot, report }) {
        for (const p of snapshot.list('v1/Pod'))
          if (p.status?.phase === 'Failed')
            report({ object: p, messageId: 'failed', data: { reason: 'x' }, key: String(n++) })
      },
    })
    const r = runSuite(defineCases(flaky, good))
    expect(r.cases[1]?.problems).toContain('fingerprints differ between two runs of the same case')
  })

  it('fails on a missing, an unexpected or a mismatched finding, and on unknown params', () => {
    const wrongData = [
      {
        ...good.invalid[0]!,
        findings: [{ ...good.invalid[0]!.findings[0]!, data: { reason: 'OOMKilled' } }],
      },
    ]
    expect(problemsOf({ valid: good.valid, invalid: wrongData }).join('\n')).toContain(
      'expected failed on Pod default/bad with {"reason":"OOMKilled"}',
    )
    const firesInValid = [{ name: 'quiet?', objects: [pod('bad', { phase: 'Failed' })] }]
    expect(problemsOf({ valid: firesInValid, invalid: good.invalid }).join('\n')).toContain(
      'expected no finding, got failed on Pod default/bad',
    )
    const withParam = [{ ...good.valid[0]!, params: { nope: 1 } }]
    expect(problemsOf({ valid: withParam, invalid: good.invalid })).toContain('sets unknown parameter "nope"')
  })

  it('checks skip cases', () => {
    const r = runSuite(
      defineCases(failedPods, {
        ...good,
        skip: [
          { name: 'skipped without pods', objects: [node('n')] },
          { name: 'wrongly expects a skip', objects: [pod('a')] },
        ],
      }),
    )
    expect(r.cases.find((c) => c.name === 'skipped without pods')?.ok).toBe(true)
    expect(r.cases.find((c) => c.name === 'wrongly expects a skip')?.problems).toContain(
      'expected the detector to be skipped for missing data, but it ran',
    )
  })
})
