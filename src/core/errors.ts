/** The catalogue of kubedac's own errors: every code with the text a user sees. */
export const ERRORS = {
  KDAC_E_PARSE_JSON: 'invalid JSON',
  KDAC_E_PARSE_YAML: 'invalid YAML',
  KDAC_E_NOT_UTF8: 'file is not valid UTF-8 text',
  KDAC_E_BINARY: 'file looks binary (contains NUL bytes)',
  KDAC_E_OVERSIZE: 'file is larger than the size limit',
  KDAC_E_READ: 'cannot read',
  KDAC_E_OBJECT_INVALID: 'not a Kubernetes object',
  KDAC_E_DUMP_TRUNCATED: 'cluster-info dump is cut short inside a pod log',
  KDAC_E_INPUT_MISSING: 'input does not exist',
  KDAC_E_DETECTOR_THREW: 'detector threw an error',
  KDAC_E_DETECTOR_INVALID: 'invalid detector',
  KDAC_E_DETECTOR_LOAD: 'cannot load detector',
  KDAC_E_UNDECLARED_KIND: 'detector read a kind it did not declare in requires',
  KDAC_E_CEL_COMPILE: 'CEL expression does not compile',
  KDAC_E_CEL_EVAL: 'CEL expression failed',
  KDAC_E_CEL_LIMIT: 'CEL evaluation exceeded its limit',
  KDAC_E_CONFIG: 'invalid configuration',
  KDAC_E_FLEET: 'invalid fleet file',
  KDAC_E_COLLECTOR_THREW: 'collector failed',
  KDAC_E_COLLECTOR_INVALID: 'invalid collector',
  KDAC_E_USAGE: 'invalid usage',
  KDAC_E_TEST_CASE: 'invalid detector test',
  KDAC_E_KUBECONFIG: 'cannot use the kubeconfig',
  KDAC_E_CLUSTER_UNREACHABLE: 'cluster API is unreachable',
  KDAC_E_CLUSTER_TLS: 'TLS connection to the cluster API failed',
  KDAC_E_CLUSTER_AUTH: 'not authorised by the cluster API',
  KDAC_E_CLUSTER_DEADLINE: 'cluster scan ran out of time',
  KDAC_E_LIST_FAILED: 'listing a kind failed',
  KDAC_E_CAPI: 'cannot discover clusters from the Cluster API management cluster',
  KDAC_E_STORE_OPEN: 'cannot open the database',
  KDAC_E_STORE_INPUT: 'invalid input to the store',
  KDAC_E_NOT_FOUND: 'not found',
  KDAC_E_SILENCES: 'invalid silences file',
  KDAC_E_WRITE: 'cannot write the report',
} as const

/** A code from the error catalogue. */
export type ErrorCode = keyof typeof ERRORS

/** An error kubedac raises on purpose: it carries a catalogue code and, where known, where it happened. */
export class KubedacError extends Error {
  readonly code: ErrorCode
  readonly source: string | undefined
  readonly line: number | undefined
  readonly column: number | undefined

  constructor(
    code: ErrorCode,
    detail: string,
    where: { source?: string; line?: number; column?: number; cause?: unknown } = {},
  ) {
    super(`${ERRORS[code]}: ${detail}`, where.cause === undefined ? undefined : { cause: where.cause })
    this.name = 'KubedacError'
    this.code = code
    this.source = where.source
    this.line = where.line
    this.column = where.column
  }
}

/** The message of any thrown value, for reports. */
export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message
  return String(e)
}
