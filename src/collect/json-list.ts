// Parses a Kubernetes list (`{"kind":…,"metadata":…,"items":[…]}`) as its bytes arrive: each item is
// handed over as soon as its closing brace is read, so a list of any size (kube-apiserver ≤ 1.32
// answers a `resourceVersion=0` LIST whole, ignoring `limit`) never sits in memory as one body.

const QUOTE = 0x22
const BACKSLASH = 0x5c
const LBRACE = 0x7b
const RBRACE = 0x7d
const LBRACKET = 0x5b
const RBRACKET = 0x5d
const COMMA = 0x2c
const COLON = 0x3a

/** The list without its items: kind, apiVersion, metadata (continue, resourceVersion…). */
export interface ListEnvelope {
  kind?: string
  apiVersion?: string
  metadata?: { continue?: string; resourceVersion?: string; remainingItemCount?: number }
  [key: string]: unknown
}

/**
 * Incremental parser of one JSON list: `write` the body's chunks in order, `end` to get the
 * envelope. `onItem` receives each element of the top-level `items` array, parsed.
 * Throws `SyntaxError` on malformed JSON (as `JSON.parse` would, possibly later).
 */
export class ListStreamParser {
  /** Bytes outside `items` (the envelope), with `"items":null` in place of the array. */
  private head: Buffer[] = []
  private headLen = 0
  /** Parts of the item being read (when it spans chunks). */
  private itemParts: Buffer[] = []
  private depth = 0
  private inString = false
  /** Inside a string, the previous byte was an unescaped backslash. */
  private escaped = false
  /** 0: before items; 1: in the items array between elements; 2: in an element; 3: after items. */
  private phase = 0
  /** Depth-1 keys: the last string closed at depth 1 and where it started in `head`. */
  private lastKey = ''
  private keyStart = -1
  private keyBytes: number[] | undefined
  private awaitingArray = false
  private elementStart = -1
  private elementDepth = 0
  items = 0

  /** `dropManagedFields`: cut `metadata.managedFields` out of each item before parsing it. */
  constructor(
    private readonly onItem: (item: unknown) => void,
    private readonly dropManagedFields = false,
  ) {}

  /** Feeds the next chunk of the body. */
  write(chunk: Buffer): void {
    let pos = 0
    const n = chunk.length
    // Where the current run of envelope bytes began in this chunk.
    let headFrom = this.phase === 0 || this.phase === 3 ? 0 : -1
    while (pos < n) {
      if (this.inString) {
        // Jump to the next quote; count the backslashes before it to know if it closes the string.
        const q = chunk.indexOf(QUOTE, pos)
        const end = q < 0 ? n : q
        if (this.keyBytes && this.phase === 0) for (let i = pos; i < end; i++) this.keyBytes.push(chunk[i]!)
        if (q < 0) {
          this.escaped = trailingBackslashes(chunk, pos, n, this.escaped)
          pos = n
          break
        }
        const escapedQuote = trailingBackslashes(chunk, pos, q, this.escaped)
        this.escaped = false
        if (escapedQuote) {
          if (this.keyBytes && this.phase === 0) this.keyBytes.push(QUOTE)
          pos = q + 1
          continue
        }
        this.inString = false
        if (this.keyBytes) {
          this.lastKey = Buffer.from(this.keyBytes).toString()
          this.keyBytes = undefined
        }
        pos = q + 1
        continue
      }
      const b = chunk[pos]!
      if (b === QUOTE) {
        this.inString = true
        this.escaped = false
        if (this.phase === 0 && this.depth === 1) {
          this.keyBytes = []
          this.keyStart = this.headLen + (pos - (headFrom < 0 ? 0 : headFrom))
        }
        pos++
        continue
      }
      if (this.phase === 0) {
        if (b === LBRACE || b === LBRACKET) {
          if (this.awaitingArray && b === LBRACKET && this.depth === 1) {
            // `"items":[` — keep the envelope up to the key, then stream the elements.
            this.awaitingArray = false
            this.pushHead(chunk, headFrom, pos)
            this.cutHeadAt(this.keyStart)
            this.phase = 1
            this.depth = 2
            pos++
            headFrom = -1
            continue
          }
          this.depth++
        } else if (b === RBRACE || b === RBRACKET) this.depth--
        else if (b === COLON && this.depth === 1) this.awaitingArray = this.lastKey === 'items'
        else if (b === COMMA) this.awaitingArray = false
        pos++
        continue
      }
      if (this.phase === 1) {
        if (b === RBRACKET) {
          this.phase = 3
          this.depth = 1
          headFrom = pos + 1
          this.pushHeadString('"items":null')
        } else if (b === LBRACE || b === LBRACKET) {
          this.phase = 2
          this.elementStart = pos
          this.elementDepth = 1
        } else if (b === 0x6e /* n */) {
          // A null element: skip its remaining bytes.
          pos += 4
          continue
        }
        pos++
        continue
      }
      if (this.phase === 2) {
        if (b === LBRACE || b === LBRACKET) this.elementDepth++
        else if (b === RBRACE || b === RBRACKET) {
          if (--this.elementDepth === 0) {
            this.emit(chunk, this.elementStart < 0 ? 0 : this.elementStart, pos + 1)
            this.phase = 1
            this.elementStart = -1
          }
        }
        pos++
        continue
      }
      // phase 3: after the items, the rest of the envelope.
      pos++
    }
    if (this.phase === 2 && pos >= n) {
      this.itemParts.push(chunk.subarray(this.elementStart < 0 ? 0 : this.elementStart, n))
      this.elementStart = -1
    }
    if ((this.phase === 0 || this.phase === 3) && headFrom >= 0) this.pushHead(chunk, headFrom, n)
  }

  /** Ends the body: returns the envelope (kind, apiVersion, metadata). */
  end(): ListEnvelope {
    if (this.phase !== 3 && this.phase !== 0)
      throw new SyntaxError('Unexpected end of JSON input (inside items)')
    const text = Buffer.concat(this.head, this.headLen).toString()
    const env = JSON.parse(text) as ListEnvelope
    if (!env || typeof env !== 'object' || Array.isArray(env))
      throw new SyntaxError('a list must be a JSON object')
    return env
  }

  private emit(chunk: Buffer, from: number, to: number): void {
    let bytes: Buffer
    if (this.itemParts.length) {
      this.itemParts.push(chunk.subarray(from, to))
      bytes = Buffer.concat(this.itemParts)
      this.itemParts = []
    } else bytes = chunk.subarray(from, to)
    this.items++
    this.onItem(parseJson(bytes, this.dropManagedFields))
  }

  private pushHead(chunk: Buffer, from: number, to: number): void {
    if (from < 0 || to <= from) return
    this.head.push(chunk.subarray(from, to))
    this.headLen += to - from
  }

  private pushHeadString(s: string): void {
    const b = Buffer.from(s)
    this.head.push(b)
    this.headLen += b.length
  }

  /** Drops envelope bytes from `at` on (the `"items"` key being replaced). */
  private cutHeadAt(at: number): void {
    const all = Buffer.concat(this.head, this.headLen).subarray(0, at)
    this.head = [all]
    this.headLen = all.length
  }
}

/**
 * Whether the run chunk[from, to) ends in an odd number of backslashes (taking into account a
 * backslash pending from the previous chunk when the run is empty or all backslashes).
 */
function trailingBackslashes(chunk: Buffer, from: number, to: number, pending: boolean): boolean {
  let k = 0
  for (let i = to - 1; i >= from && chunk[i] === BACKSLASH; i--) k++
  if (k === to - from) return (k % 2 === 1) !== pending
  return k % 2 === 1
}

const MANAGED_FIELDS = Buffer.from('"managedFields":[')

/** `JSON.parse` of UTF-8 bytes, optionally without `managedFields` (see {@link withoutManagedFields}). */
export function parseJson(bytes: Buffer, dropManagedFields: boolean): unknown {
  if (dropManagedFields) {
    const cut = withoutManagedFields(bytes)
    if (cut !== bytes)
      try {
        return JSON.parse(cut.toString())
      } catch {
        // A `]` inside a string misled the fast cut: cut again scanning every byte of the arrays.
        try {
          return JSON.parse(withoutManagedFields(bytes, true).toString())
        } catch {
          // Not JSON at all: parse the original, for the error.
        }
      }
  }
  return JSON.parse(bytes.toString())
}

/**
 * The JSON text without any `"managedFields":[…]` member: kubedac's detectors rarely read them and
 * they are up to half of an object's bytes, so cutting them out before `JSON.parse` saves most of
 * their parsing and all of their garbage. The key cannot occur unescaped inside a string, and the
 * array (of FieldsV1 entries: objects and strings only) ends at its first `]` outside a string.
 * A `]` inside a string can fool this fast cut into invalid JSON: `exact` scans the arrays byte by
 * byte instead ({@link parseJson} does so when the fast cut does not parse).
 */
export function withoutManagedFields(buf: Buffer, exact = false): Buffer {
  let at = buf.indexOf(MANAGED_FIELDS)
  if (at < 0) return buf
  const parts: Buffer[] = []
  let from = 0
  while (at >= 0) {
    const open = at + MANAGED_FIELDS.length - 1
    // Fast path: the first `]` is the end unless a string holds one; check the next byte, else scan.
    let end = exact ? 0 : buf.indexOf(RBRACKET, open) + 1
    if (!exact && end <= 0) return buf // malformed: let JSON.parse say so
    if (exact || !(buf[end] === RBRACE || buf[end] === COMMA) || hasBracketInString(buf, open, end)) {
      end = arrayEnd(buf, open)
      if (end < 0) return buf
    }
    if (buf[at - 1] === COMMA) {
      parts.push(buf.subarray(from, at - 1))
      from = end
    } else {
      parts.push(buf.subarray(from, at))
      from = buf[end] === COMMA ? end + 1 : end
    }
    at = buf.indexOf(MANAGED_FIELDS, from)
  }
  parts.push(buf.subarray(from))
  return Buffer.concat(parts)
}

/** Index after the `]` closing the array opened at `open`, skipping strings; -1 if unterminated. */
function arrayEnd(b: Buffer, open: number): number {
  let depth = 0
  const n = b.length
  for (let i = open; i < n; i++) {
    const c = b[i]
    if (c === QUOTE) {
      for (i++; i < n; i++) {
        const d = b[i]
        if (d === BACKSLASH) i++
        else if (d === QUOTE) break
      }
    } else if (c === LBRACKET) depth++
    else if (c === RBRACKET && --depth === 0) return i + 1
  }
  return -1
}

/**
 * Whether the candidate end `end - 1` (a `]`) may lie inside a string: when the last quote before
 * it does not look like a closing quote (followed by `:`, `,`, `}` or `]`).
 */
function hasBracketInString(b: Buffer, open: number, end: number): boolean {
  const q = b.lastIndexOf(QUOTE, end - 1)
  if (q <= open) return false
  // The byte after the last quote before `]`: a closing quote is followed by `:`, `,`, `}` or `]`.
  const next = b[q + 1]
  return !(next === COLON || next === COMMA || next === RBRACE || next === RBRACKET)
}
