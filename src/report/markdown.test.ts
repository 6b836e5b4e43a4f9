import { describe, expect, it } from 'vitest'
import { hostileReport, sampleContext, sampleReport } from '../../test/fixtures/report/sample.js'
import { mdCode, mdText, renderMarkdown } from './markdown.js'

/** Splits a GFM table row into cells the way GitHub does: on pipes not escaped by a backslash. */
function cells(row: string): string[] {
  return row
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.trim())
}

describe('renderMarkdown', () => {
  const md = renderMarkdown(sampleReport(), sampleContext())
  const lines = md.split('\n')

  it('opens with the summary and a table of clusters', () => {
    expect(lines[0]).toBe('# kubedac report')
    expect(md).toContain('**5 findings: 1 critical, 2 warning, 2 info across 2 clusters; 2 errors**')
    const prod = lines.find((l) => l.startsWith('| `prod-eu`'))!
    expect(cells(prod)).toEqual(['`prod-eu`', 'scanned', '1234', '1', '1', '1', '0', '0'])
    const staging = lines.find((l) => l.startsWith('| `staging`'))!
    expect(cells(staging)).toEqual(['`staging`', 'partial', '87', '0', '1', '1', '2', '1'])
  })

  it('writes a findings table per cluster, most urgent first, with remediation and runbook links', () => {
    const prodStart = lines.indexOf('## prod-eu')
    const rows = lines
      .slice(prodStart)
      .filter((l) => l.startsWith('| 🔴') || l.startsWith('| 🟡') || l.startsWith('| 🔵'))
    expect(rows[0] && cells(rows[0])).toEqual([
      '🔴 critical',
      '`deployment-replica-failure`',
      '`Deployment shop/checkout`',
      'Deployment checkout has 0/3 replicas available.',
      'Check why pods of checkout fail: kubectl describe deploy checkout.',
      '[runbook](https://runbooks.example.com/kubedac/deployment-replica-failure)',
    ])
    expect(md).toContain('[runbook](docs/detectors/pod-missing-probes.md)')
    expect(md).toContain('`Cluster prod-eu`')
  })

  it('lists skipped detectors and errors of each cluster, and loose errors at the end', () => {
    expect(md).toContain('Skipped (data missing): `node-memory-pressure`, `idle-cluster`')
    expect(md).toContain(
      '- `rendered-manifests/broken.yaml:12:5` `KDAC_E_PARSE_YAML`: bad indentation of a mapping entry',
    )
    expect(md.slice(md.indexOf('## Errors'))).toContain('`detectors/custom.yaml:3:7`')
  })

  it('keeps hostile text inside its cell and inert', () => {
    const out = renderMarkdown(hostileReport(), sampleContext())
    expect(out).not.toContain('<script>')
    expect(out).not.toMatch(/(?<!\\)\]\(javascript:/)
    expect(out).toContain('\\[link\\](javascript:alert(1))')
    expect(out).not.toContain('\u001b')
    const row = out.split('\n').find((l) => l.startsWith('| 🔴'))!
    expect(cells(row)).toHaveLength(6)
    expect(row).toContain('`javascript:alert(1)`')
  })

  it('escapes pipes, HTML and markdown syntax in text', () => {
    expect(mdText('a|b <i>x</i> *y* [l](u) \\ _z_\nnext')).toBe(
      'a\\|b &lt;i&gt;x&lt;/i&gt; \\*y\\* \\[l\\](u) \\\\ \\_z\\_<br>next',
    )
  })

  it('makes code spans that hold backticks and pipes', () => {
    expect(mdCode('a`b')).toBe('``a`b``')
    expect(mdCode('`x`')).toBe('`` `x` ``')
    expect(mdCode('a|b')).toBe('`a\\|b`')
  })
})
