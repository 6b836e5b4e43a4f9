import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig } from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import {
  capiTargetsFrom,
  chooseCapiVersion,
  notScannable,
  parseWorkloadKubeconfig,
  type CapiCluster,
} from './capi.js'

// What Cluster API's kubeconfig controller writes into <cluster>-kubeconfig (key `value`).
const capiKubeconfig = (user: Record<string, unknown>, cluster: Record<string, unknown> = {}) =>
  stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'prod-1',
        cluster: { server: 'https://10.0.0.1:6443', 'certificate-authority-data': 'Q0EK', ...cluster },
      },
    ],
    contexts: [{ name: 'prod-1-admin@prod-1', context: { cluster: 'prod-1', user: 'prod-1-admin' } }],
    'current-context': 'prod-1-admin@prod-1',
    users: [{ name: 'prod-1-admin', user }],
  })

describe('chooseCapiVersion', () => {
  it('takes the preferred version when kubedac reads it', () => {
    expect(
      chooseCapiVersion({
        versions: [{ version: 'v1beta2' }, { version: 'v1beta1' }],
        preferredVersion: { version: 'v1beta2' },
      }),
    ).toBe('v1beta2')
  })
  it('takes v1beta1 on an older management cluster', () => {
    expect(
      chooseCapiVersion({
        versions: [{ version: 'v1beta1' }, { version: 'v1alpha4' }],
        preferredVersion: { version: 'v1beta1' },
      }),
    ).toBe('v1beta1')
  })
  it('falls back to the best known version when the preferred one is unknown', () => {
    expect(
      chooseCapiVersion({
        versions: [{ version: 'v1' }, { version: 'v1beta1' }],
        preferredVersion: { version: 'v1' },
      }),
    ).toBe('v1beta1')
  })
  it('gives nothing when only versions kubedac does not read are served', () => {
    expect(chooseCapiVersion({ versions: [{ version: 'v1alpha3' }] })).toBeUndefined()
  })
})

describe('notScannable', () => {
  const c = (status?: CapiCluster['status'], deletionTimestamp?: string): CapiCluster => ({
    metadata: { name: 'a', namespace: 'ns', ...(deletionTimestamp ? { deletionTimestamp } : {}) },
    ...(status ? { status } : {}),
  })
  it('scans a Provisioned cluster', () => expect(notScannable(c({ phase: 'Provisioned' }))).toBeUndefined())
  it('lets the Secret decide when there is no phase yet', () => expect(notScannable(c())).toBeUndefined())
  it('does not scan a cluster still provisioning', () =>
    expect(notScannable(c({ phase: 'Provisioning' }))).toBe('is in phase Provisioning, not Provisioned'))
  it('does not scan a failed cluster', () => expect(notScannable(c({ phase: 'Failed' }))).toMatch(/Failed/))
  it('does not scan a cluster being deleted, whatever its phase', () =>
    expect(notScannable(c({ phase: 'Provisioned' }, '2026-01-01T00:00:00Z'))).toBe('is being deleted'))
})

describe('parseWorkloadKubeconfig', () => {
  it('reads the self-contained kubeconfig Cluster API generates (client certificate)', () => {
    const kc = parseWorkloadKubeconfig(
      capiKubeconfig({ 'client-certificate-data': 'Q0VSVAo=', 'client-key-data': 'S0VZCg==' }),
    )
    expect(kc.getCurrentContext()).toBe('prod-1-admin@prod-1')
    expect(kc.getCurrentCluster()?.server).toBe('https://10.0.0.1:6443')
    expect(kc.getCurrentUser()?.certData).toBe('Q0VSVAo=')
  })

  it('reads an inline token', () => {
    expect(parseWorkloadKubeconfig(capiKubeconfig({ token: 'abc.def' })).getCurrentUser()?.token).toBe(
      'abc.def',
    )
  })

  it('refuses exec plugins and auth providers: a Secret must not make kubedac run commands', () => {
    expect(() =>
      parseWorkloadKubeconfig(capiKubeconfig({ exec: { command: 'sh', args: ['-c', 'id'] } })),
    ).toThrow(/users\[0\]\.user\.exec is not allowed/)
    expect(() => parseWorkloadKubeconfig(capiKubeconfig({ 'auth-provider': { name: 'oidc' } }))).toThrow(
      /auth-provider is not allowed/,
    )
  })

  it("refuses files: a token-file would send kubedac's own token to the Secret's server", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubedac-capi-'))
    const file = join(dir, 'token')
    writeFileSync(file, 'kubedac-own-token')
    let message = ''
    try {
      parseWorkloadKubeconfig(capiKubeconfig({ 'token-file': file }))
    } catch (e) {
      message = (e as Error).message
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
    expect(message).toMatch(/token-file is not allowed/)
    expect(message).not.toContain('kubedac-own-token')
    expect(() => parseWorkloadKubeconfig(capiKubeconfig({ 'client-key': file }))).toThrow(
      /client-key is not allowed/,
    )
    expect(() =>
      parseWorkloadKubeconfig(capiKubeconfig({ token: 't' }, { 'certificate-authority': file })),
    ).toThrow(/certificate-authority is not allowed/)
  })

  it('refuses YAML tricks that another parser might read differently (merge keys, duplicate keys)', () => {
    const merged = [
      'clusters: [{name: c, cluster: {server: "https://x"}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
      'current-context: x',
      'base: &b {token-file: /etc/passwd}',
      'users: [{name: u, user: {<<: *b}}]',
    ].join('\n')
    expect(() => parseWorkloadKubeconfig(merged)).toThrow()
    const dup = 'users:\n- name: u\n  user: {token: a, token: b}\n'
    expect(() => parseWorkloadKubeconfig(dup)).toThrow('not valid YAML')
  })

  it('names fields, never values, when the kubeconfig is unusable', () => {
    const secretish = 'c2VjcmV0LXZhbHVl'
    const bad = `clusters: [{name: c, cluster: {server: "https://x", certificate-authority-data: ${secretish}}}]\nusers: [{name: u, user: {token: ${secretish}}}]\ncurrent-context: missing\ncontexts: []\n`
    let message = ''
    try {
      parseWorkloadKubeconfig(bad)
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toBe('no usable current context')
    expect(() => parseWorkloadKubeconfig(`token: ${secretish}: [`)).toThrow(/^not valid YAML$/)
  })
})

describe('capiTargetsFrom', () => {
  const cluster = (namespace: string, name: string, extra: Partial<CapiCluster> = {}): CapiCluster => ({
    metadata: { name, namespace, ...(extra.metadata ?? {}) },
    status: { phase: 'Provisioned' },
    ...extra,
  })
  const loaded: string[] = []
  const loader = (ns: string, name: string) => {
    loaded.push(`${ns}/${name}`)
    return Promise.resolve(new KubeConfig())
  }

  it("labels each cluster with the Cluster's labels over the source's, and reads no Secret up front", () => {
    const targets = capiTargetsFrom(
      [
        cluster('fleet-a', 'alpha', {
          metadata: { name: 'alpha', namespace: 'fleet-a', labels: { team: 'payments' } },
        }),
      ],
      { labels: { team: 'platform', env: 'prod' } },
      loader,
    )
    expect(targets).toMatchObject([
      { name: 'alpha', source: 'capi:fleet-a/alpha', labels: { team: 'payments', env: 'prod' } },
    ])
    expect(loaded).toEqual([])
  })

  it('tells clusters of the same name apart by their namespace', () => {
    const names = capiTargetsFrom(
      [cluster('a', 'web'), cluster('b', 'web'), cluster('a', 'db')],
      {},
      loader,
    ).map((t) => t.name)
    expect(names).toEqual(['a/web', 'b/web', 'db'])
  })

  it('reads the Secret when the cluster is scanned, for its own namespace and name', async () => {
    const [t] = capiTargetsFrom([cluster('fleet-b', 'beta')], {}, loader)
    await t!.kube!.load!()
    expect(loaded).toContain('fleet-b/beta')
  })

  it('gives a cluster that is not provisioned a reason instead of credentials, without reading its Secret', async () => {
    const before = loaded.length
    const [t] = capiTargetsFrom(
      [cluster('fleet-a', 'baby', { status: { phase: 'Provisioning' } })],
      {},
      loader,
    )
    await expect(t!.kube!.load!()).rejects.toThrow(
      'Cluster API: Cluster fleet-a/baby is in phase Provisioning, not Provisioned; not scanned',
    )
    expect(loaded.length).toBe(before)
  })

  it('never serialises credentials with a target', () => {
    const [t] = capiTargetsFrom([cluster('x', 'y')], {}, loader)
    expect(JSON.stringify(t)).toBe(
      JSON.stringify({ name: 'y', source: 'capi:x/y', kube: { context: 'capi:x/y' } }),
    )
  })
})
