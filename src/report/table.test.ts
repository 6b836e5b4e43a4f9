import { describe, expect, it } from 'vitest'
import { hostileReport, sampleContext, sampleReport } from '../../test/fixtures/report/sample.js'
import { renderTable } from './table.js'

const ESC = '\u001b'

describe('renderTable', () => {
  const plain = renderTable(sampleReport(), sampleContext())

  it('writes no colour codes when color is off', () => {
    expect(plain).not.toContain(ESC)
  })

  it('colours severities when color is on', () => {
    const coloured = renderTable(sampleReport(), sampleContext({ color: true }))
    expect(coloured).toContain(`${ESC}[31m`)
    expect(coloured.replaceAll(new RegExp(`${ESC}\\[\\d+m`, 'g'), '')).toBe(plain)
  })

  it('groups by cluster with a header of status, objects and skipped detectors', () => {
    const lines = plain.split('\n')
    const prod = lines.findIndex((l) => l.startsWith('prod-eu'))
    const staging = lines.findIndex((l) => l.startsWith('staging'))
    expect(prod).toBeGreaterThanOrEqual(0)
    expect(staging).toBeGreaterThan(prod)
    expect(lines[prod]).toBe(
      'prod-eu (dumps/prod-eu): scanned · 1234 objects · 0 skipped · 3 findings · 1 critical, 1 warning, 1 info',
    )
    expect(lines[staging]).toContain('partial · 87 objects · 2 skipped')
    expect(plain).toContain('skipped (data missing): node-memory-pressure, idle-cluster')
  })

  it('lists findings most urgent first, with badge, detector, object and message', () => {
    const prodBlock = plain.slice(plain.indexOf('prod-eu'), plain.indexOf('\nstaging'))
    const order = ['CRITICAL', 'WARNING', 'INFO'].map((b) => prodBlock.indexOf(b))
    expect(order).toEqual([...order].sort((a, b) => a - b))
    expect(prodBlock).toContain('  CRITICAL  deployment-replica-failure  Deployment shop/checkout\n')
    expect(prodBlock).toContain('Deployment checkout has 0/3 replicas available.')
    expect(prodBlock).toContain('WARNING   apiserver-cert-expiring  Cluster prod-eu\n')
  })

  it('ends with the summary line and the errors with their location', () => {
    expect(plain).toContain('\n5 findings: 1 critical, 2 warning, 2 info across 2 clusters; 2 errors\n')
    expect(plain).toContain('detectors/custom.yaml:3:7 KDAC_E_CEL_COMPILE: fires:')
    expect(plain).toContain(
      '[staging] rendered-manifests/broken.yaml:12:5 KDAC_E_PARSE_YAML: bad indentation',
    )
  })

  it('never truncates long names', () => {
    const r = sampleReport()
    const long = 'a'.repeat(200)
    r.findings[1]!.object = { ...r.findings[1]!.object, name: long }
    expect(renderTable(r, sampleContext())).toContain(`Deployment shop/${long}`)
  })

  it('shows control characters from cluster data as text, never raw', () => {
    const out = renderTable(hostileReport(), sampleContext())
    expect(out).not.toContain(ESC)
    expect(out).not.toContain('\u0007')
    expect(out).toContain('\\u001b[31mred')
  })

  it('indents every line of a multi-line message and neutralizes carriage returns', () => {
    const r = sampleReport()
    r.findings[0]!.message = 'first\nsecond\roverwrite'
    const out = renderTable(r, sampleContext())
    expect(out).toMatch(/\n {12}first\n {12}second\\u000doverwrite\n/)
  })

  it('says so when a cluster has no findings', () => {
    const r = sampleReport()
    r.findings = r.findings.filter((f) => f.cluster !== 'staging')
    expect(renderTable(r, sampleContext())).toMatch(/staging[^\n]*\n[^\n]*\n {2}no findings\n/)
  })
})
