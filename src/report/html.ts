import { createHash } from 'node:crypto'
import type { Finding, Report, ScanError, Severity } from '../core/types.js'
import { SEVERITIES } from '../core/types.js'
import type { ReportContext } from './common.js'
import {
  allErrors,
  countBySeverity,
  errorLocation,
  escapeControls,
  groupByCluster,
  objectLabel,
  plainEvidence,
  runbookHref,
  summaryLine,
} from './common.js'

/** Escapes text for element content and double- or single-quoted attributes. */
export function htmlEscape(s: string): string {
  return escapeControls(s)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
}

const h = htmlEscape

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--bg:#fff;--panel:#f6f8fa;--line:#d1d9e0;--critical:#b42318;--warning:#9a6700;--info:#0969da;--ok:#1a7f37}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--panel:#151b23;--line:#3d444d;--critical:#ff7b72;--warning:#d29922;--info:#58a6ff;--ok:#3fb950}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:1200px;padding:24px;font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
h1{font-size:24px;margin:0 0 4px}h2{font-size:19px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid var(--line)}
code,pre{font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:8px;overflow:auto;white-space:pre-wrap;word-break:break-word}
.muted{color:var(--muted)}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:16px 0}
.card{border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:110px;background:var(--panel)}
.card b{display:block;font-size:22px}
table{border-collapse:collapse;width:100%;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--panel)}td.n{text-align:right}
.badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;text-transform:uppercase}
.sev-critical{background:var(--critical)}.sev-warning{background:var(--warning)}.sev-info{background:var(--info)}
.st-scanned{color:var(--ok)}.st-partial{color:var(--warning)}.st-unreachable{color:var(--critical)}
.finding{border:1px solid var(--line);border-left:4px solid var(--info);border-radius:6px;padding:8px 12px;margin:8px 0;break-inside:avoid}
.finding[data-severity=critical]{border-left-color:var(--critical)}.finding[data-severity=warning]{border-left-color:var(--warning)}
.finding header{display:flex;flex-wrap:wrap;gap:8px;align-items:baseline}
.finding p{margin:6px 0;overflow-wrap:anywhere}
.errors li{margin:4px 0;overflow-wrap:anywhere}
#filters{display:flex;flex-wrap:wrap;gap:12px;align-items:center;padding:8px 12px;border:1px solid var(--line);border-radius:6px;background:var(--panel);position:sticky;top:0}
#filters input[type=search]{min-width:240px;padding:3px 6px}
[hidden]{display:none!important}
@media print{#filters{display:none!important}body{max-width:none;padding:0}.finding,.card,pre{background:none}details::details-content{content-visibility:visible;display:block}a[href^="http"]::after{content:" (" attr(href) ")";font-size:11px;color:var(--muted)}}
`

const SCRIPT = `(()=>{
const q=document.getElementById('q'),cl=document.getElementById('cl'),shown=document.getElementById('shown');
const sev=[...document.querySelectorAll('#filters input[name=sev]')];
const items=[...document.querySelectorAll('.finding')];
function apply(){
const text=q.value.trim().toLowerCase(),on=new Set(sev.filter(s=>s.checked).map(s=>s.value));let n=0;
for(const el of items){const ok=on.has(el.dataset.severity)&&(!cl.value||el.dataset.cluster===cl.value)&&(!text||el.textContent.toLowerCase().includes(text));el.hidden=!ok;if(ok)n++}
for(const s of document.querySelectorAll('section.cluster'))s.hidden=!!cl.value&&s.dataset.cluster!==cl.value;
shown.textContent=n+' of '+items.length+' findings shown';}
for(const el of [q,cl,...sev])el.addEventListener('input',apply);
addEventListener('beforeprint',()=>{for(const d of document.querySelectorAll('details'))d.open=true});
document.getElementById('filters').hidden=false;apply();
})();`

// The policy forbids every fetch and every script but ours: even a missed escape could not run code or phone home.
const CSP = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; img-src data:; base-uri 'none'; form-action 'none'`

function badge(s: Severity): string {
  return `<span class="badge sev-${s}">${s}</span>`
}

function runbookLink(runbook: string): string {
  if (!runbook) return ''
  const href = runbookHref(runbook)
  const label = `<code>${h(runbook)}</code>`
  return href ? `<a href="${h(href)}" rel="noopener noreferrer">${label}</a>` : label
}

function findingHtml(f: Finding): string {
  const evidence = plainEvidence(f.evidence)
  return `<article class="finding" data-severity="${f.severity}" data-cluster="${h(f.cluster)}">
<header>${badge(f.severity)} <code>${h(f.detector)}</code> <strong>${h(f.title)}</strong> <span class="muted">${h(objectLabel(f.object))}</span></header>
<p>${h(f.message)}</p>
<p><b>Remediation:</b> ${h(f.remediation)}</p>
${f.runbook ? `<p><b>Runbook:</b> ${runbookLink(f.runbook)}</p>\n` : ''}${
    Object.keys(evidence).length > 0
      ? `<details><summary>Evidence</summary><pre>${h(JSON.stringify(evidence, null, 2))}</pre></details>\n`
      : ''
  }<p class="muted">${h(f.object.apiVersion)} · fingerprint <code>${h(f.fingerprint)}</code></p>
</article>`
}

function errorList(errors: ScanError[]): string {
  const items = errors.map(
    (e) =>
      `<li><code>${h(errorLocation(e))}</code>${e.code ? ` <span class="muted">${h(e.code)}</span>` : ''}: ${h(e.message)}</li>`,
  )
  return `<ul class="errors">\n${items.join('\n')}\n</ul>`
}

/** The report as one self-contained HTML page (inline CSS and JS, nothing fetched) to attach to a ticket. */
export function renderHtml(report: Report, ctx: ReportContext): string {
  const groups = groupByCluster(report)
  const errors = allErrors(report)
  const total = countBySeverity(report.findings)
  const cards = [
    ...SEVERITIES.map((s) => `<div class="card"><b>${total[s]}</b>${badge(s)}</div>`),
    `<div class="card"><b>${groups.length}</b>clusters</div>`,
    `<div class="card"><b>${errors.length}</b>errors</div>`,
  ]
  const rows = groups.map(({ cluster, findings }, i) => {
    const c = countBySeverity(findings)
    const errs = errors.filter((e) => e.cluster === cluster.name).length
    return `<tr><td><a href="#cluster-${i}">${h(cluster.name)}</a></td><td class="st-${cluster.status}">${cluster.status}</td><td class="n">${cluster.objects}</td><td class="n">${c.critical}</td><td class="n">${c.warning}</td><td class="n">${c.info}</td><td class="n">${cluster.skipped.length}</td><td class="n">${errs}</td></tr>`
  })
  const sections = groups.map(({ cluster, findings }, i) => {
    const clusterErrors = errors.filter((e) => e.cluster === cluster.name).map((e) => e.error)
    const parts = [
      `<section class="cluster" id="cluster-${i}" data-cluster="${h(cluster.name)}">`,
      `<h2>${h(cluster.name)} <span class="st-${cluster.status}">${cluster.status}</span></h2>`,
      `<p class="muted">${cluster.source ? `source <code>${h(cluster.source)}</code> · ` : ''}${cluster.objects} objects · ${findings.length} findings</p>`,
    ]
    if (cluster.skipped.length > 0)
      parts.push(
        `<p>Skipped (data missing): ${cluster.skipped.map((id) => `<code>${h(id)}</code>`).join(', ')}</p>`,
      )
    parts.push(findings.length > 0 ? findings.map(findingHtml).join('\n') : '<p>No findings.</p>')
    if (clusterErrors.length > 0) parts.push('<h3>Errors</h3>', errorList(clusterErrors))
    parts.push('</section>')
    return parts.join('\n')
  })
  const loose = errors.filter((e) => e.cluster === undefined).map((e) => e.error)
  const options = groups.map(
    ({ cluster }) => `<option value="${h(cluster.name)}">${h(cluster.name)}</option>`,
  )
  const title = `kubedac report ${report.generatedAt}`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(CSP)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="kubedac ${h(ctx.toolVersion)}">
<title>${h(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>kubedac report</h1>
<p class="muted">Generated ${h(report.generatedAt)} by kubedac ${h(ctx.toolVersion)}</p>
<p><strong>${h(summaryLine(report))}</strong></p>
</header>
<div class="cards">
${cards.join('\n')}
</div>
<table>
<thead><tr><th>Cluster</th><th>Status</th><th>Objects</th><th>Critical</th><th>Warning</th><th>Info</th><th>Skipped</th><th>Errors</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<div id="filters" hidden>
${SEVERITIES.map((s) => `<label><input type="checkbox" name="sev" value="${s}" checked> ${s}</label>`).join('\n')}
<label>Cluster <select id="cl"><option value="">all</option>
${options.join('\n')}
</select></label>
<input type="search" id="q" placeholder="Filter by text" aria-label="Filter by text">
<span id="shown" class="muted"></span>
</div>
${sections.join('\n')}
${loose.length > 0 ? `<section id="errors">\n<h2>Other errors</h2>\n${errorList(loose)}\n</section>\n` : ''}<script>${SCRIPT}</script>
</body>
</html>
`
}
