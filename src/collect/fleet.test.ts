import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadFleet } from './fleet.js'

function fleetFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-fleet-'))
  const file = join(dir, 'fleet.yaml')
  writeFileSync(file, text)
  return file
}

describe('fleet.yaml', () => {
  it('reads live clusters and dumps, with labels, paths relative to the file', async () => {
    const file = fleetFile(`apiVersion: kubedac.io/v1alpha1
kind: Fleet
clusters:
  - name: prod-eu-1
    kubeconfig: kube/prod.yaml
    context: prod-eu-1-admin
    labels: { team: shop, env: prod, tier: 1, owner: shop-oncall@example.com }
  - name: staging-us-2
    kubeconfig: /etc/kubedac/staging.yaml
  - name: ticket-4711
    path: dumps/ticket-4711
`)
    const { targets, errors } = await loadFleet(file)
    expect(errors).toEqual([])
    const dir = join(file, '..')
    expect(targets).toEqual([
      {
        name: 'prod-eu-1',
        source: 'kubeconfig:prod-eu-1-admin',
        labels: { team: 'shop', env: 'prod', tier: '1', owner: 'shop-oncall@example.com' },
        kube: { context: 'prod-eu-1-admin', kubeconfig: join(dir, 'kube/prod.yaml') },
      },
      {
        name: 'staging-us-2',
        source: 'kubeconfig:staging-us-2',
        kube: { context: 'staging-us-2', kubeconfig: '/etc/kubedac/staging.yaml' },
      },
      { name: 'ticket-4711', source: 'dumps/ticket-4711', paths: [join(dir, 'dumps/ticket-4711')] },
    ])
  })

  it('names the file, field and line of a mistake', async () => {
    const unknown = await loadFleet(
      fleetFile('clusters:\n  - name: a\n    context: a\n    lables: { team: x }\n'),
    )
    expect(unknown.errors[0]?.message).toMatch(/fleet\.yaml.*clusters\.0.*lables/)
    const both = await loadFleet(fleetFile('clusters:\n  - name: a\n    context: a\n    path: ./dump\n'))
    expect(both.errors[0]?.message).toMatch(/clusters\.0: needs either path .* or kubeconfig\/context/)
    const twice = await loadFleet(
      fleetFile('clusters:\n  - { name: a, context: a }\n  - { name: a, path: x }\n'),
    )
    expect(twice.errors[0]?.message).toContain('"a" is used twice')
    const syntax = await loadFleet(fleetFile('clusters:\n  - name: [a\n'))
    expect(syntax.errors[0]).toMatchObject({ code: 'KDAC_E_FLEET', line: expect.any(Number) })
    const missing = await loadFleet('/nonexistent/fleet.yaml')
    expect(missing.errors[0]?.message).toContain('cannot read (ENOENT)')
    expect((await loadFleet(fleetFile('clusters: []\n'))).errors[0]?.message).toMatch(/clusters/)
  })
})
