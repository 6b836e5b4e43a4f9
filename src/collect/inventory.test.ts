import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolveTargets } from './inventory.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/inputs')

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'kubedac-inventory-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

async function touch(...rels: string[]): Promise<void> {
  for (const rel of rels) {
    const p = path.join(tmp, rel)
    if (rel.endsWith('/')) await mkdir(p, { recursive: true })
    else {
      await mkdir(path.dirname(p), { recursive: true })
      await writeFile(p, '{}')
    }
  }
}

const at = (rel: string) => path.join(tmp, rel)

describe('resolveTargets', () => {
  it('reads `-` from stdin as one cluster named stdin', async () => {
    const { targets, errors } = await resolveTargets(['-'], { stdin: async () => 'kind: Pod' })
    expect(errors).toEqual([])
    expect(targets).toEqual([{ name: 'stdin', source: '-', stdin: 'kind: Pod' }])
  })

  it('names the stdin cluster with --cluster, and reads stdin once even if `-` comes twice', async () => {
    let reads = 0
    const stdin = async () => `read ${++reads}`
    const { targets } = await resolveTargets(['-', '-'], { cluster: 'prod', stdin })
    expect(targets).toEqual([{ name: 'prod', source: '-', stdin: 'read 1' }])
    expect(reads).toBe(1)
  })

  it('reports `-` when stdin cannot be read', async () => {
    const none = await resolveTargets(['-'])
    expect(none.targets).toEqual([])
    expect(none.errors).toMatchObject([{ source: '-', code: 'KDAC_E_USAGE' }])
    const failing = await resolveTargets(['-'], {
      stdin: async () => {
        throw new Error('EPIPE')
      },
    })
    expect(failing.errors).toMatchObject([
      { source: '-', code: 'KDAC_E_READ', message: '-: cannot read: EPIPE' },
    ])
  })

  it('names a file cluster after the file, without its extension', async () => {
    await touch('files/prod-eu.json', 'files/cluster-info.dump')
    const { targets } = await resolveTargets([at('files/prod-eu.json'), at('files/cluster-info.dump')])
    expect(targets).toEqual([
      { name: 'cluster-info', source: at('files/cluster-info.dump'), paths: [at('files/cluster-info.dump')] },
      { name: 'prod-eu', source: at('files/prod-eu.json'), paths: [at('files/prod-eu.json')] },
    ])
  })

  it('reads a folder of sub-folders as a fleet: one cluster per sub-folder, sorted by name', async () => {
    await touch(
      'fleet/zeta/pods.json',
      'fleet/alpha/dump/nodes.json',
      'fleet/alpha/dump/kube-system/pods.json',
      'fleet/mid/manifests/app.yaml',
      'fleet/.git/config',
      'fleet/.DS_Store',
      'fleet/README.md',
    )
    const { targets, errors } = await resolveTargets([at('fleet')])
    expect(errors).toEqual([])
    expect(targets).toEqual([
      { name: 'alpha', source: at('fleet/alpha'), paths: [at('fleet/alpha')] },
      { name: 'mid', source: at('fleet/mid'), paths: [at('fleet/mid')] },
      { name: 'zeta', source: at('fleet/zeta'), paths: [at('fleet/zeta')] },
    ])
  })

  it('counts a symlinked sub-folder as a cluster of the fleet', async () => {
    await touch('linked/real/pods.json', 'linked-target/x.json')
    await symlink(at('linked-target'), at('linked/other'))
    const { targets } = await resolveTargets([at('linked')])
    expect(targets.map((t) => t.name)).toEqual(['other', 'real'])
  })

  it('reads a `cluster-info dump` directory (nodes.json at its top) as one cluster named after it', async () => {
    const dump = path.join(FIXTURES, 'cluster-info-dump')
    const { targets } = await resolveTargets([dump])
    expect(targets).toEqual([{ name: 'cluster-info-dump', source: dump, paths: [dump] }])
  })

  it('reads a folder with files at its top as one cluster, whatever else it holds', async () => {
    await touch('mixed/prod/deploy.yaml', 'mixed/prod/base/ns.yaml')
    const { targets } = await resolveTargets([at('mixed/prod')])
    expect(targets).toEqual([{ name: 'prod', source: at('mixed/prod'), paths: [at('mixed/prod')] }])
  })

  it('reads an empty folder as one (empty) cluster', async () => {
    await touch('empty/')
    const { targets } = await resolveTargets([at('empty')])
    expect(targets).toEqual([{ name: 'empty', source: at('empty'), paths: [at('empty')] }])
  })

  it('names a folder given as `.` after the folder itself', async () => {
    const { targets } = await resolveTargets(['.'])
    expect(targets[0]?.name).toBe(path.basename(process.cwd()))
  })

  it('merges every input into one cluster with --cluster', async () => {
    await touch('merge/a.json', 'merge/b.yaml', 'merge/fleet/x/p.json', 'merge/fleet/y/p.json')
    const inputs = [at('merge/a.json'), at('merge/b.yaml'), at('merge/fleet'), '-']
    const { targets } = await resolveTargets(inputs, { cluster: 'prod', stdin: async () => 'text' })
    expect(targets).toHaveLength(1)
    expect(targets[0]).toEqual({
      name: 'prod',
      source: [at('merge/a.json'), at('merge/b.yaml'), at('merge/fleet/x'), at('merge/fleet/y'), '-'].join(
        ', ',
      ),
      paths: [at('merge/a.json'), at('merge/b.yaml'), at('merge/fleet/x'), at('merge/fleet/y')],
      stdin: 'text',
    })
  })

  it('merges two inputs that resolve to the same cluster name', async () => {
    await touch('same/one/prod.json', 'same/two/prod.yaml', 'same/fleet/prod/x.json', 'same/fleet/dev/x.json')
    const { targets } = await resolveTargets([
      at('same/one/prod.json'),
      at('same/two/prod.yaml'),
      at('same/fleet'),
    ])
    expect(targets.map((t) => [t.name, t.paths])).toEqual([
      ['dev', [at('same/fleet/dev')]],
      ['prod', [at('same/one/prod.json'), at('same/two/prod.yaml'), at('same/fleet/prod')]],
    ])
  })

  it('keeps a path given twice once', async () => {
    await touch('twice/a.json')
    const { targets } = await resolveTargets([at('twice/a.json'), at('twice/a.json')])
    expect(targets).toEqual([{ name: 'a', source: at('twice/a.json'), paths: [at('twice/a.json')] }])
  })

  it('reports a missing input by name and resolves the others', async () => {
    await touch('present/a.json')
    const missing = at('absent/b.json')
    const { targets, errors } = await resolveTargets([missing, at('present/a.json')])
    expect(targets.map((t) => t.name)).toEqual(['a'])
    expect(errors).toEqual([
      { source: missing, code: 'KDAC_E_INPUT_MISSING', message: `${missing}: input does not exist` },
    ])
  })

  it('returns no targets, only errors, when nothing exists', async () => {
    const { targets, errors } = await resolveTargets([at('nothing-1'), at('nothing-2')])
    expect(targets).toEqual([])
    expect(errors.map((e) => e.code)).toEqual(['KDAC_E_INPUT_MISSING', 'KDAC_E_INPUT_MISSING'])
  })
})
