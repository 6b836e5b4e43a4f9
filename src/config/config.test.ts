import { describe, expect, it } from 'vitest'
import { KubedacError } from '../core/errors.js'
import type { Finding } from '../core/types.js'
import { defineDetector } from '../detect/define.js'
import { configureDetectors, exclusionFilter, parseConfig } from './config.js'

const mk = (id: string, category: string) =>
  defineDetector({
    meta: {
      id,
      title: id,
      severity: 'warning',
      category,
      requires: ['v1/Pod'],
      messages: { m: 'x' },
      remediation: 'y',
      params: { threshold: { default: '5m', description: 'how long' } },
    },
    detect() {},
  })
const all = [mk('a-one', 'node'), mk('b-two', 'node'), mk('c-three', 'security')]

describe('config', () => {
  it('parses a full config file', () => {
    const c = parseConfig(
      `detectors:
  disable: [security]
  enable: [c-three]
  severity: { a-one: critical }
  params: { a-one: { threshold: 10m } }
exclude:
  - detectors: [b-two]
    namespaces: ["kube-*"]
    reason: system namespaces are the platform team's
`,
      'kubedac.yaml',
    )
    const ds = configureDetectors(all, c)
    expect(ds.map((d) => d.detector.meta.id)).toEqual(['a-one', 'b-two', 'c-three'])
    expect(ds[0]).toMatchObject({ severity: 'critical', params: { threshold: '10m' } })
    expect(ds[1]).toMatchObject({ severity: 'warning', params: { threshold: '5m' } })
  })

  it('disables by category and by id, and the command line adds to the file', () => {
    const ds = configureDetectors(all, parseConfig('detectors: { disable: [node] }', 'k.yaml'), {
      enable: ['b-two'],
    })
    expect(ds.map((d) => d.detector.meta.id)).toEqual(['b-two', 'c-three'])
  })

  it('names the file, line and column of a YAML error', () => {
    try {
      parseConfig('detectors:\n  disable: [a\n', 'conf/kubedac.yaml')
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(KubedacError)
      expect((e as KubedacError).message).toMatch(/conf\/kubedac\.yaml:\d+:\d+/)
    }
  })

  it('names the field of a schema error', () => {
    expect(() => parseConfig('detectors: { severity: { a-one: urgent } }', 'k.yaml')).toThrow(
      /detectors\.severity\.a-one/,
    )
    expect(() => parseConfig('detector: {}', 'k.yaml')).toThrow(/Unrecognized key.*detector/)
  })

  it('refuses unknown detector ids, categories and parameters', () => {
    expect(() => configureDetectors(all, parseConfig('detectors: { disable: [a-onee] }', 'k'))).toThrow(
      /unknown detector or category "a-onee"/,
    )
    expect(() =>
      configureDetectors(all, parseConfig('detectors: { params: { a-one: { treshold: 1 } } }', 'k')),
    ).toThrow(/unknown parameter "treshold" \(known: threshold\)/)
    expect(() => configureDetectors(all, parseConfig('detectors: { severity: { zzz: info } }', 'k'))).toThrow(
      /unknown detector "zzz"/,
    )
  })

  it('excludes findings by detector, cluster glob, namespace glob and object labels', () => {
    const f = (over: Partial<Finding>): Finding => ({
      detector: 'a-one',
      title: '',
      severity: 'warning',
      category: 'node',
      cluster: 'prod-eu-1',
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'kube-system', name: 'p' },
      messageId: 'm',
      message: '',
      evidence: {},
      remediation: '',
      runbook: '',
      fingerprint: 'x',
      ...over,
    })
    const ex = exclusionFilter([
      { detectors: ['a-one'], namespaces: ['kube-*'] },
      { clusters: ['dev-*'] },
      { selector: { matchLabels: { 'kubedac.io/ignore': 'true' } } },
    ])
    const noLabels = () => undefined
    expect(ex(f({}), noLabels)).toBe(true)
    expect(ex(f({ detector: 'b-two' }), noLabels)).toBe(false)
    expect(ex(f({ detector: 'b-two', cluster: 'dev-3' }), noLabels)).toBe(true)
    expect(ex(f({ detector: 'b-two' }), () => ({ 'kubedac.io/ignore': 'true' }))).toBe(true)
    expect(ex(f({ object: { apiVersion: 'v1', kind: 'Node', name: 'n' } }), noLabels)).toBe(false)
  })
})
