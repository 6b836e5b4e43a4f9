import { readFileSync } from 'node:fs'
import { Ajv } from 'ajv'
import { describe, expect, it } from 'vitest'
import type { Report } from '../core/types.js'
import { hostileReport, sampleContext, sampleReport } from '../../test/fixtures/report/sample.js'
import { pathToUri, renderSarif, SARIF_SCHEMA_URI } from './sarif.js'

const schema = JSON.parse(
  readFileSync(new URL('../../test/fixtures/report/sarif-schema-2.1.0.json', import.meta.url), 'utf8'),
) as Record<string, unknown>

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/

function isUri(s: string): boolean {
  try {
    return /^[a-z][a-z0-9+.-]*:/i.test(s) && Boolean(new URL(s))
  } catch {
    return false
  }
}

const ajv = new Ajv({ allErrors: true })
ajv.addFormat('uri', isUri)
ajv.addFormat('uri-reference', (s: string) => !/[\s<>"{}|\\^`]/.test(s))
ajv.addFormat('date-time', (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)))
const validate = ajv.compile(schema)

function sarifOf(report: Report, ctx = sampleContext()) {
  const text = renderSarif(report, ctx)
  const doc = JSON.parse(text)
  const ok = validate(doc)
  return { doc, ok, errors: ajv.errorsText(validate.errors) }
}

describe('renderSarif', () => {
  const { doc, ok, errors } = sarifOf(
    sampleReport(),
    sampleContext({ informationUri: 'https://kubedac.example' }),
  )
  const run = doc.runs[0]

  it('validates against the official SARIF 2.1.0 schema', () => {
    expect(errors).toBe('No errors')
    expect(ok).toBe(true)
    expect(doc.$schema).toBe(SARIF_SCHEMA_URI)
    expect(doc.version).toBe('2.1.0')
    expect(doc.runs).toHaveLength(1)
  })

  it('is checked by a schema that rejects a wrong level, so the check has teeth', () => {
    const broken = structuredClone(doc)
    broken.runs[0].results[0].level = 'critical'
    expect(validate(broken)).toBe(false)
  })

  it('validates for hostile text, an empty report and an unknown tool version too', () => {
    for (const r of [hostileReport(), { ...sampleReport(), findings: [], errors: [], clusters: [] }]) {
      const out = sarifOf(r, sampleContext({ toolVersion: 'dev build' }))
      expect(out.errors).toBe('No errors')
    }
  })

  it('describes the tool and one rule per detector with findings, sorted by id', () => {
    const driver = run.tool.driver
    expect(driver).toMatchObject({ name: 'kubedac', version: '0.1.0', semanticVersion: '0.1.0' })
    expect(driver.informationUri).toBe('https://kubedac.example')
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual([
      'apiserver-cert-expiring',
      'custom-team-check',
      'deployment-replica-failure',
      'hpa-missing-resource-requests',
      'pod-missing-probes',
    ])
  })

  it('fills a rule from detector metadata, mapping severity to level', () => {
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'deployment-replica-failure')
    expect(rule).toEqual({
      id: 'deployment-replica-failure',
      name: 'DeploymentReplicaFailure',
      shortDescription: { text: 'Deployment has no available replicas' },
      fullDescription: {
        text: 'Every replica of the Deployment is failing, so the service it backs is down.',
      },
      help: {
        text: 'Check why pods of <name> fail: kubectl describe deploy <name>.\nRunbook: https://runbooks.example.com/kubedac/deployment-replica-failure',
        markdown:
          'Check why pods of &lt;name&gt; fail: kubectl describe deploy &lt;name&gt;.\n\n[Runbook](https://runbooks.example.com/kubedac/deployment-replica-failure)',
      },
      helpUri: 'https://runbooks.example.com/kubedac/deployment-replica-failure',
      defaultConfiguration: { level: 'error' },
      properties: {
        category: 'workload',
        tags: ['kubernetes', 'workload'],
        runbook: 'https://runbooks.example.com/kubedac/deployment-replica-failure',
      },
    })
    const info = run.tool.driver.rules.find((r: { id: string }) => r.id === 'pod-missing-probes')
    expect(info.defaultConfiguration.level).toBe('note')
    expect(info.helpUri).toBeUndefined()
  })

  it('builds a rule from the finding when the detector is unknown', () => {
    const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === 'custom-team-check')
    expect(rule.shortDescription.text).toBe('Team label missing')
    expect(rule.defaultConfiguration.level).toBe('note')
    expect(rule.properties).toEqual({ category: 'custom', tags: ['kubernetes', 'custom'] })
  })

  it('writes one result per finding with rule index, level, message and fingerprint', () => {
    expect(run.results).toHaveLength(5)
    for (const r of run.results) expect(run.tool.driver.rules[r.ruleIndex].id).toBe(r.ruleId)
    const crit = run.results[1]
    expect(crit).toMatchObject({
      ruleId: 'deployment-replica-failure',
      level: 'error',
      message: { text: 'Deployment checkout has 0/3 replicas available.' },
      partialFingerprints: { 'kubedac/v1': 'a1b2c3d4e5f60718' },
    })
    expect(crit.properties.evidence.bytes).toBe('9007199254740993')
    expect(run.results.map((r: { level: string }) => r.level)).toEqual([
      'note',
      'error',
      'warning',
      'warning',
      'note',
    ])
  })

  it('locates each result logically as cluster/namespace/Kind/name', () => {
    expect(run.results[1].locations[0].logicalLocations).toEqual([
      { kind: 'resource', name: 'checkout', fullyQualifiedName: 'prod-eu/shop/Deployment/checkout' },
    ])
    expect(run.results[2].locations[0].logicalLocations[0].fullyQualifiedName).toBe('prod-eu/Cluster/prod-eu')
  })

  it('adds a physical location when the finding names its source file', () => {
    expect(run.results[3].locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: 'rendered-manifests/web/hpa.yaml' },
      region: { startLine: 4 },
    })
    expect(run.results[1].locations[0].physicalLocation).toBeUndefined()
  })

  it('reports errors as tool execution notifications with their file region', () => {
    const inv = run.invocations[0]
    expect(inv.executionSuccessful).toBe(true)
    expect(inv.endTimeUtc).toBe('2026-11-27T10:15:00Z')
    expect(inv.toolExecutionNotifications).toHaveLength(2)
    expect(inv.toolExecutionNotifications[1]).toEqual({
      level: 'error',
      message: { text: 'rendered-manifests/broken.yaml:12:5: bad indentation of a mapping entry' },
      descriptor: { id: 'KDAC_E_PARSE_YAML' },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'rendered-manifests/broken.yaml' },
            region: { startLine: 12, startColumn: 5 },
          },
        },
      ],
      properties: { source: 'rendered-manifests/broken.yaml', cluster: 'staging' },
    })
  })

  it('marks execution unsuccessful when no cluster could be scanned', () => {
    const r = sampleReport()
    for (const c of r.clusters) c.status = 'unreachable'
    expect(sarifOf(r).doc.runs[0].invocations[0].executionSuccessful).toBe(false)
  })
})

describe('pathToUri', () => {
  it('keeps relative paths relative and encodes each segment', () => {
    expect(pathToUri('./rendered manifests/a#b.yaml')).toBe('rendered%20manifests/a%23b.yaml')
    expect(pathToUri('dir\\sub\\x.yaml')).toBe('dir/sub/x.yaml')
  })

  it('turns absolute POSIX and Windows paths into file URIs', () => {
    expect(pathToUri('/home/me/x.yaml')).toBe('file:///home/me/x.yaml')
    expect(pathToUri('C:\\work\\x.yaml')).toBe('file:///C:/work/x.yaml')
    expect(pathToUri('file:///already.yaml')).toBe('file:///already.yaml')
  })
})
