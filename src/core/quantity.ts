// Kubernetes resource quantities, as `resource.Quantity` writes them.

const QUANTITY = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/
const SUFFIX: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
}

/** The value of a Kubernetes quantity (`500Mi`, `250m`, `1e3`) as a double, or undefined if malformed. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim())
  if (!m) return undefined
  const base = Number(m[1])
  if (m[2]) return Number(m[1] + m[2])
  return m[3] ? base * (SUFFIX[m[3]] as number) : base
}
