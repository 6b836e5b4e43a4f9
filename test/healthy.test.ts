import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { filesCollector } from '../src/collect/files.js'
import { configureDetectors } from '../src/config/config.js'
import { loadBuiltinDetectors } from '../src/detect/registry.js'
import { scanCluster } from '../src/pipeline.js'

// A realistic healthy cluster (scripts/gen-healthy-fixture.mjs): the whole library must stay free
// of critical and warning findings on it. Info (hygiene) findings are allowed.
const detectors = configureDetectors(await loadBuiltinDetectors(), {})
const dir = join(import.meta.dirname, 'fixtures', 'healthy')
const { cluster, findings } = await scanCluster(
  { name: 'healthy', source: dir, paths: [dir] },
  { detectors, collectors: [filesCollector] },
)

describe('the library on a healthy cluster', () => {
  it('reads the fixture without errors', () => {
    expect(cluster.errors).toEqual([])
    expect(cluster.objects).toBeGreaterThan(80)
  })

  it('gives no critical or warning finding', () => {
    const loud = findings
      .filter((f) => f.severity !== 'info')
      .map(
        (f) =>
          `${f.severity} ${f.detector} ${f.object.kind} ${f.object.namespace ?? ''}/${f.object.name}: ${f.message}`,
      )
    expect(loud).toEqual([])
  })

  it('runs most detectors: the fixture holds the kinds they need', () => {
    // Detectors skipped here need kinds a healthy cluster of this shape does not have.
    const ran = detectors.length - cluster.skipped.length
    expect(ran / detectors.length).toBeGreaterThan(0.8)
  })
})
