/** How one delivery attempt went. */
export type SendOutcome =
  | { ok: true; status: number }
  | {
      ok: false
      /** Whether trying again may succeed (network errors, timeouts, 408, 429, 5xx). */
      retry: boolean
      status?: number
      /** The receiver's `Retry-After`, in ms from now. */
      retryAfterMs?: number
      /** What went wrong, with every secret of the receiver removed. */
      error: string
    }

/** Replaces every occurrence of the given secrets (and their URL-encoded forms) with `[redacted]`. */
export function redactor(secrets: (string | undefined)[]): (text: string) => string {
  const list = [
    ...new Set(secrets.flatMap((s) => (s && s.length >= 4 ? [s, encodeURIComponent(s)] : []))),
  ].sort((a, b) => b.length - a.length)
  return (text) => list.reduce((t, s) => t.split(s).join('[redacted]'), text)
}

/** The parts of a URL that may be secret (path and query) never appear in messages: only the origin does. */
export function safeEndpoint(url: string): string {
  const u = new URL(url)
  return u.pathname === '/' && !u.search ? u.origin : `${u.origin}/…`
}

/** Reads `Retry-After` (seconds or an HTTP date) as ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (!value) return undefined
  const v = value.trim()
  if (/^\d+$/.test(v)) return Number(v) * 1000
  const t = Date.parse(v)
  return Number.isNaN(t) ? undefined : Math.max(0, t - now.getTime())
}

/** Options of one JSON POST. */
export interface PostOptions {
  url: string
  body: string
  headers: Record<string, string>
  timeoutMs: number
  now: Date
  redact: (text: string) => string
}

/**
 * POSTs a JSON body and classifies the answer: 2xx sent; 408, 429 and 5xx (and network errors and
 * timeouts) worth retrying; any other status final. Never throws; errors name only the URL's origin.
 */
export async function postJson(opts: PostOptions): Promise<SendOutcome> {
  const where = `POST ${safeEndpoint(opts.url)}`
  let res: Response
  try {
    res = await fetch(opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'kubedac', ...opts.headers },
      body: opts.body,
      signal: AbortSignal.timeout(opts.timeoutMs),
      redirect: 'manual',
    })
  } catch (e) {
    return { ok: false, retry: true, error: opts.redact(`${where}: ${networkError(e, opts.timeoutMs)}`) }
  }
  let text = ''
  try {
    text = await res.text()
  } catch {
    // The status decides; a body cut short adds nothing.
  }
  if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status }
  const retry = res.status === 408 || res.status === 429 || res.status >= 500
  const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), opts.now)
  const detail = text.replace(/\s+/g, ' ').trim().slice(0, 200)
  return {
    ok: false,
    retry,
    status: res.status,
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    error: opts.redact(`${where}: HTTP ${res.status}${detail ? ` ${detail}` : ''}`),
  }
}

function networkError(e: unknown, timeoutMs: number): string {
  if (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))
    return `no answer within ${timeoutMs} ms`
  const cause = (e as { cause?: { code?: string; message?: string } }).cause
  // undici's own message is "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND…), without the URL.
  if (cause?.code) return cause.code
  if (cause?.message) return cause.message
  return e instanceof Error ? e.message : String(e)
}
