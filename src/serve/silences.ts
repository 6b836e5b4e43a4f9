import { readFile } from 'node:fs/promises'
import { parseDocument } from 'yaml'
import { z } from 'zod'
import { KubedacError } from '../core/errors.js'
import type { SilenceInput } from '../store/types.js'

const names = z.union([z.string().min(1).max(253), z.array(z.string().min(1).max(253)).min(1).max(100)])
const labels = z.record(z.string().min(1).max(317), z.string().max(63))

const matchers = z
  .object({
    detector: names.optional(),
    cluster: names.optional(),
    namespace: names.optional(),
    clusterLabels: labels.optional(),
    objectLabels: labels.optional(),
  })
  .strict()
  .refine((m) => Object.values(m).some((v) => v !== undefined), {
    message:
      'a silence needs at least one matcher (detector, cluster, namespace, clusterLabels, objectLabels)',
  })

const silence = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, {
      message: 'expected an id of letters, digits, _ . - (up to 128)',
    }),
    matchers,
    owner: z.string().min(1).max(253),
    reason: z.string().min(1).max(4096),
    ticket: z.string().min(1).max(2048).optional(),
    expiresAt: z.union([z.date(), z.iso.datetime({ offset: true })]).transform((v) => new Date(v)),
  })
  .strict()

const file = z.object({ silences: z.array(silence).default([]) }).strict()

/**
 * Parses silences.yaml: `silences:` a list of `{id, matchers: {detector, cluster, namespace,
 * clusterLabels, objectLabels}, owner, reason, ticket?, expiresAt}`. Every silence ends
 * (`expiresAt` is required); ids are unique; detector ids must be known. Errors name the file, the
 * silence and the field (and the line for YAML errors).
 */
export function parseSilences(text: string, source: string, known?: ReadonlySet<string>): SilenceInput[] {
  const doc = parseDocument(text)
  if (doc.errors.length) {
    const e = doc.errors[0]!
    const pos = e.linePos?.[0]
    throw new KubedacError(
      'KDAC_E_SILENCES',
      `${source}${pos ? `:${pos.line}:${pos.col}` : ''}: ${e.message.split('\n')[0]}`,
      { source, ...(pos ? { line: pos.line, column: pos.col } : {}) },
    )
  }
  const parsed = file.safeParse(doc.toJS() ?? {})
  if (!parsed.success) {
    const i = parsed.error.issues[0]!
    throw new KubedacError('KDAC_E_SILENCES', `${source}: ${i.path.join('.') || '(root)'}: ${i.message}`, {
      source,
    })
  }
  const seen = new Set<string>()
  return parsed.data.silences.map((s, i) => {
    if (seen.has(s.id))
      throw new KubedacError(
        'KDAC_E_SILENCES',
        `${source}: silences.${i}.id: duplicate id ${JSON.stringify(s.id)}`,
        {
          source,
        },
      )
    seen.add(s.id)
    for (const d of [s.matchers.detector ?? []].flat())
      if (known && !known.has(d))
        throw new KubedacError(
          'KDAC_E_SILENCES',
          `${source}: silences.${i}.matchers.detector: unknown detector ${JSON.stringify(d)}`,
          { source },
        )
    return {
      id: s.id,
      matchers: s.matchers,
      owner: s.owner,
      reason: s.reason,
      ticket: s.ticket ?? null,
      createdBy: `file:${source}`,
      expiresAt: s.expiresAt,
    }
  })
}

/** A loader of silences.yaml for the service: reads and validates the file each time it is called. */
export function silencesLoader(path: string, known?: ReadonlySet<string>): () => Promise<SilenceInput[]> {
  return async () => {
    let text: string
    try {
      text = await readFile(path, 'utf8')
    } catch (e) {
      throw new KubedacError(
        'KDAC_E_SILENCES',
        `${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`,
        {
          source: path,
        },
      )
    }
    return parseSilences(text, path, known)
  }
}
