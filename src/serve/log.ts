/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

/** Field names whose values never reach a log line, whatever they hold. */
const SECRET_KEY =
  /token|authorization|password|passwd|secret|cookie|credential|api[-_]?key|routing[-_]?key|url|webhook|dsn/i

/** A structured logger: one JSON object per line. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void
  info(msg: string, fields?: Record<string, unknown>): void
  warn(msg: string, fields?: Record<string, unknown>): void
  error(msg: string, fields?: Record<string, unknown>): void
  /** A logger whose lines carry these fields too. */
  child(fields: Record<string, unknown>): Logger
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Lines below this level are dropped (default info). */
  level?: LogLevel
  /** Where lines go (default: standard error). */
  write?: (line: string) => void
  /** The clock (default: Date). */
  now?: () => Date
}

/** Replaces values under secret-looking keys, at any depth, and renders errors as their message and code. */
export function scrub(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code
    return { message: value.message, ...(typeof code === 'string' ? { code } : {}) }
  }
  if (value instanceof Date) return value.toISOString()
  if (value === null || typeof value !== 'object') return value
  if (depth > 6) return '[deep]'
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[redacted]' : scrub(v, depth + 1)
  return out
}

/**
 * A tiny JSON-lines logger to standard error (pino is not a dependency). Values under keys that
 * look like credentials (token, authorization, password, secret, webhook, url…) are replaced by
 * `[redacted]`, so a careless field cannot leak one; callers still never pass credentials.
 */
export function createLogger(opts: LoggerOptions = {}, base: Record<string, unknown> = {}): Logger {
  const min = LEVELS[opts.level ?? 'info']
  const write = opts.write ?? ((line: string) => process.stderr.write(line))
  const now = opts.now ?? (() => new Date())
  const emit = (level: LogLevel, msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < min) return
    const rec = { time: now().toISOString(), level, msg, ...(scrub({ ...base, ...fields }) as object) }
    let line: string
    try {
      line = JSON.stringify(rec)
    } catch {
      line = JSON.stringify({ time: rec.time, level, msg, note: 'fields could not be serialised' })
    }
    write(line + '\n')
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (fields) => createLogger(opts, { ...base, ...fields }),
  }
}

/** A logger that drops everything (for tests and library use). */
export const silentLogger: Logger = createLogger({ write: () => {} })
