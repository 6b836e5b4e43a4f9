import type { CollectSink } from '../../src/collect/define.js'
import { identityOf } from '../../src/core/kinds.js'
import type { KubeObject, ScanError } from '../../src/core/types.js'
import type { PodLog } from '../../src/snapshot/snapshot.js'

/** A collector sink for tests that keeps everything it is given, deduplicating as the snapshot does. */
export interface MemorySink extends CollectSink {
  objects: KubeObject[]
  sources: string[]
  errors: ScanError[]
  logs: PodLog[]
  kinds: string[]
  duplicates: number
}

/** A fresh {@link MemorySink}. */
export function memorySink(): MemorySink {
  const seen = new Set<string>()
  const s: MemorySink = {
    objects: [],
    sources: [],
    errors: [],
    logs: [],
    kinds: [],
    duplicates: 0,
    object(o, source) {
      const id = identityOf(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name)
      if (seen.has(id)) {
        s.duplicates++
        return false
      }
      seen.add(id)
      s.objects.push(o)
      s.sources.push(source)
      return true
    },
    collected: (k) => void s.kinds.push(k),
    data: () => undefined,
    log: (l) => void s.logs.push(l),
    error: (e) => void s.errors.push(e),
  }
  return s
}
