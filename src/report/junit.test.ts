import { describe, expect, it } from 'vitest'
import { HOSTILE, hostileReport, sampleReport } from '../../test/fixtures/report/sample.js'
import { children, parseXml, textOf, type XmlElement } from '../../test/fixtures/report/xml.js'
import { renderJunit, xmlAttr, xmlText } from './junit.js'

function suites(xml: string): XmlElement[] {
  const root = parseXml(xml)
  expect(root.name).toBe('testsuites')
  return children(root, 'testsuite')
}

describe('renderJunit', () => {
  const xml = renderJunit(sampleReport())
  const root = parseXml(xml)
  const [prod, staging, loose] = children(root, 'testsuite')

  it('is well-formed XML with a declaration', () => {
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')).toBe(true)
    expect(root.attrs).toMatchObject({
      name: 'kubedac',
      tests: '9',
      failures: '3',
      errors: '2',
      skipped: '2',
    })
  })

  it('writes one testsuite per cluster, and one for errors outside any cluster', () => {
    expect(children(root, 'testsuite').map((s) => s.attrs.name)).toEqual(['prod-eu', 'staging', 'kubedac'])
    expect(prod?.attrs).toMatchObject({ tests: '3', failures: '2', errors: '0', skipped: '0' })
    expect(staging?.attrs).toMatchObject({ tests: '5', failures: '1', errors: '1', skipped: '2' })
    const props = children(children(prod!, 'properties')[0]!, 'property').map((p) => [
      p.attrs.name,
      p.attrs.value,
    ])
    expect(props).toEqual([
      ['source', 'dumps/prod-eu'],
      ['status', 'scanned'],
      ['objects', '1234'],
    ])
  })

  it('fails critical and warning findings, typed by severity', () => {
    const cases = children(prod!, 'testcase')
    expect(cases.map((c) => [c.attrs.classname, c.attrs.name])).toEqual([
      ['deployment-replica-failure', 'Deployment shop/checkout'],
      ['apiserver-cert-expiring', 'Cluster prod-eu'],
      ['pod-missing-probes', 'Deployment shop/cart'],
    ])
    const failure = children(cases[0]!, 'failure')[0]!
    expect(failure.attrs).toEqual({
      message: 'Deployment checkout has 0/3 replicas available.',
      type: 'critical',
    })
    expect(textOf(failure)).toContain('Fingerprint: a1b2c3d4e5f60718')
    expect(textOf(failure)).toContain('"bytes": "9007199254740993"')
    expect(children(cases[1]!, 'failure')[0]?.attrs.type).toBe('warning')
  })

  it('passes info findings, showing them in system-out', () => {
    const info = children(prod!, 'testcase')[2]!
    expect(children(info, 'failure')).toEqual([])
    expect(textOf(children(info, 'system-out')[0]!)).toMatch(
      /^\[info\] Container app has no readiness probe\./,
    )
  })

  it('writes a skipped case per detector that lacked data, and an error case per input error', () => {
    const cases = children(staging!, 'testcase')
    const skipped = cases.filter((c) => children(c, 'skipped').length > 0).map((c) => c.attrs.classname)
    expect(skipped).toEqual(['node-memory-pressure', 'idle-cluster'])
    const err = cases.find((c) => children(c, 'error').length > 0)!
    expect(err.attrs.name).toBe('rendered-manifests/broken.yaml:12:5')
    expect(children(err, 'error')[0]?.attrs).toEqual({
      message: 'bad indentation of a mapping entry',
      type: 'KDAC_E_PARSE_YAML',
    })
    expect(children(loose!, 'testcase')[0]?.attrs.name).toBe('detectors/custom.yaml:3:7')
  })

  it('stays well-formed with hostile text and reads back to the same text', () => {
    const out = renderJunit(hostileReport())
    expect(out).not.toContain(']]>')
    const failure = children(children(suites(out)[0]!, 'testcase')[0]!, 'failure')[0]!
    const visible = HOSTILE.replace('\u0007', '\\u0007').replaceAll('\u001b', '\\u001b')
    expect(failure.attrs.message).toBe(visible)
    expect(textOf(failure).startsWith(visible)).toBe(true)
    expect(children(suites(out)[0]!, 'testcase')[0]?.attrs.name).toBe('Deployment shop/evil<name>&"')
  })

  it('keeps newlines and tabs in attributes, which parsers would otherwise fold to spaces', () => {
    const r = sampleReport()
    r.findings[1]!.message = 'line one\nline\ttwo\r'
    const failure = children(children(suites(renderJunit(r))[0]!, 'testcase')[0]!, 'failure')[0]!
    expect(failure.attrs.message).toBe('line one\nline\ttwo\r')
  })

  it('writes lone surrogates and U+FFFF, which XML cannot hold, as visible escapes', () => {
    expect(xmlText('a\ud800b\uffffc😀')).toBe('a\\ud800b\\uffffc😀')
    expect(xmlAttr('"<&>\'')).toBe("&quot;&lt;&amp;&gt;'")
    const r = sampleReport()
    r.findings[0]!.message = 'bad \ud800 \u0000 \u000c end'
    expect(() => parseXml(renderJunit(r))).not.toThrow()
  })
})

describe('renderJunit test names', () => {
  it('keeps two findings of one detector on one object apart', () => {
    const r = sampleReport()
    r.findings.push({ ...r.findings[1]!, fingerprint: 'second-fp' })
    const names = children(suites(renderJunit(r))[0]!, 'testcase').map((c) => c.attrs.name)
    expect(names.slice(0, 2)).toEqual(['Deployment shop/checkout', 'Deployment shop/checkout (second-fp)'])
  })
})

describe('the XML checker used above', () => {
  it('rejects what a real parser rejects', () => {
    for (const bad of [
      '<a>\u0001</a>',
      '<a>&#1;</a>',
      '<a>&nbsp;</a>',
      '<a>x & y</a>',
      '<a b="<"/>',
      '<a b="1" b="2"/>',
      '<a><b></a></b>',
      '<a>]]></a>',
      '<a/><b/>',
      '<a>',
    ])
      expect(() => parseXml(bad), bad).toThrow()
  })
})
