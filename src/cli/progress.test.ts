import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { ClusterResult } from '../core/types.js'
import { reasonOf, scanProgress, scanSummary } from './progress.js'

const result = (
  name: string,
  status: ClusterResult['status'],
  message?: string,
  code = 'KDAC_E_CLUSTER_UNREACHABLE',
): ClusterResult => ({
  name,
  source: `kubeconfig:${name}`,
  status,
  objects: status === 'unreachable' ? 0 : 10,
  skipped: [],
  errors: message ? [{ source: `kubeconfig:${name}`, code, message }] : [],
})

function stream(isTTY: boolean): NodeJS.WriteStream & { text: () => string } {
  const s = new PassThrough() as unknown as NodeJS.WriteStream & { text: () => string }
  let out = ''
  ;(s as unknown as PassThrough).on('data', (d: Buffer) => (out += d.toString()))
  Object.assign(s, { isTTY, columns: 120, text: () => out })
  return s
}

describe('scanSummary', () => {
  it('counts clusters by status and lists the unreachable and partial ones with their reason', () => {
    const text = scanSummary(
      [
        result('a', 'scanned'),
        result(
          'dead',
          'unreachable',
          'dead: cluster API is unreachable: https://127.0.0.1:1: connect ECONNREFUSED',
        ),
        result(
          'b',
          'partial',
          'b: not authorised by the cluster API: listing pods: HTTP 403 Forbidden',
          'KDAC_E_CLUSTER_AUTH',
        ),
      ],
      { seconds: 2.04 },
    )
    expect(text).toBe(
      [
        'kubedac: 3 clusters in 2.0 s: 1 scanned, 1 partial, 1 unreachable',
        '  unreachable dead: cluster API is unreachable: https://127.0.0.1:1: connect ECONNREFUSED',
        '  partial b: not authorised by the cluster API: listing pods: HTTP 403 Forbidden',
        '',
      ].join('\n'),
    )
  })

  it('lists at most maxListed clusters per status and says how many more there are', () => {
    const many = Array.from({ length: 5 }, (_, i) => result(`c${i}`, 'unreachable', `c${i}: down`))
    const lines = scanSummary(many, { maxListed: 2 }).trimEnd().split('\n')
    expect(lines).toEqual([
      'kubedac: 5 clusters: 0 scanned, 0 partial, 5 unreachable',
      '  unreachable c0: down',
      '  unreachable c1: down',
      "  … and 3 more unreachable (see the report's clusters)",
    ])
  })

  it('gives the reaching error as the reason of an unreachable cluster, not the first one', () => {
    const c = result('x', 'unreachable', 'x: listing a kind failed: pods', 'KDAC_E_LIST_FAILED')
    c.errors.push({
      source: 'x',
      code: 'KDAC_E_CLUSTER_TLS',
      message: 'x: TLS connection to the cluster API failed: bad cert',
    })
    expect(reasonOf(c)).toBe('TLS connection to the cluster API failed: bad cert')
  })
})

describe('scanProgress', () => {
  it('writes nothing when stderr is not a terminal and --progress is not given', () => {
    const s = stream(false)
    const p = scanProgress({ total: 2, live: true, stream: s })
    p.cluster(result('a', 'scanned'), 1)
    p.finish([result('a', 'scanned'), result('b', 'scanned')])
    expect(s.text()).toBe('')
  })

  it('with --progress draws the bar at the start and the end and writes the summary', () => {
    const s = stream(false)
    const p = scanProgress({ total: 2, live: true, progress: true, stream: s })
    p.cluster(result('a', 'scanned'), 1)
    p.cluster(result('dead', 'unreachable', 'dead: gone'), 2)
    p.finish([result('a', 'scanned'), result('dead', 'unreachable', 'dead: gone')])
    const text = s.text()
    expect(text).toContain('0/2 clusters | 0 partial, 0 unreachable')
    expect(text).toContain('2/2 clusters | 0 partial, 1 unreachable')
    expect(text).toMatch(
      /kubedac: 2 clusters in \d+\.\d s: 1 scanned, 0 partial, 1 unreachable\n {2}unreachable dead: gone\n$/,
    )
  })

  it('with --no-progress writes nothing even on a terminal', () => {
    const s = stream(true)
    const p = scanProgress({ total: 1, live: true, progress: false, stream: s })
    p.finish([result('a', 'scanned')])
    expect(s.text()).toBe('')
  })

  it('writes no summary for a scan of files (the bar only)', () => {
    const s = stream(false)
    const p = scanProgress({ total: 2, live: false, progress: true, stream: s })
    p.finish([result('a', 'scanned'), result('b', 'scanned')])
    expect(s.text()).not.toContain('kubedac:')
  })
})
