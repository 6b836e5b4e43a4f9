import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { bearerMatches, checkExposure, isLoopback, loadToken, parseListen } from './listen.js'

describe('--listen', () => {
  it('reads host:port, [v6]:port and :port', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 })
    expect(parseListen('[::1]:9000')).toEqual({ host: '::1', port: 9000 })
    expect(parseListen(':8080')).toEqual({ host: '0.0.0.0', port: 8080 })
    expect(parseListen('localhost:0')).toEqual({ host: 'localhost', port: 0 })
  })

  it('refuses what is not an address, naming the flag', () => {
    for (const bad of ['8080', '127.0.0.1', '127.0.0.1:99999', 'host:port', '[nope]:80', '1.2.3.4:80:90'])
      expect(() => parseListen(bad), bad).toThrow(/--listen/)
  })

  it('tells loopback from the rest', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', '::ffff:127.0.0.1'])
      expect(isLoopback(h), h).toBe(true)
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '::ffff:10.0.0.1'])
      expect(isLoopback(h), h).toBe(false)
  })

  it('refuses a non-loopback address without a token, and allows it with one', () => {
    expect(() => checkExposure({ host: '0.0.0.0', port: 8080 }, undefined)).toThrow(
      /token-file|KUBEDAC_API_TOKEN/,
    )
    expect(() => checkExposure({ host: '0.0.0.0', port: 8080 }, 'x'.repeat(32))).not.toThrow()
    expect(() => checkExposure({ host: '127.0.0.1', port: 8080 }, undefined)).not.toThrow()
  })
})

describe('the API token', () => {
  it('comes from --token-file (first line) before KUBEDAC_API_TOKEN, and is never in an error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubedac-token-'))
    try {
      const file = join(dir, 'token')
      writeFileSync(file, 'a'.repeat(24) + '\nignored\n')
      expect(await loadToken(file, { KUBEDAC_API_TOKEN: 'b'.repeat(24) })).toBe('a'.repeat(24))
      expect(await loadToken(undefined, { KUBEDAC_API_TOKEN: ` ${'b'.repeat(24)} ` })).toBe('b'.repeat(24))
      expect(await loadToken(undefined, {})).toBeUndefined()
      writeFileSync(file, 'short-secret\n')
      const err = await loadToken(file, {}).catch((e: Error) => e)
      expect(String(err)).toMatch(/shorter than 16/)
      expect(String(err)).not.toContain('short-secret')
      writeFileSync(file, '\n')
      await expect(loadToken(file, {})).rejects.toThrow(/empty/)
      await expect(loadToken(join(dir, 'missing'), {})).rejects.toThrow(/cannot read/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('matches only `Bearer <token>` exactly', () => {
    const t = 'c'.repeat(32)
    expect(bearerMatches(`Bearer ${t}`, t)).toBe(true)
    expect(bearerMatches(`bearer ${t}`, t)).toBe(true)
    for (const h of [
      undefined,
      '',
      t,
      `Bearer ${t}x`,
      `Bearer ${t.slice(1)}`,
      `Basic ${t}`,
      `Bearer`,
      `Bearer  `,
    ])
      expect(bearerMatches(h, t), String(h)).toBe(false)
  })
})
