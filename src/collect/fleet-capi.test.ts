import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadFleet } from './fleet.js'

// The clusterAPI: entries of fleet.yaml (discovery itself runs against real API servers in
// test/capi.test.ts): validation, and a management cluster that cannot be read beside good clusters.
const dirs: string[] = []
function fleetFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubedac-fleet-capi-'))
  dirs.push(dir)
  const file = join(dir, 'fleet.yaml')
  writeFileSync(file, text)
  return file
}
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('fleet.yaml clusterAPI', () => {
  it('may stand alone, without clusters', async () => {
    const file = fleetFile('clusterAPI:\n  - kubeconfig: mgmt.yaml\n')
    const r = await loadFleet(file)
    // The management kubeconfig is looked for beside the fleet file; it is missing: one error, no crash.
    expect(r.targets).toEqual([])
    expect(r.errors).toEqual([
      {
        source: 'capi:' + join(dirname(file), 'mgmt.yaml'),
        code: 'KDAC_E_CAPI',
        message: expect.stringMatching(
          /cannot discover clusters from the Cluster API management cluster: no kubeconfig file found at .*mgmt\.yaml$/,
        ),
      },
    ])
  })

  it('keeps the named clusters when the management cluster cannot be read', async () => {
    const r = await loadFleet(
      fleetFile(
        'clusters:\n  - { name: a, context: a }\nclusterAPI:\n  - { kubeconfig: /nonexistent/mgmt.yaml }\n',
      ),
    )
    expect(r.targets.map((t) => t.name)).toEqual(['a'])
    expect(r.errors.map((e) => e.code)).toEqual(['KDAC_E_CAPI'])
  })

  it('refuses an unknown field, naming it and its line', async () => {
    const r = await loadFleet(fleetFile('clusterAPI:\n  - kubeconfig: m.yaml\n    namespaces: [a]\n'))
    expect(r.errors[0]).toMatchObject({ code: 'KDAC_E_FLEET', line: 2 })
    expect(r.errors[0]?.message).toMatch(/clusterAPI\.0.*namespaces/)
  })

  it('refuses inCluster together with a kubeconfig', async () => {
    const r = await loadFleet(fleetFile('clusterAPI:\n  - { inCluster: true, kubeconfig: m.yaml }\n'))
    expect(r.errors[0]?.message).toMatch(/clusterAPI\.0: inCluster: true takes no kubeconfig or context/)
  })

  it('still needs at least one cluster or source', async () => {
    const r = await loadFleet(fleetFile('apiVersion: kubedac.io/v1alpha1\nkind: Fleet\n'))
    expect(r.errors[0]?.message).toMatch(/clusters: needs at least one cluster \(or a clusterAPI source\)/)
  })
})
