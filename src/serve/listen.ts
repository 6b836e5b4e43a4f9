import { createHash, timingSafeEqual } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { KubedacError } from '../core/errors.js'

/** Where the HTTP API listens. */
export interface ListenAddress {
  host: string
  port: number
}

/** The default: loopback only. */
export const DEFAULT_LISTEN = '127.0.0.1:8080'

/**
 * Parses `--listen`: `host:port`, `[v6]:port`, or `:port` (every interface). Port 0 takes a free
 * port (the log says which).
 */
export function parseListen(text: string): ListenAddress {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(text.trim())
  const port = m ? Number(m[3]) : NaN
  if (!m || !Number.isInteger(port) || port > 65535)
    throw new KubedacError(
      'KDAC_E_USAGE',
      `--listen ${JSON.stringify(text)}: expected host:port, such as 127.0.0.1:8080 or [::1]:8080`,
    )
  const host = m[1] ?? m[2] ?? ''
  if (m[1] !== undefined && isIP(host) !== 6)
    throw new KubedacError('KDAC_E_USAGE', `--listen ${JSON.stringify(text)}: ${host} is not an IPv6 address`)
  return { host: host === '' ? '0.0.0.0' : host, port }
}

/** Whether a host only accepts connections from this machine (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase()
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true
  if (isIP(h) === 4) return h.startsWith('127.')
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)
  return mapped !== null && mapped[1]!.startsWith('127.')
}

/** The environment variable that may hold the API token. */
export const TOKEN_ENV = 'KUBEDAC_API_TOKEN'

/** The shortest token accepted: a guessable token is no protection. */
export const MIN_TOKEN_LENGTH = 16

/**
 * The API's bearer token: from `--token-file` (first line, trimmed), else KUBEDAC_API_TOKEN, else
 * none. A token shorter than {@link MIN_TOKEN_LENGTH} characters is refused. The token itself is
 * never in an error.
 */
export async function loadToken(
  tokenFile: string | undefined,
  env: Record<string, string | undefined> = process.env,
): Promise<string | undefined> {
  let token: string | undefined
  let from: string
  if (tokenFile !== undefined) {
    let text: string
    try {
      text = await readFile(tokenFile, 'utf8')
    } catch (e) {
      throw new KubedacError(
        'KDAC_E_USAGE',
        `--token-file ${tokenFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
      )
    }
    token = (text.split(/\r?\n/)[0] ?? '').trim()
    from = `--token-file ${tokenFile}`
    if (!token) throw new KubedacError('KDAC_E_USAGE', `${from}: the file is empty`)
  } else {
    token = env[TOKEN_ENV]?.trim() || undefined
    from = TOKEN_ENV
  }
  if (token === undefined) return undefined
  if (token.length < MIN_TOKEN_LENGTH)
    throw new KubedacError(
      'KDAC_E_USAGE',
      `${from}: the token is shorter than ${MIN_TOKEN_LENGTH} characters (generate one with: openssl rand -hex 32)`,
    )
  if (/\s/.test(token)) throw new KubedacError('KDAC_E_USAGE', `${from}: the token contains whitespace`)
  return token
}

/** Refuses to listen beyond loopback without a token: anyone on the network could read findings and change silences. */
export function checkExposure(addr: ListenAddress, token: string | undefined): void {
  if (token === undefined && !isLoopback(addr.host))
    throw new KubedacError(
      'KDAC_E_USAGE',
      `--listen ${addr.host}:${addr.port} is not a loopback address: set a bearer token with --token-file <file> or ${TOKEN_ENV}, or listen on 127.0.0.1`,
    )
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest()

/**
 * Whether an `Authorization` header carries the token, compared in constant time (both sides are
 * hashed first, so neither the length nor a prefix of the token leaks through timing).
 */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')
  const given = m ? m[1]! : ''
  const ok = timingSafeEqual(digest(given), digest(token))
  return ok && m !== null
}
