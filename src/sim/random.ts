// Stateless, seeded randomness: every value is a pure function of (seed, labels, index), so an
// object can be generated again from its index alone and no cluster's objects are ever stored.

/** A 32-bit hash of a seed and a sequence of numbers or strings (murmur3-style finaliser). */
export function hash(seed: number, ...parts: (number | string)[]): number {
  let h = (seed ^ 0x9e3779b9) >>> 0
  for (const p of parts) {
    if (typeof p === 'number') h = mix(h ^ Math.imul((p | 0) + 0x7f4a7c15, 0x85ebca6b))
    else for (let i = 0; i < p.length; i++) h = mix(h ^ Math.imul(p.charCodeAt(i) + 0x27d4eb2f, 0xc2b2ae35))
    h = mix(h + 0x165667b1)
  }
  return h >>> 0
}

function mix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/** A float in [0, 1) from a hash. */
export function unit(h: number): number {
  return h / 4294967296
}

const HEX = '0123456789abcdef'

/** `n` hex digits from a hash stream. */
export function hex(seed: number, n: number, ...parts: (number | string)[]): string {
  let out = ''
  for (let k = 0; out.length < n; k++) {
    let h = hash(seed, ...parts, k)
    for (let j = 0; j < 8 && out.length < n; j++, h >>>= 4) out += HEX[h & 15]
  }
  return out
}

/** A Kubernetes-style UID (8-4-4-4-12 hex, version 4 layout). */
export function uid(seed: number, ...parts: (number | string)[]): string {
  const x = hex(seed, 32, 'uid', ...parts)
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-4${x.slice(13, 16)}-a${x.slice(17, 20)}-${x.slice(20, 32)}`
}

// The alphabet Kubernetes uses for generated name suffixes (k8s.io/apimachinery rand.String), in
// code-unit order so that suffixes built from increasing numbers sort in that order too.
const SAFE = '2456789bcdfghjklmnpqrstvwxz'

/** A fixed-width suffix in Kubernetes' name alphabet encoding `value` (sorts as `value` does). */
export function safeSuffix(value: number, width: number): string {
  let out = ''
  let v = Math.max(0, Math.floor(value))
  for (let i = 0; i < width; i++) {
    out = SAFE[v % 27] + out
    v = Math.floor(v / 27)
  }
  return out
}

/** The largest value `safeSuffix` can encode in `width` characters, plus one. */
export function suffixSpace(width: number): number {
  return 27 ** width
}

/** A random-looking pod-template-hash (as the Deployment controller writes, 9–10 safe chars). */
export function templateHash(seed: number, ...parts: (number | string)[]): string {
  const h = hash(seed, 'pth', ...parts)
  const h2 = hash(seed, 'pth2', ...parts)
  return safeSuffix(h % 387420489, 6) + safeSuffix(h2 % 531441, 4)
}

/** Left-pads a non-negative integer with zeros. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0')
}
