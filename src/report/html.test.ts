import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { hostileReport, sampleContext, sampleReport } from '../../test/fixtures/report/sample.js'
import { htmlEscape, renderHtml } from './html.js'

describe('renderHtml', () => {
  const html = renderHtml(sampleReport(), sampleContext())

  it('is one complete document with a summary and a section per cluster', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true)
    expect(html.trimEnd().endsWith('</html>')).toBe(true)
    expect(html).toContain('5 findings: 1 critical, 2 warning, 2 info across 2 clusters; 2 errors')
    expect(html.match(/<section class="cluster"/g)).toHaveLength(2)
    expect(html.match(/<article class="finding"/g)).toHaveLength(5)
    expect(html).toContain('data-severity="critical" data-cluster="prod-eu"')
  })

  it('shows evidence as pretty JSON in a details element, with remediation and runbook', () => {
    expect(html).toMatch(/<details><summary>Evidence<\/summary><pre>\{\n {2}&quot;replicas&quot;: 3,/)
    expect(html).toContain('&quot;bytes&quot;: &quot;9007199254740993&quot;')
    expect(html).toContain('<b>Remediation:</b> Check why pods of checkout fail')
    expect(html).toContain(
      '<a href="https://runbooks.example.com/kubedac/deployment-replica-failure" rel="noopener noreferrer">',
    )
  })

  it('lists skipped detectors and errors with their location', () => {
    expect(html).toContain(
      'Skipped (data missing): <code>node-memory-pressure</code>, <code>idle-cluster</code>',
    )
    expect(html).toContain('<code>rendered-manifests/broken.yaml:12:5</code>')
    expect(html).toMatch(/<section id="errors">[\s\S]*detectors\/custom\.yaml:3:7/)
  })

  it('fetches nothing: no external scripts, styles, fonts or images', () => {
    expect(html).not.toMatch(/\ssrc\s*=/i)
    expect(html).not.toMatch(/<link\b/i)
    expect(html).not.toMatch(/@import|url\(/i)
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1])
    const external = hrefs.filter((h) => !h?.startsWith('#'))
    expect(external).toEqual([
      'https://runbooks.example.com/kubedac/deployment-replica-failure',
      'docs/detectors/apiserver-cert-expiring.md',
      'docs/detectors/pod-missing-probes.md',
      'docs/detectors/hpa-missing-resource-requests.md',
    ])
  })

  it('allows only its own inline script, by hash', () => {
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? '')
    expect(scripts).toHaveLength(1)
    const hash = createHash('sha256').update(scripts[0]!).digest('base64')
    expect(html).toContain(`script-src &#39;sha256-${hash}&#39;`)
    expect(html).toContain('default-src &#39;none&#39;')
  })

  it('escapes a script in a message, names and evidence', () => {
    const out = renderHtml(hostileReport(), sampleContext())
    expect(out.match(/<script/g)).toHaveLength(1)
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;')
    expect(out).toContain('Deployment shop/evil&lt;name&gt;&amp;&quot;')
    expect(out).toContain('weird-&lt;id&gt;')
    expect(out).not.toContain('href="javascript:')
    expect(out).not.toContain('\u001b')
  })

  it('escapes the five HTML-significant characters', () => {
    expect(htmlEscape(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    )
  })

  it('keeps controls for filtering by severity, cluster and text, hidden until the script runs', () => {
    expect(html).toContain('<div id="filters" hidden>')
    expect(html).toContain('<option value="staging">staging</option>')
    expect(html).toContain('<input type="search" id="q"')
  })
})
