import { describe, expect, it } from 'vitest'
import type { Report } from '../core/types.js'
import { sampleContext, sampleReport } from '../../test/fixtures/report/sample.js'
import {
  isReportFormat,
  renderHtml,
  renderJson,
  renderJunit,
  renderMarkdown,
  renderPolicyReport,
  renderReport,
  renderSarif,
  renderTable,
  REPORT_FORMATS,
} from './index.js'

describe('renderReport', () => {
  it('knows the seven formats', () => {
    expect(REPORT_FORMATS).toEqual(['table', 'json', 'sarif', 'junit', 'markdown', 'html', 'policyreport'])
    expect(isReportFormat('sarif')).toBe(true)
    expect(isReportFormat('yaml')).toBe(false)
  })

  it('dispatches to each renderer', () => {
    const r = sampleReport()
    const ctx = sampleContext()
    const direct = {
      table: renderTable,
      json: renderJson,
      sarif: renderSarif,
      junit: renderJunit,
      markdown: renderMarkdown,
      html: renderHtml,
      policyreport: renderPolicyReport,
    }
    for (const f of REPORT_FORMATS) expect(renderReport(f, r, ctx)).toBe(direct[f](r, ctx))
  })

  it('renders every format purely: same output twice, input untouched, newline at the end', () => {
    const r = sampleReport()
    const before = structuredClone(r)
    for (const f of REPORT_FORMATS) {
      const out = renderReport(f, r, sampleContext())
      expect(renderReport(f, r, sampleContext())).toBe(out)
      expect(out.endsWith('\n')).toBe(true)
    }
    expect(r).toEqual(before)
  })

  it('renders an empty report in every format', () => {
    const empty: Report = {
      version: 1,
      generatedAt: '2026-11-27T10:15:00Z',
      clusters: [],
      findings: [],
      errors: [],
    }
    for (const f of REPORT_FORMATS) expect(renderReport(f, empty, sampleContext()).length).toBeGreaterThan(0)
    expect(renderReport('table', empty, sampleContext())).toContain(
      '0 findings: 0 critical, 0 warning, 0 info across 0 clusters; 0 errors',
    )
  })

  it('refuses an unknown format', () => {
    expect(() => renderReport('yaml' as never, sampleReport(), sampleContext())).toThrow(
      /unknown report format/,
    )
  })
})
