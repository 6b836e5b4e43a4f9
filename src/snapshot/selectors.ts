/** A label selector as Kubernetes writes it (`matchLabels` and `matchExpressions`). */
export interface LabelSelector {
  matchLabels?: Record<string, string>
  matchExpressions?: { key: string; operator: string; values?: string[] }[]
}

/**
 * Whether `labels` match a LabelSelector. An empty selector (`{}`) matches everything;
 * a missing one (`undefined`/`null`) matches nothing, as the API defines for PDBs and policies.
 */
export function matchesSelector(
  selector: LabelSelector | null | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (selector === null || selector === undefined || typeof selector !== 'object') return false
  const l = labels ?? {}
  const ml = selector.matchLabels
  if (ml && typeof ml === 'object') {
    for (const k in ml) if (l[k] !== ml[k]) return false
  }
  const me = selector.matchExpressions
  if (Array.isArray(me)) {
    for (const e of me) {
      if (!e || typeof e.key !== 'string') return false
      const has = Object.prototype.hasOwnProperty.call(l, e.key)
      const v = l[e.key]
      const values = Array.isArray(e.values) ? e.values : []
      switch (e.operator) {
        case 'In':
          if (!has || !values.includes(v as string)) return false
          break
        case 'NotIn':
          if (has && values.includes(v as string)) return false
          break
        case 'Exists':
          if (!has) return false
          break
        case 'DoesNotExist':
          if (has) return false
          break
        default:
          return false
      }
    }
  }
  return true
}

/**
 * Whether `labels` match an equality-based map selector (a Service's `spec.selector`).
 * An empty or missing map selects nothing: a Service without selector has manual endpoints.
 */
export function matchesMapSelector(
  selector: Record<string, string> | null | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector || typeof selector !== 'object') return false
  const keys = Object.keys(selector)
  if (keys.length === 0) return false
  const l = labels ?? {}
  for (const k of keys) if (l[k] !== selector[k]) return false
  return true
}
