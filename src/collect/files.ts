import { isUtf8 } from 'node:buffer'
import { open, readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'
import { LineCounter, parseAllDocuments, type Document } from 'yaml'
import { ERRORS, errorMessage, type ErrorCode } from '../core/errors.js'
import type { KubeObject } from '../core/types.js'
import { defineCollector, type CollectSink } from './define.js'

/** Default largest file the loader reads: 512 MiB (V8 cannot hold a much longer string anyway). */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024

/** How to read a text: by content sniffing (`auto`), or as one known form. */
export type InputFormat = 'auto' | 'json' | 'yaml' | 'text' | 'logs'

/** Options of the loader. */
export interface LoadOptions {
  /** Keep `metadata.managedFields` (dropped by default: they are large and almost never read). */
  keepManagedFields?: boolean
  /** Largest input read, in bytes; default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number
  /** How to read the text; default: from the source's file name. */
  format?: InputFormat
  /** Stops between files when aborted. */
  signal?: AbortSignal
}

/** What one load added to the sink. */
export interface LoadStats {
  objects: number
  duplicates: number
  logs: number
  errors: number
}

/** Whether a file met while walking a folder is one the loader reads (by extension). */
export function isInputFile(name: string): boolean {
  if (name.startsWith('.')) return false
  const ext = path.extname(name).toLowerCase()
  return INPUT_EXTS.has(ext)
}

/** The form a source's name implies: `.json`, `.yaml`, pod `logs.txt`, other text, or unknown. */
export function formatOf(source: string): InputFormat {
  const base = path.basename(source).toLowerCase()
  if (base === 'logs.txt') return 'logs'
  const ext = path.extname(base)
  if (ext === '.json') return 'json'
  if (ext === '.yaml' || ext === '.yml') return 'yaml'
  if (ext === '.txt' || ext === '.log') return 'text'
  return 'auto'
}

/** Loads Kubernetes objects (and dump pod logs) from one text; reports every problem to the sink, never throws. */
export function loadText(text: string, source: string, sink: CollectSink, opts: LoadOptions = {}): LoadStats {
  const loader = new Loader(text, source, sink, opts)
  try {
    loader.run()
  } catch (e) {
    loader.fail('KDAC_E_COLLECTOR_THREW', `unexpected failure: ${errorMessage(e)}`)
  }
  return loader.stats
}

/** Checks and decodes a file's bytes, then loads them as {@link loadText} does. */
export function loadBuffer(
  buf: Buffer,
  source: string,
  sink: CollectSink,
  opts: LoadOptions = {},
): LoadStats {
  const stats: LoadStats = { objects: 0, duplicates: 0, logs: 0, errors: 0 }
  const text = decodeOrReport(buf, source, sink, opts, stats)
  if (text !== undefined) add(stats, loadText(text, source, sink, opts))
  return stats
}

function decodeOrReport(
  buf: Buffer,
  source: string,
  sink: CollectSink,
  opts: LoadOptions,
  stats: LoadStats,
): string | undefined {
  const fail = (code: ErrorCode, detail: string, pos?: Pos) => {
    stats.errors++
    const where = pos ? ` (line ${pos.line}, column ${pos.column})` : ''
    sink.error({ source, code, message: `${source}: ${ERRORS[code]}: ${detail}${where}`, ...pos })
  }
  const limit = opts.maxBytes ?? DEFAULT_MAX_BYTES
  if (buf.length > limit) {
    fail('KDAC_E_OVERSIZE', `${formatBytes(buf.length)} exceeds the limit of ${formatBytes(limit)}`)
    return undefined
  }
  try {
    const decoded = decode(buf)
    if (typeof decoded === 'string') return decoded
    fail(decoded.code, decoded.detail, decoded.pos)
  } catch (e) {
    // Buffers just under the limit can still exceed V8's longest string.
    fail('KDAC_E_OVERSIZE', `${formatBytes(buf.length)} cannot be decoded as one string (${errorMessage(e)})`)
  }
  return undefined
}

/** Reads files and folders (recursively, in sorted order), loading each into the sink; never throws. */
export async function loadPaths(
  paths: readonly string[],
  sink: CollectSink,
  opts: LoadOptions = {},
): Promise<LoadStats> {
  const total: LoadStats = { objects: 0, duplicates: 0, logs: 0, errors: 0 }
  const files: FileEntry[] = []
  const visited = new Set<string>()
  for (const p of paths) await walk(p, true, files, visited, sink, total)
  const limit = opts.maxBytes ?? DEFAULT_MAX_BYTES
  // Reading ahead overlaps disk I/O (libuv threads) with parsing (main thread), bounded in bytes.
  const reads = new Map<number, Promise<Buffer | Error>>()
  let next = 0
  let aheadBytes = 0
  for (let i = 0; i < files.length; i++) {
    if (opts.signal?.aborted) break
    while (
      next < files.length &&
      (next <= i || (next - i <= READ_AHEAD_FILES && aheadBytes < READ_AHEAD_BYTES))
    ) {
      const f = files[next] as FileEntry
      if (f.size <= limit) {
        reads.set(next, readWhole(f.path, f.size))
        aheadBytes += f.size
      }
      next++
    }
    const f = files[i] as FileEntry
    if (!reads.has(i)) {
      total.errors++
      sink.error({
        source: f.path,
        code: 'KDAC_E_OVERSIZE',
        message: `${f.path}: ${ERRORS.KDAC_E_OVERSIZE}: ${formatBytes(f.size)} exceeds the limit of ${formatBytes(limit)}`,
      })
      continue
    }
    // Read and decoded in a call of its own: nothing here holds the bytes while the text is parsed.
    const text = await readText(reads, i, f.path, sink, opts, total)
    aheadBytes -= f.size
    if (text !== undefined) add(total, loadText(text, f.path, sink, opts))
  }
  return total
}

async function readText(
  reads: Map<number, Promise<Buffer | Error>>,
  index: number,
  file: string,
  sink: CollectSink,
  opts: LoadOptions,
  stats: LoadStats,
): Promise<string | undefined> {
  const pending = reads.get(index) as Promise<Buffer | Error>
  reads.delete(index)
  const buf = await pending
  if (!(buf instanceof Error)) return decodeOrReport(buf, file, sink, opts, stats)
  stats.errors++
  sink.error({ source: file, code: 'KDAC_E_READ', message: `${file}: ${ERRORS.KDAC_E_READ}: ${buf.message}` })
  return undefined
}

/** The built-in `files` collector: JSON/YAML files and folders, kubectl output, cluster-info dumps, stdin. */
export const filesCollector = defineCollector({
  meta: {
    id: 'files',
    produces: ['*'],
    description:
      'Reads JSON and YAML files and folders: objects, Lists, multi-document YAML, `kubectl get -o json|yaml` ' +
      'output, rendered manifests and `kubectl cluster-info dump` (directory or stream, with pod logs).',
    appliesTo: (c) => !!(c.paths?.length || c.stdin !== undefined),
  },
  async collect(ctx) {
    const opts: LoadOptions = { keepManagedFields: ctx.keepManagedFields }
    if (ctx.signal) opts.signal = ctx.signal
    if (ctx.cluster.paths?.length) await loadPaths(ctx.cluster.paths, ctx.sink, opts)
    if (ctx.cluster.stdin !== undefined) {
      const input = ctx.cluster.stdin
      if (typeof input !== 'string') loadBuffer(input, STDIN, ctx.sink, { ...opts, format: 'auto' })
      else {
        const limit = DEFAULT_MAX_BYTES
        const bytes = input.length * 3 > limit ? Buffer.byteLength(input) : input.length
        if (bytes > limit)
          ctx.sink.error({
            source: STDIN,
            code: 'KDAC_E_OVERSIZE',
            message: `${STDIN}: ${ERRORS.KDAC_E_OVERSIZE}: ${formatBytes(bytes)} exceeds the limit of ${formatBytes(limit)}`,
          })
        else loadText(input, STDIN, ctx.sink, { ...opts, format: 'auto' })
      }
    }
  },
})

const STDIN = 'stdin'
const INPUT_EXTS = new Set(['.json', '.yaml', '.yml', '.dump', '.txt', '.log'])
const READ_AHEAD_FILES = 8
const READ_AHEAD_BYTES = 256 * 1024 * 1024
const MAX_LOCATED = 50
const START = '==== START logs for container '
const HEADER = /^==== START logs for container (\S*) of pod ([^/\s]*)\/(\S*) ====$/

interface FileEntry {
  path: string
  size: number
}

interface Pos {
  line: number
  column: number
}

/** Where a document sits, for messages: its label, and a way to find the line of a node in it. */
interface DocCtx {
  label: string | undefined
  locate: ((path: (string | number)[]) => Pos | undefined) | undefined
}

function add(into: LoadStats, s: LoadStats): void {
  into.objects += s.objects
  into.duplicates += s.duplicates
  into.logs += s.logs
  into.errors += s.errors
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`
  const mib = n / (1024 * 1024)
  if (mib < 1) return `${(n / 1024).toFixed(1)} KiB (${n} bytes)`
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB (${n} bytes)`
}

async function walk(
  p: string,
  explicit: boolean,
  out: FileEntry[],
  visited: Set<string>,
  sink: CollectSink,
  stats: LoadStats,
): Promise<void> {
  let st
  try {
    st = await stat(p)
  } catch (e) {
    const code: ErrorCode =
      explicit && (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'KDAC_E_INPUT_MISSING' : 'KDAC_E_READ'
    stats.errors++
    sink.error({ source: p, code, message: `${p}: ${ERRORS[code]}: ${errorMessage(e)}` })
    return
  }
  if (st.isFile()) {
    if (explicit || isInputFile(path.basename(p))) out.push({ path: p, size: st.size })
    return
  }
  if (!st.isDirectory()) return
  let names: string[]
  try {
    // Symlinked folders may loop back; each real folder is read once.
    const real = await realpath(p)
    if (visited.has(real)) return
    visited.add(real)
    names = await readdir(p)
  } catch (e) {
    stats.errors++
    sink.error({ source: p, code: 'KDAC_E_READ', message: `${p}: ${ERRORS.KDAC_E_READ}: ${errorMessage(e)}` })
    return
  }
  names.sort(compareNames)
  for (const name of names) {
    if (name.startsWith('.')) continue
    await walk(path.join(p, name), false, out, visited, sink, stats)
  }
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

// One read call per file: fs.readFile reads in 512 KiB steps that each need the (busy) main thread.
async function readWhole(file: string, size: number): Promise<Buffer | Error> {
  let fh
  try {
    fh = await open(file, 'r')
    const buf = Buffer.allocUnsafe(size)
    let off = 0
    while (off < size) {
      const { bytesRead } = await fh.read(buf, off, size - off, off)
      if (bytesRead === 0) return buf.subarray(0, off)
      off += bytesRead
    }
    // The file may have grown since stat: read on until EOF (rare, so copying is fine).
    const more: Buffer[] = []
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024)
      const { bytesRead } = await fh.read(chunk, 0, chunk.length, off)
      if (bytesRead === 0) break
      more.push(chunk.subarray(0, bytesRead))
      off += bytesRead
    }
    return more.length === 0 ? buf : Buffer.concat([buf, ...more])
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e))
  } finally {
    await fh?.close().catch(() => undefined)
  }
}

type Decoded = string | { code: ErrorCode; detail: string; pos?: Pos }

function decode(buf: Buffer): Decoded {
  // Windows PowerShell's `>` writes UTF-16 with a BOM: read it rather than call it binary.
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.toString('utf16le', 2)
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    const swapped = Buffer.from(buf.subarray(2))
    swapped.swap16()
    return swapped.toString('utf16le')
  }
  const start = buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0
  const text = buf.toString('utf8', start)
  // Decoding turns bad bytes into U+FFFD, which a one-byte (ASCII) string cannot hold: for the usual
  // ASCII dump this check costs nothing, and only a text that holds U+FFFD pays for validation.
  if (text.indexOf('\uFFFD') < 0 || isUtf8(buf)) return text
  const nul = buf.indexOf(0)
  if (nul >= 0) return { code: 'KDAC_E_BINARY', detail: `NUL byte at byte ${nul}`, pos: bytePosOf(buf, nul) }
  const bad = firstInvalidUtf8(buf)
  const byte = (buf[bad] ?? 0).toString(16).padStart(2, '0')
  return {
    code: 'KDAC_E_NOT_UTF8',
    detail: `invalid byte 0x${byte} at byte ${bad}`,
    pos: bytePosOf(buf, bad),
  }
}

function bytePosOf(buf: Buffer, offset: number): Pos {
  let line = 1
  let lineStart = 0
  for (let i = buf.indexOf(10); i >= 0 && i < offset; i = buf.indexOf(10, i + 1)) {
    line++
    lineStart = i + 1
  }
  // Column counts characters, not bytes: continuation bytes do not start a character.
  let column = 1
  for (let i = lineStart; i < offset; i++) if (((buf[i] as number) & 0xc0) !== 0x80) column++
  return { line, column }
}

// Only on the error path: isUtf8 says no, this says where.
function firstInvalidUtf8(b: Buffer): number {
  let i = 0
  while (i < b.length) {
    const c = b[i] as number
    if (c < 0x80) {
      i++
      continue
    }
    let n: number
    let min: number
    if ((c & 0xe0) === 0xc0) [n, min] = [1, 0x80]
    else if ((c & 0xf0) === 0xe0) [n, min] = [2, 0x800]
    else if ((c & 0xf8) === 0xf0) [n, min] = [3, 0x10000]
    else return i
    if (i + n >= b.length) return i
    let cp = c & (0x3f >> n)
    for (let k = 1; k <= n; k++) {
      const d = b[i + k]
      if (d === undefined || (d & 0xc0) !== 0x80) return i
      cp = (cp << 6) | (d & 0x3f)
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i
    i += n + 1
  }
  return Math.max(0, b.length - 1)
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9
}

function typeName(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  const t = typeof v
  return t === 'object' ? 'an object' : t === 'undefined' ? 'undefined' : `a ${t}`
}

/** Line starts of a text, built once and only when a message needs a position. */
class LineIndex {
  private starts: number[] | undefined
  constructor(private readonly text: string) {}

  pos(offset: number): Pos {
    if (!this.starts) {
      const s = [0]
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) s.push(i + 1)
      this.starts = s
    }
    const s = this.starts
    let lo = 0
    let hi = s.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if ((s[mid] as number) <= offset) lo = mid
      else hi = mid - 1
    }
    return { line: lo + 1, column: offset - (s[lo] as number) + 1 }
  }
}

class Loader {
  readonly stats: LoadStats = { objects: 0, duplicates: 0, logs: 0, errors: 0 }
  private readonly lines: LineIndex
  private readonly dropManaged: boolean
  private readonly format: InputFormat
  private docCount = 0

  constructor(
    private readonly text: string,
    private readonly source: string,
    private readonly sink: CollectSink,
    opts: LoadOptions,
  ) {
    this.lines = new LineIndex(text)
    this.dropManaged = !opts.keepManagedFields
    this.format = opts.format ?? formatOf(source)
  }

  fail(code: ErrorCode, detail: string, pos?: Pos): void {
    this.stats.errors++
    const where = pos ? ` (line ${pos.line}, column ${pos.column})` : ''
    const err = { source: this.source, code, message: `${this.source}: ${ERRORS[code]}: ${detail}${where}` }
    this.sink.error(pos ? { ...err, line: pos.line, column: pos.column } : err)
  }

  run(): void {
    const text = this.text
    let first = text.charCodeAt(0) === 0xfeff ? 1 : 0
    while (first < text.length && isWs(text.charCodeAt(first))) first++
    const c = text.charCodeAt(first)
    if (this.format !== 'logs' && (this.format === 'json' || c === 123 || c === 91)) {
      let value: unknown
      try {
        value = JSON.parse(first === 0 ? text : text.slice(first))
      } catch (e) {
        // JSON cannot hold a raw NUL, so only a text that failed to parse needs the search.
        if (this.binary()) return
        if (this.format === 'yaml' && !text.includes(START)) return this.loadYaml(0, text.length)
        if (this.looksLikeStream(e)) return this.loadStream(first)
        return this.jsonError(e, first, text.length)
      }
      return this.emitTop(value, this.jsonDoc(undefined, first, text.length))
    }
    if (this.binary()) return
    if (this.format === 'logs') return this.loadLogs(first)
    if (text.includes(START)) return this.loadStream(first)
    if (this.format === 'text') return
    this.loadYaml(0, text.length)
  }

  private binary(): boolean {
    const nul = this.text.indexOf('\0')
    if (nul < 0) return false
    this.fail('KDAC_E_BINARY', `NUL character at offset ${nul}`, this.lines.pos(nul))
    return true
  }

  // Cheapest tests first: the message, then markers that a dump shows early, then a full search.
  private looksLikeStream(e: unknown): boolean {
    const t = this.text
    return (
      (e instanceof Error && e.message.includes('non-whitespace character after JSON')) ||
      t.includes(START) ||
      t.includes('\n}\n{') ||
      t.includes('\n}\r\n{')
    )
  }

  // --- cluster-info dump stream: pod logs cut out first, objects read from what lies between them.

  private loadStream(from: number): void {
    let seg = from
    for (const s of this.logSections(from)) {
      this.loadSegment(seg, s.start)
      this.emitLog(s.namespace, s.pod, s.container, this.text.slice(s.bodyStart, s.bodyEnd))
      seg = s.end
    }
    this.loadSegment(seg, this.text.length)
  }

  private loadLogs(from: number): void {
    const sections = this.logSections(from)
    if (sections.length === 0) {
      if (from >= this.text.length) return
      // Without markers, the folder layout `<ns>/<pod>/logs.txt` is all we know.
      const dir = path.dirname(this.source)
      this.emitLog(path.basename(path.dirname(dir)), path.basename(dir), '', this.text.slice(from))
      return
    }
    for (const s of sections)
      this.emitLog(s.namespace, s.pod, s.container, this.text.slice(s.bodyStart, s.bodyEnd))
  }

  private emitLog(namespace: string, pod: string, container: string, text: string): void {
    this.stats.logs++
    this.sink.log({ namespace, pod, container, source: this.source, text })
  }

  private logSections(from: number) {
    const text = this.text
    const out: {
      start: number
      bodyStart: number
      bodyEnd: number
      end: number
      namespace: string
      pod: string
      container: string
    }[] = []
    let at = text.indexOf(START, from)
    while (at >= 0) {
      if (at > 0 && text.charCodeAt(at - 1) !== 10) {
        at = text.indexOf(START, at + START.length)
        continue
      }
      let eol = text.indexOf('\n', at)
      if (eol < 0) eol = text.length
      const header = HEADER.exec(text.slice(at, eol).trimEnd())
      if (!header) {
        at = text.indexOf(START, eol)
        continue
      }
      const [, container = '', namespace = '', pod = ''] = header
      const endMarker = `==== END logs for container ${container} of pod ${namespace}/${pod} ====`
      const bodyStart = Math.min(eol + 1, text.length)
      // kubectl writes the END marker right after the log bytes, so it may share the log's last line.
      const endAt = text.indexOf(endMarker, bodyStart)
      let bodyEnd: number
      let end: number
      if (endAt >= 0) {
        bodyEnd = endAt
        end = endAt + endMarker.length
        if (text.charCodeAt(end) === 13) end++
        if (text.charCodeAt(end) === 10) end++
      } else {
        let nextStart = text.indexOf('\n' + START, bodyStart - 1)
        nextStart = nextStart < 0 ? text.length : nextStart + 1
        bodyEnd = end = nextStart
        this.fail(
          'KDAC_E_DUMP_TRUNCATED',
          `no "==== END logs" line for container ${container} of pod ${namespace}/${pod}`,
          this.lines.pos(at),
        )
      }
      out.push({ start: at, bodyStart, bodyEnd, end, namespace, pod, container })
      at = text.indexOf(START, end)
    }
    return out
  }

  private loadSegment(from: number, to: number): void {
    const text = this.text
    let i = from
    while (i < to && isWs(text.charCodeAt(i))) i++
    if (i >= to) return
    const c = text.charCodeAt(i)
    if (c === 123 || c === 91) this.jsonDocs(i, to)
    else if (this.format === 'json') this.jsonDocsSlow(i, to)
    else this.loadYaml(i, to)
  }

  // kubectl prints each list with a 4-space indent, so a `}` at column 0 closes a document: cut there,
  // and fall back to a brace-matching scan only when that guess does not parse.
  private jsonDocs(from: number, to: number): void {
    const text = this.text
    let i = from
    while (i < to) {
      if (text.charCodeAt(i) !== 123) return this.jsonDocsSlow(i, to)
      const close = this.topClose(i, to)
      if (close < 0) return this.jsonDocsSlow(i, to)
      let value: unknown
      try {
        value = JSON.parse(text.slice(i, close))
      } catch {
        return this.jsonDocsSlow(i, to)
      }
      this.emitTop(value, this.jsonDoc(`document ${++this.docCount}`, i, close))
      i = close
      while (i < to && isWs(text.charCodeAt(i))) i++
    }
  }

  private topClose(from: number, to: number): number {
    const text = this.text
    for (let k = text.indexOf('\n}', from); k >= 0 && k < to; k = text.indexOf('\n}', k + 2)) {
      const after = k + 2
      if (after >= to) return to
      const n = text.charCodeAt(after)
      if (n === 10 || n === 13 || n === 32 || n === 9) return after
    }
    return -1
  }

  private jsonDocsSlow(from: number, to: number): void {
    const text = this.text
    let i = from
    while (i < to) {
      while (i < to && isWs(text.charCodeAt(i))) i++
      if (i >= to) return
      const c = text.charCodeAt(i)
      const end = c === 123 || c === 91 ? this.matchClose(i, to) : this.nextDocStart(i, to)
      let value: unknown
      let ok = true
      try {
        value = JSON.parse(text.slice(i, end))
      } catch (e) {
        ok = false
        this.jsonError(e, i, end)
      }
      if (ok) this.emitTop(value, this.jsonDoc(`document ${++this.docCount}`, i, end))
      i = end
    }
  }

  private jsonDoc(label: string | undefined, start: number, end: number): DocCtx {
    const text = this.text
    const lines = this.lines
    let located = 0
    return {
      label,
      locate: (at) => {
        // Finding a node means scanning the text: worth it for the first few errors of a file only.
        if (++located > MAX_LOCATED) return label === undefined ? undefined : lines.pos(start)
        const off = jsonPathOffset(text, start, end, at)
        return off >= 0 ? lines.pos(off) : label === undefined ? undefined : lines.pos(start)
      },
    }
  }

  // Brace matching that skips strings; a pretty-printed document that meets a `{` at column 0 before it
  // closes was cut short, and the next document starts there.
  private matchClose(from: number, to: number): number {
    const text = this.text
    const pretty = text.charCodeAt(from + 1) === 10 || text.charCodeAt(from + 2) === 10
    let depth = 0
    let inString = false
    for (let i = from; i < to; i++) {
      const c = text.charCodeAt(i)
      if (inString) {
        if (c === 92) i++
        else if (c === 34) inString = false
        else if (c === 10) inString = false
        continue
      }
      if (c === 34) inString = true
      else if (c === 123 || c === 91) {
        if (pretty && depth > 0 && c === 123 && i > from && text.charCodeAt(i - 1) === 10) return i
        depth++
      } else if (c === 125 || c === 93) {
        depth--
        if (depth <= 0) return i + 1
      }
    }
    return to
  }

  private nextDocStart(from: number, to: number): number {
    const text = this.text
    for (let k = text.indexOf('\n', from); k >= 0 && k + 1 < to; k = text.indexOf('\n', k + 1)) {
      const c = text.charCodeAt(k + 1)
      if (c === 123 || c === 91) return k + 1
    }
    return to
  }

  private jsonError(e: unknown, from: number, to: number): void {
    let msg = errorMessage(e)
    let offset: number | undefined
    let end = to
    while (end > from && isWs(this.text.charCodeAt(end - 1))) end--
    const at = /at position (\d+)/.exec(msg)
    if (at) offset = from + Number(at[1])
    else if (msg.startsWith('Unexpected end of JSON input')) offset = end
    else {
      const found = jsonErrorOffset(this.text, from, to)
      if (found >= 0) offset = found
    }
    // A text cut short fails past its trailing newline: point at where the content stops instead.
    if (offset !== undefined && offset > end) offset = end
    msg = msg
      .replace(/, (?:\.\.\.)?"[\s\S]*" is not valid JSON$/, '')
      .replace(/ (?:in JSON )?at position \d+/, '')
      .replace(/ \(line \d+ column \d+\)/, '')
      .replace(/'([\s\S])'/, (m, c: string) =>
        c.charCodeAt(0) < 0x20 ? JSON.stringify(c).replace(/"/g, "'") : m,
      )
    this.fail('KDAC_E_PARSE_JSON', msg, offset === undefined ? undefined : this.lines.pos(offset))
  }

  // --- YAML

  private loadYaml(from: number, to: number): void {
    const lc = new LineCounter()
    const base = from > 0 ? this.lines.pos(from).line - 1 : 0
    const linePos = (offset: number): Pos => {
      const p = lc.linePos(offset)
      return p.line === 1 && from > 0
        ? { line: base + 1, column: p.col + this.lines.pos(from).column - 1 }
        : { line: base + p.line, column: p.col }
    }
    let docs: Document.Parsed[]
    try {
      const src = from === 0 && to === this.text.length ? this.text : this.text.slice(from, to)
      docs = parseAllDocuments(src, {
        lineCounter: lc,
        merge: true,
        prettyErrors: false,
      }) as Document.Parsed[]
    } catch (e) {
      return this.fail('KDAC_E_PARSE_YAML', errorMessage(e))
    }
    for (const doc of docs) {
      const n = ++this.docCount
      const label = `document ${n}`
      if (doc.errors.length > 0) {
        const err = doc.errors[0]
        if (err) this.fail('KDAC_E_PARSE_YAML', `${label}: ${err.message}`, linePos(err.pos[0]))
        continue
      }
      let value: unknown
      try {
        value = doc.toJS({ maxAliasCount: 100 })
      } catch (e) {
        this.fail('KDAC_E_PARSE_YAML', `${label}: ${errorMessage(e)}`, linePos(doc.range[0]))
        continue
      }
      if (value === null || value === undefined) continue
      const locate = (p: (string | number)[]): Pos | undefined => {
        const node = p.length === 0 ? doc.contents : doc.getIn(p, true)
        const range = (node as { range?: [number, number, number] } | null | undefined)?.range
        return range ? linePos(range[0]) : undefined
      }
      this.emitTop(value, { label, locate })
    }
  }

  // --- objects

  private emitTop(value: unknown, doc: DocCtx): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const what = doc.label ?? 'the document'
      const detail = Array.isArray(value)
        ? `${what} is an array, not an object or a List`
        : `${what} is ${typeName(value)}, not an object`
      this.fail('KDAC_E_OBJECT_INVALID', detail, doc.locate?.([]))
      return
    }
    const v = value as Record<string, unknown>
    if (isList(v)) this.emitList(v, doc, [])
    else this.emitObject(v, doc, [])
  }

  private emitList(list: Record<string, unknown>, doc: DocCtx, at: (string | number)[]): void {
    const kind = list.kind as string
    const items = list.items as unknown[]
    const apiVersion =
      typeof list.apiVersion === 'string' && list.apiVersion !== '' ? list.apiVersion : undefined
    // A typed list (PodList) is one kind read in full; its items may omit kind and apiVersion, as in
    // `kubectl cluster-info dump`. An untyped `List` promises nothing.
    const itemKind = kind !== 'List' ? kind.slice(0, -4) : undefined
    if (itemKind && apiVersion) this.sink.collected(`${apiVersion}/${itemKind}`)
    for (let i = 0; i < items.length; i++) {
      const item = items[i]
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        this.invalid(doc, [...at, 'items', i], `is ${typeName(item)}, not an object`)
        continue
      }
      const o = item as Record<string, unknown>
      if (itemKind) {
        if (o.kind === undefined) o.kind = itemKind
        if (o.apiVersion === undefined && apiVersion && o.kind === itemKind) o.apiVersion = apiVersion
      }
      if (isList(o)) this.emitList(o, doc, [...at, 'items', i])
      else this.emitObject(o, doc, at, i)
    }
  }

  private emitObject(o: Record<string, unknown>, doc: DocCtx, at: (string | number)[], index?: number): void {
    const meta = o.metadata as Record<string, unknown> | undefined
    let problem: string | undefined
    if (typeof o.apiVersion !== 'string' || o.apiVersion === '')
      problem = fieldProblem('apiVersion', o.apiVersion)
    else if (typeof o.kind !== 'string' || o.kind === '') problem = fieldProblem('kind', o.kind)
    else if (typeof meta !== 'object' || meta === null || Array.isArray(meta))
      problem = fieldProblem('metadata', meta, 'an object')
    else if (typeof meta.name !== 'string' || meta.name === '')
      problem = fieldProblem('metadata.name', meta.name)
    else if (meta.namespace !== undefined && meta.namespace !== null && typeof meta.namespace !== 'string')
      problem = fieldProblem('metadata.namespace', meta.namespace)
    if (problem !== undefined) {
      this.invalid(doc, index === undefined ? at : [...at, 'items', index], problem, o)
      return
    }
    const m = meta as Record<string, unknown>
    // YAML `namespace: ~` means none; the snapshot keys on a string or undefined.
    if (m.namespace === null) delete m.namespace
    if (this.dropManaged && m.managedFields !== undefined) delete m.managedFields
    if (this.sink.object(o as unknown as KubeObject, this.source)) this.stats.objects++
    else this.stats.duplicates++
  }

  private invalid(doc: DocCtx, at: (string | number)[], problem: string, o?: Record<string, unknown>): void {
    const pathLabel = at
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
      .join('')
      .replace(/^\./, '')
    const parts = [doc.label, pathLabel].filter((s) => s)
    let what = parts.length ? parts.join(', ') : 'the object'
    if (o) {
      const kind = typeof o.kind === 'string' && o.kind ? o.kind : undefined
      const meta = o.metadata as { name?: unknown } | undefined
      const name = typeof meta?.name === 'string' && meta.name ? meta.name : undefined
      if (kind || name) what += ` (${[kind, name && JSON.stringify(name)].filter((s) => s).join(' ')})`
    }
    const pos = doc.locate?.(at)
    this.fail('KDAC_E_OBJECT_INVALID', `${what} ${problem}`, pos)
  }
}

function fieldProblem(field: string, value: unknown, expected = 'a non-empty string'): string {
  if (value === undefined || value === null || value === '') return `has no ${field}`
  return `has ${field} of ${typeName(value)}, expected ${expected}`
}

function isList(v: Record<string, unknown>): boolean {
  const kind = v.kind
  return typeof kind === 'string' && kind.endsWith('List') && Array.isArray(v.items)
}

/** Where a text stops being JSON (for messages that do not say): the offset of the first bad character, or -1. */
export function jsonErrorOffset(s: string, from = 0, to = s.length): number {
  const stack: number[] = []
  // What may come next: a value, a key, a colon, or (after a value) a comma or a close.
  type Expect = 'value' | 'valueOrClose' | 'key' | 'keyOrClose' | 'colon' | 'next'
  let expect: Expect = 'value'
  let i = from
  const digits = (k: number): number => {
    let j = k
    while (j < to) {
      const c = s.charCodeAt(j)
      if (c < 48 || c > 57) break
      j++
    }
    return j
  }
  const scanString = (k: number): number => {
    for (let j = k + 1; j < to; j++) {
      const c = s.charCodeAt(j)
      if (c === 34) return j + 1
      if (c < 0x20) return -j - 1
      if (c === 92) {
        const e = s[j + 1]
        if (e === undefined || j + 1 >= to) return -(to + 1)
        if (e === 'u') {
          for (let h = 2; h <= 5; h++)
            if (!/[0-9a-fA-F]/.test(s[j + h] ?? '') || j + h >= to) return -(j + h) - 1
          j += 5
        } else if ('"\\/bfnrt'.includes(e)) j++
        else return -(j + 1) - 1
      }
    }
    return -to - 1
  }
  const scanNumber = (k: number): number => {
    let j = k
    if (s.charCodeAt(j) === 45) j++
    const c = s.charCodeAt(j)
    if (j >= to || c < 48 || c > 57) return -j - 1
    j = c === 48 ? j + 1 : digits(j)
    if (s.charCodeAt(j) === 46 && j < to) {
      const d = digits(j + 1)
      if (d === j + 1) return -d - 1
      j = d
    }
    const e = s.charCodeAt(j)
    if ((e === 101 || e === 69) && j < to) {
      j++
      const sign = s.charCodeAt(j)
      if (sign === 43 || sign === 45) j++
      const d = digits(j)
      if (d === j) return -d - 1
      j = d
    }
    return j
  }
  for (;;) {
    while (i < to && isWs(s.charCodeAt(i))) i++
    if (i >= to) return expect === 'next' && stack.length === 0 ? -1 : to
    const c = s.charCodeAt(i)
    if (expect === 'next') {
      if (stack.length === 0) return i
      const top = stack[stack.length - 1]
      if (c === 44) expect = top === 123 ? 'key' : 'value'
      else if ((c === 125 && top === 123) || (c === 93 && top === 91)) stack.pop()
      else return i
      i++
      continue
    }
    if (expect === 'colon') {
      if (c !== 58) return i
      expect = 'value'
      i++
      continue
    }
    if (expect === 'key' || expect === 'keyOrClose') {
      if (c === 125 && expect === 'keyOrClose') {
        stack.pop()
        expect = 'next'
        i++
        continue
      }
      if (c !== 34) return i
      const j = scanString(i)
      if (j < 0) return -j - 1
      i = j
      expect = 'colon'
      continue
    }
    if (c === 93 && expect === 'valueOrClose') {
      stack.pop()
      expect = 'next'
      i++
      continue
    }
    if (c === 123 || c === 91) {
      stack.push(c)
      expect = c === 123 ? 'keyOrClose' : 'valueOrClose'
      i++
      continue
    }
    let j: number
    if (c === 34) j = scanString(i)
    else if (c === 45 || (c >= 48 && c <= 57)) j = scanNumber(i)
    else {
      const word = c === 116 ? 'true' : c === 102 ? 'false' : c === 110 ? 'null' : undefined
      if (!word) return i
      for (let k = 0; k < word.length; k++) if (i + k >= to || s[i + k] !== word[k]) return i + k
      j = i + word.length
    }
    if (j < 0) return -j - 1
    i = j
    expect = 'next'
  }
}

function skipWs(s: string, i: number, to: number): number {
  while (i < to && isWs(s.charCodeAt(i))) i++
  return i
}

function skipString(s: string, i: number, to: number): number {
  for (let j = i + 1; j < to; j++) {
    const c = s.charCodeAt(j)
    if (c === 92) j++
    else if (c === 34) return j + 1
  }
  return to
}

function skipValue(s: string, i: number, to: number): number {
  const c = s.charCodeAt(i)
  if (c === 34) return skipString(s, i, to)
  if (c !== 123 && c !== 91) {
    let j = i
    while (j < to) {
      const d = s.charCodeAt(j)
      if (d === 44 || d === 125 || d === 93 || isWs(d)) break
      j++
    }
    return j
  }
  let depth = 0
  for (let j = i; j < to; j++) {
    const d = s.charCodeAt(j)
    if (d === 34) j = skipString(s, j, to) - 1
    else if (d === 123 || d === 91) depth++
    else if ((d === 125 || d === 93) && --depth === 0) return j + 1
  }
  return to
}

/** Offset of the value at a path (`['items', 3]`) in a JSON text that parses, or -1. */
export function jsonPathOffset(
  s: string,
  from: number,
  to: number,
  at: readonly (string | number)[],
): number {
  let i = skipWs(s, from, to)
  for (const seg of at) {
    const open = s.charCodeAt(i)
    if (typeof seg === 'string') {
      if (open !== 123) return -1
      i = skipWs(s, i + 1, to)
      for (;;) {
        if (s.charCodeAt(i) !== 34) return -1
        const keyEnd = skipString(s, i, to)
        let key: unknown
        try {
          key = JSON.parse(s.slice(i, keyEnd))
        } catch {
          return -1
        }
        i = skipWs(s, keyEnd, to)
        if (s.charCodeAt(i) !== 58) return -1
        i = skipWs(s, i + 1, to)
        if (key === seg) break
        i = skipWs(s, skipValue(s, i, to), to)
        if (s.charCodeAt(i) !== 44) return -1
        i = skipWs(s, i + 1, to)
      }
    } else {
      if (open !== 91) return -1
      i = skipWs(s, i + 1, to)
      for (let k = 0; k < seg; k++) {
        i = skipWs(s, skipValue(s, i, to), to)
        if (s.charCodeAt(i) !== 44) return -1
        i = skipWs(s, i + 1, to)
      }
    }
  }
  return i < to ? i : -1
}
