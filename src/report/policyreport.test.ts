import { parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'
import type { Report } from '../core/types.js'
import { sampleContext, sampleReport } from '../../test/fixtures/report/sample.js'
import {
  clusterLabelValue,
  policyReports,
  renderPolicyReport,
  RESULT_OF,
  SEVERITY_OF,
} from './policyreport.js'

describe('policyReports', () => {
  const out = policyReports(sampleReport())

  it('makes one ClusterPolicyReport and one PolicyReport per namespace, per cluster', () => {
    expect(
      out.map((c) => [
        c.cluster,
        c.objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`),
      ]),
    ).toEqual([
      ['prod-eu', ['ClusterPolicyReport /kubedac-cluster', 'PolicyReport shop/kubedac-shop']],
      ['staging', ['ClusterPolicyReport /kubedac-cluster', 'PolicyReport web/kubedac-web']],
    ])
  })

  it('maps a finding to a result: detector as policy, messageId as rule, severities as documented', () => {
    const shop = out[0]!.objects[1]!
    const checkout = shop.results.find((r) => r.resources?.[0]?.name === 'checkout')!
    expect(checkout).toEqual({
      source: 'kubedac',
      policy: 'deployment-replica-failure',
      rule: 'msg',
      category: 'workload',
      severity: 'critical',
      result: 'fail',
      message: 'Deployment checkout has 0/3 replicas available.',
      timestamp: { seconds: Date.parse('2026-11-27T10:15:00Z') / 1000, nanos: 0 },
      resources: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: 'checkout', namespace: 'shop', uid: 'u-checkout' },
      ],
      properties: {
        title: 'Deployment has no available replicas',
        cluster: 'prod-eu',
        fingerprint: 'a1b2c3d4e5f60718',
        runbook: 'https://runbooks.example.com/kubedac/deployment-replica-failure',
        remediation: 'Check why pods of checkout fail: kubectl describe deploy checkout.',
      },
    })
    expect(shop.summary).toEqual({ pass: 0, fail: 1, warn: 1, error: 0, skip: 0 })
    expect(shop.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'kubedac',
      'kubedac.io/cluster': 'prod-eu',
    })
    expect(RESULT_OF).toEqual({ critical: 'fail', warning: 'fail', info: 'warn' })
    expect(SEVERITY_OF).toEqual({ critical: 'critical', warning: 'medium', info: 'info' })
  })

  it('puts cluster-level findings in the ClusterPolicyReport without resources, cluster-scoped objects with theirs', () => {
    const prod = out[0]!.objects[0]!
    expect(prod.results.map((r) => [r.policy, r.resources])).toEqual([['apiserver-cert-expiring', undefined]])
    const staging = out[1]!.objects[0]!
    expect(staging.results.map((r) => [r.policy, r.resources?.[0]?.kind])).toEqual([
      ['custom-team-check', 'Namespace'],
    ])
  })

  it('still gives a cluster without findings its (empty) ClusterPolicyReport', () => {
    const r: Report = { ...sampleReport(), findings: [] }
    const objs = policyReports(r).flatMap((c) => c.objects)
    expect(objs.map((o) => [o.kind, o.results.length, o.summary.fail])).toEqual([
      ['ClusterPolicyReport', 0, 0],
      ['ClusterPolicyReport', 0, 0],
    ])
  })
})

describe('renderPolicyReport', () => {
  it('renders a YAML stream that reads back to the same objects', () => {
    const text = renderPolicyReport(sampleReport(), sampleContext())
    const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown)
    expect(docs).toEqual(policyReports(sampleReport()).flatMap((c) => c.objects))
    expect(text).toContain('# kubectl apply -l kubedac.io/cluster=staging -f <this file>')
  })
})

describe('clusterLabelValue', () => {
  it('keeps a valid name, and turns any other into a valid, distinct label value', () => {
    expect(clusterLabelValue('prod-eu-1')).toBe('prod-eu-1')
    const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod'
    const v = clusterLabelValue(arn)
    expect(v).toMatch(/^arn-aws-eks-eu-west-1-123456789012-cluster-prod-[0-9a-f]{8}$/)
    expect(clusterLabelValue(arn + 'x')).not.toBe(v)
    expect(clusterLabelValue('x'.repeat(80))).toHaveLength(63)
    expect(clusterLabelValue('@@@')).toMatch(/^[0-9a-f]{8}$/)
  })
})
