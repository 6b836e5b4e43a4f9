import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { KubedacError } from '../core/errors.js'
import type { KubeObject } from '../core/types.js'
import { SnapshotBuilder } from '../snapshot/snapshot.js'
import type { InvalidCase } from './cases.js'
import { defaultParams, type Detector, type ReportInput } from './define.js'
import { runSuite } from './tester.js'
import {
  CelDetectorError,
  isYamlDetectorFile,
  loadYamlDetector,
  loadYamlSuite,
  parseObjects,
  parseYamlDetector,
  suiteFolderOf,
} from './yaml-detector.js'

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/yaml-detectors')
const SAMPLE = join(FIXTURES, 'container-create-config-error.yaml')

function pod(
  name: string,
  namespace: string,
  status: Record<string, unknown>,
  extra: Partial<KubeObject> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { containers: [{ name: 'app', image: 'web:1' }] },
    status,
    ...extra,
  }
}

const configError = (container: string, message?: string) => ({
  name: container,
  ready: false,
  state: { waiting: { reason: 'CreateContainerConfigError', ...(message ? { message } : {}) } },
})

function run(detector: Detector, objects: KubeObject[], now = '2026-01-01T00:30:00Z', params = {}) {
  const b = new SnapshotBuilder('prod-eu')
  for (const o of objects) b.add(structuredClone(o))
  const snapshot = b.build({ now: new Date(now) })
  const reports: ReportInput[] = []
  let error: unknown
  try {
    detector.detect({
      snapshot,
      report: (r) => reports.push(r),
      params: { ...defaultParams(detector.meta), ...params },
      now: snapshot.now,
    })
  } catch (e) {
    error = e
  }
  return { reports, error: error as CelDetectorError | undefined }
}

async function rejection(p: Promise<unknown>): Promise<KubedacError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  )
  expect(e).toBeInstanceOf(KubedacError)
  return e as KubedacError
}

function loadError(text: string, file = 'detectors/x.yaml'): KubedacError {
  try {
    parseYamlDetector(text, file)
  } catch (e) {
    expect(e).toBeInstanceOf(KubedacError)
    return e as KubedacError
  }
  throw new Error('expected a load error')
}

/** A minimal valid detector, with `spec` lines replaced or added by the test. */
function detectorYaml(spec: string, metadata = ''): string {
  return `apiVersion: kubedac.io/v1alpha1
kind: Detector
metadata:
  id: sample-detector
  title: A sample detector
  severity: warning
  category: pod
  remediation: Fix {{name}}.
${metadata}spec:
${spec}`
}

const PODS_WITH_RESTARTS = `  match: [v1/Pod]
  variables:
    - name: restarts
      expression: object.status.?containerStatuses.orValue([]).map(c, c.restartCount)
  fires: variables.restarts.exists(r, r > params.maxRestarts)
  message: '{{kind}} {{name}} restarted {{count}} times'
  data:
    count: variables.restarts.filter(r, r > params.maxRestarts)[0]
`
const RESTART_PARAMS = `  params:
    maxRestarts: { default: 5, description: Restarts tolerated }
`

describe('loading the sample YAML detector', () => {
  it('builds the metadata from metadata and spec', async () => {
    const d = await loadYamlDetector(SAMPLE)
    expect(d.origin).toBe(SAMPLE)
    expect(d.meta).toMatchObject({
      id: 'container-create-config-error',
      severity: 'warning',
      category: 'pod',
      requires: ['v1/Pod'],
      optional: ['v1/Event'],
      messages: {
        configError: 'Container {{container}} of {{kind}} {{namespace}}/{{name}} cannot start: {{reason}}',
      },
      params: { minWaiting: { default: '0m' } },
    })
    expect(d.meta.description).toMatch(/^The kubelet cannot build/)
  })

  it('reports the pods that wait on missing configuration, with data, evidence and key', async () => {
    const d = await loadYamlDetector(SAMPLE)
    const bad = pod('web', 'shop', {
      phase: 'Pending',
      containerStatuses: [
        { name: 'init-ok', state: { running: {} } },
        configError('app', 'configmap "web-config" not found'),
      ],
    })
    const running = pod('api', 'shop', {
      phase: 'Running',
      containerStatuses: [{ name: 'app', state: { running: {} } }],
    })
    const noStatus = pod('new', 'shop', {})
    const event: KubeObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'web.1', namespace: 'shop' },
      involvedObject: { kind: 'Pod', namespace: 'shop', name: 'web' },
      reason: 'Failed',
      message: 'Error: configmap "web-config" not found',
      lastTimestamp: '2026-01-01T00:00:30Z',
    }
    const { reports, error } = run(d, [bad, running, noStatus, event])
    expect(error).toBeUndefined()
    expect(reports).toHaveLength(1)
    const r = reports[0] as ReportInput
    expect((r.object as KubeObject).metadata.name).toBe('web')
    expect(r.messageId).toBe('configError')
    expect(r.data).toEqual({ container: 'app', reason: 'configmap "web-config" not found' })
    expect(r.key).toBe('app')
    expect(r.evidence).toEqual({
      waiting: [{ container: 'app', message: 'configmap "web-config" not found' }],
      events: ['Error: configmap "web-config" not found'],
    })
  })

  it('applies parameters and the snapshot instant', async () => {
    const d = await loadYamlDetector(SAMPLE)
    const bad = pod('web', 'shop', { containerStatuses: [configError('app')] })
    expect(run(d, [bad], '2026-01-01T00:03:00Z', { minWaiting: '5m' }).reports).toHaveLength(0)
    expect(run(d, [bad], '2026-01-01T00:06:00Z', { minWaiting: '5m' }).reports).toHaveLength(1)
  })

  it('passes its own fixture folder through the test runner', async () => {
    const result = runSuite(await loadYamlSuite(SAMPLE))
    expect(result.problems).toEqual([])
    expect(result.cases.filter((c) => !c.ok)).toEqual([])
    expect(result.cases.map((c) => c.type).sort()).toEqual(['invalid', 'invalid', 'skip', 'valid', 'valid'])
  })
})

describe('evaluating YAML detectors', () => {
  const restarts = parseYamlDetector(detectorYaml(PODS_WITH_RESTARTS, RESTART_PARAMS), 'restarts.yaml')

  it('compares JSON numbers with params and returns numbers as message data', () => {
    const crashing = pod('a', 'ns', { containerStatuses: [{ name: 'app', restartCount: 9 }] })
    const calm = pod('b', 'ns', { containerStatuses: [{ name: 'app', restartCount: 1 }] })
    const { reports } = run(restarts, [crashing, calm])
    expect(reports.map((r) => [(r.object as KubeObject).metadata.name, r.messageId, r.data])).toEqual([
      ['a', 'fires', { count: 9 }],
    ])
    expect(run(restarts, [crashing], undefined, { maxRestarts: 10 }).reports).toHaveLength(0)
  })

  it('keeps going after an object fails, then throws one error naming each failure', () => {
    const d = parseYamlDetector(
      detectorYaml(`  match: [v1/Pod]
  fires: object.status.phase == 'Failed'
  message: '{{kind}} {{name}} failed'
`),
      'phase.yaml',
    )
    const objects = [
      pod('broken-1', 'ns', {}),
      pod('failed', 'ns', { phase: 'Failed' }),
      pod('broken-2', 'ns', undefined as never, { status: undefined }),
      pod('fine', 'ns', { phase: 'Running' }),
    ]
    const { reports, error } = run(d, objects)
    expect(reports.map((r) => (r.object as KubeObject).metadata.name)).toEqual(['failed'])
    expect(error).toBeInstanceOf(CelDetectorError)
    expect(error?.code).toBe('KDAC_E_CEL_EVAL')
    expect(error?.failures.map((f) => [f.object, f.field])).toEqual([
      ['Pod ns/broken-1', 'spec.fires'],
      ['Pod ns/broken-2', 'spec.fires'],
    ])
    expect(error?.message).toContain('phase.yaml: spec.fires on Pod ns/broken-1: No such key: phase')
  })

  it('names the variable whose evaluation failed', () => {
    const d = parseYamlDetector(
      detectorYaml(`  match: [v1/Pod]
  variables:
    - name: first
      expression: object.spec.containers[0].image
  fires: variables.first.endsWith(':latest')
  message: '{{kind}} {{name}}'
`),
      'v.yaml',
    )
    const { error } = run(d, [pod('empty', 'ns', {}, { spec: { containers: [] } })])
    expect(error?.failures[0]).toMatchObject({
      field: 'spec.variables[0].expression',
      object: 'Pod ns/empty',
    })
    expect(error?.failures[0]?.detail).toContain('index out of bounds')
  })

  it('stops a runaway detector after a few objects and keeps what it reported before', () => {
    const d = parseYamlDetector(
      detectorYaml(`  match: [v1/Pod]
  fires: >-
    object.metadata.name == 'first' ||
    object.spec.containers.map(a, object.spec.containers.map(b, object.spec.containers.map(c, a.name + b.name + c.name))).size() < 0
  message: '{{kind}} {{name}}'
`),
      'runaway.yaml',
      { limits: { maxIterations: 50_000, maxMillis: 1_000 } },
    )
    const containers = Array.from({ length: 200 }, (_, i) => ({ name: `c${i}`, image: 'x' }))
    const objects = ['first', 'p1', 'p2', 'p3', 'p4', 'p5'].map((n) =>
      pod(n, 'ns', {}, { spec: { containers } }),
    )
    const t = performance.now()
    const { reports, error } = run(d, objects)
    expect(performance.now() - t).toBeLessThan(5_000)
    expect(reports.map((r) => (r.object as KubeObject).metadata.name)).toEqual(['first'])
    expect(error?.code).toBe('KDAC_E_CEL_LIMIT')
    expect(error?.failures).toHaveLength(3)
    expect(error?.message).toContain('took more than 50000 iteration steps')
    expect(error?.message).toContain('stopped after 3 objects exceeded the CEL limit')
  })

  it('chooses among several messages with messageIdExpression', () => {
    const d = parseYamlDetector(
      detectorYaml(`  match: [apps/v1/Deployment]
  fires: object.status.?readyReplicas.orValue(0) < object.spec.replicas
  messages:
    none: '{{kind}} {{name}} has no ready replica'
    some: '{{kind}} {{name}} has {{ready}} of {{wanted}} replicas ready'
  messageIdExpression: "object.status.?readyReplicas.orValue(0) == 0 ? 'none' : 'some'"
  data:
    ready: object.status.?readyReplicas.orValue(0)
    wanted: object.spec.replicas
`),
      'replicas.yaml',
    )
    const dep = (name: string, replicas: number, ready?: number): KubeObject => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'shop' },
      spec: { replicas },
      status: ready === undefined ? {} : { readyReplicas: ready },
    })
    const { reports } = run(d, [dep('down', 3), dep('degraded', 3, 1), dep('fine', 2, 2)])
    expect(reports.map((r) => [(r.object as KubeObject).metadata.name, r.messageId, r.data])).toEqual([
      ['down', 'none', { ready: 0, wanted: 3 }],
      ['degraded', 'some', { ready: 1, wanted: 3 }],
    ])
  })

  it('treats a messageIdExpression outside the messages as an evaluation error', () => {
    const d = parseYamlDetector(
      detectorYaml(`  match: [v1/Pod]
  fires: "true"
  messages: { a: '{{name}}', b: '{{name}}' }
  messageIdExpression: "'c'"
`),
      'ids.yaml',
    )
    const { error } = run(d, [pod('x', 'ns', {})])
    expect(error?.failures[0]?.detail).toBe('gave "c", not one of a, b')
  })

  it('iterates every matched kind', () => {
    const d = parseYamlDetector(
      detectorYaml(`  match: [v1/Pod, v1/Node]
  fires: has(object.metadata.labels) && 'broken' in object.metadata.labels
  message: '{{kind}} {{name}} is labelled broken'
`),
      'kinds.yaml',
    )
    const node: KubeObject = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n1', labels: { broken: 'yes' } },
    }
    const p = pod('p', 'ns', {}, { metadata: { name: 'p', namespace: 'ns', labels: { broken: '' } } })
    expect(run(d, [node, p]).reports.map((r) => (r.object as KubeObject).kind)).toEqual(['Pod', 'Node'])
  })
})

describe('load errors', () => {
  it('points at the line and column of a CEL syntax error inside a block scalar', async () => {
    const file = join(FIXTURES, 'broken/cel-syntax-error.yaml')
    const e = await rejection(loadYamlDetector(file))
    expect(e).toBeInstanceOf(KubedacError)
    expect(e.code).toBe('KDAC_E_CEL_COMPILE')
    expect([e.source, e.line, e.column]).toEqual([file, 17, 41])
    expect(e.message).toContain(`${file}:17:41: spec.variables[1].expression: Unexpected token: RPAREN`)
  })

  it('refuses a variable that uses a later one', async () => {
    const e = await rejection(loadYamlDetector(join(FIXTURES, 'broken/forward-variable.yaml')))
    expect(e.message).toContain(
      'forward-variable.yaml:13:24: spec.variables[0].expression uses variables.second, which is defined later',
    )
  })

  it('refuses a placeholder that no data fills', async () => {
    const e = await rejection(loadYamlDetector(join(FIXTURES, 'broken/unknown-placeholder.yaml')))
    expect(e.code).toBe('KDAC_E_DETECTOR_INVALID')
    expect(e.message).toContain('metadata.remediation uses {{container}}, which spec.data does not define')
  })

  it('explains YAML that swallowed a CEL expression', async () => {
    const e = await rejection(loadYamlDetector(join(FIXTURES, 'broken/not-yaml.yaml')))
    expect(e.code).toBe('KDAC_E_PARSE_YAML')
    expect([e.line, e.column]).toEqual([11, 10])
    expect(e.message).toContain('must be quoted or written as a block scalar')
  })

  it('names a missing file', async () => {
    const e = await rejection(loadYamlDetector(join(FIXTURES, 'nope.yaml')))
    expect(e.code).toBe('KDAC_E_DETECTOR_LOAD')
    expect(e.message).toContain('nope.yaml: no such file')
  })

  it('points at the column of an error in a one-line expression', () => {
    const e = loadError(
      detectorYaml(`  match: [v1/Pod]\n  fires: "object.spec.nodeName = ''"\n  message: x\n`),
    )
    expect(e.message).toContain('detectors/x.yaml:11:32: spec.fires: Unexpected character: =')
  })

  it.each([
    [
      'an unknown field',
      `  match: [v1/Pod]\n  fire: "true"\n  message: x\n`,
      '11:3: spec.fire is not a known field',
    ],
    ['no fires', `  match: [v1/Pod]\n  message: x\n`, 'spec.fires is required'],
    [
      'an empty match',
      `  match: []\n  fires: "true"\n  message: x\n`,
      'spec.match must list at least one kind key',
    ],
    ['a bare kind', `  match: [Pod]\n  fires: "true"\n  message: x\n`, '"Pod" is not a kind key like v1/Pod'],
    ['no message', `  match: [v1/Pod]\n  fires: "true"\n`, 'spec.message is required'],
    [
      'a condition that is not a bool',
      `  match: [v1/Pod]\n  fires: size(object.spec.containers)\n  message: x\n`,
      'spec.fires: must give bool, but gives int',
    ],
    [
      'an undeclared param',
      `  match: [v1/Pod]\n  fires: object.status.restarts > params.limit\n  message: x\n`,
      '11:35: spec.fires uses params.limit, which metadata.params does not declare',
    ],
    [
      'an unknown variable',
      `  match: [v1/Pod]\n  fires: variables.missing\n  message: x\n`,
      'spec.fires uses variables.missing, which is not defined',
    ],
    [
      'events without an Event kind',
      `  match: [v1/Pod]\n  fires: size(events) > 0\n  message: x\n`,
      'uses events, which needs v1/Event',
    ],
    [
      'a built-in data name',
      `  match: [v1/Pod]\n  fires: "true"\n  message: x\n  data:\n    name: object.metadata.name\n`,
      "spec.data.name is built in (the object's name)",
    ],
    [
      'several messages without a chooser',
      `  match: [v1/Pod]\n  fires: "true"\n  messages: {a: x, b: y}\n`,
      'spec.messageIdExpression is required to choose among the messages (a, b)',
    ],
    [
      'a message starting with a placeholder, unquoted',
      `  match: [v1/Pod]\n  fires: "true"\n  message: {{name}} is bad\n`,
      'must be quoted or written as a block scalar',
    ],
    [
      'a CEL map literal left as YAML',
      `  match: [v1/Pod]\n  fires: "true"\n  message: x\n  evidence:\n    labels: {'app': object.metadata.labels.app}\n`,
      "spec.evidence.labels must be text; quote it, since a value starting with '{' is read as a YAML mapping",
    ],
    [
      'a catastrophic regular expression',
      `  match: [v1/Pod]\n  fires: "object.metadata.name.matches('^(a|aa)+$') || object.metadata.name.matches('(x+x+)+y')"\n  message: x\n`,
      'nests quantifiers',
    ],
    [
      'a duplicate variable',
      `  match: [v1/Pod]\n  variables:\n    - {name: a, expression: "1"}\n    - {name: a, expression: "2"}\n  fires: "true"\n  message: x\n`,
      'a is defined twice',
    ],
  ])('refuses %s', (_what, spec, expected) => {
    expect(loadError(detectorYaml(spec)).message).toContain(expected)
  })

  it('refuses metadata that does not match DetectorMeta', () => {
    expect(
      loadError(detectorYaml(`  match: [v1/Pod]\n  fires: "true"\n  message: x\n`, '  requires: [v1/Pod]\n'))
        .message,
    ).toContain('metadata.requires is derived from spec.match')
    expect(
      loadError(
        detectorYaml(`  match: [v1/Pod]\n  fires: "true"\n  message: x\n`).replace(
          'severity: warning',
          'severity: high',
        ),
      ).message,
    ).toContain('metadata.severity must be critical, warning or info')
    expect(
      loadError(
        detectorYaml(`  match: [v1/Pod]\n  fires: "true"\n  message: x\n`).replace(
          'id: sample-detector',
          'id: Sample',
        ),
      ).message,
    ).toContain('metadata.id "Sample" must be kebab-case')
    expect(loadError('apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n').message).toContain(
      'detectors/x.yaml:1:13: apiVersion must be kubedac.io/v1alpha1',
    )
  })
})

describe('fixture folders', () => {
  const dirs: string[] = []
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true })
  })

  const MULTI = `  match: [v1/Pod]
  fires: object.status.phase != 'Running'
  messages:
    pending: '{{kind}} {{name}} is pending'
    other: '{{kind}} {{name}} is {{phase}}'
  messageIdExpression: "object.status.phase == 'Pending' ? 'pending' : 'other'"
  data:
    phase: object.status.phase
`
  const PODS = `apiVersion: v1
kind: Pod
metadata: {name: waiting, namespace: ns}
status: {phase: Pending}
---
apiVersion: v1
kind: Pod
metadata: {name: running, namespace: ns}
status: {phase: Running}
`

  async function suiteDir(tests: string | undefined, files: Record<string, string> = { 'pods.yaml': PODS }) {
    const dir = await mkdtemp(join(tmpdir(), 'kubedac-yaml-'))
    dirs.push(dir)
    const file = join(dir, 'phase.yaml')
    await writeFile(file, detectorYaml(MULTI))
    if (tests !== undefined) {
      await mkdir(join(dir, 'phase.tests'))
      await writeFile(join(dir, 'phase.tests', 'tests.yaml'), tests)
      for (const [name, text] of Object.entries(files)) {
        await mkdir(dirname(join(dir, 'phase.tests', name)), { recursive: true })
        await writeFile(join(dir, 'phase.tests', name), text)
      }
    }
    return file
  }

  async function suiteError(tests: string, files?: Record<string, string>): Promise<KubedacError> {
    return rejection(loadYamlSuite(await suiteDir(tests, files)))
  }

  it('converts cases into valid, invalid and skip cases', async () => {
    const suite = await loadYamlSuite(SAMPLE)
    expect(suite.origin).toBe(join(suiteFolderOf(SAMPLE), 'tests.yaml'))
    expect(suite.cases.valid.map((c) => c.name)).toEqual([
      'stays quiet for running pods and pods waiting for another reason',
      'does not fire before the pod has waited long enough',
    ])
    expect(suite.cases.skip?.map((c) => [c.name, c.objects.map((o) => o.kind)])).toEqual([
      ['is skipped when pods were not collected', ['Node']],
    ])
    const first = suite.cases.invalid[0] as InvalidCase
    expect(first.now).toBe('2026-01-01T00:10:00Z')
    expect(first.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Pod/web', 'Event/web.1'])
    expect(first.findings).toEqual([
      {
        object: { kind: 'Pod', namespace: 'shop', name: 'web' },
        messageId: 'configError',
        data: { container: 'app', reason: 'configmap "web-config" not found' },
        key: 'app',
      },
    ])
    expect(suite.cases.valid[1]?.params).toEqual({ minWaiting: '5m' })
    expect((suite.cases.invalid[1] as InvalidCase).findings[0]?.messageId).toBe('configError')
  })

  it('gives an empty suite when there is no folder, for the runner to flag', async () => {
    const suite = await loadYamlSuite(await suiteDir(undefined))
    expect(suite.cases).toEqual({ valid: [], invalid: [] })
  })

  it('runs a multi-message suite through the test runner', async () => {
    const file = await suiteDir(`cases:
  - name: fires on the pending pod only
    objects: [pods.yaml]
    expect:
      - {object: Pod/ns/waiting, result: fires, messageId: pending, data: {phase: Pending}}
      - {object: Pod/ns/running, result: quiet}
  - name: stays quiet when every pod runs
    resources:
      - {apiVersion: v1, kind: Pod, metadata: {name: a, namespace: ns}, status: {phase: Running}}
    expect:
      - {object: Pod/ns/a, result: quiet}
`)
    const result = runSuite(await loadYamlSuite(file))
    expect(result.ok).toBe(true)
  })

  it('refuses two cases with the same name', async () => {
    const e = await suiteError(`cases:
  - name: same
    objects: [pods.yaml]
    expect: [{object: Pod/ns/running, result: quiet}]
  - name: same
    objects: [pods.yaml]
    expect: [{object: Pod/ns/running, result: quiet}]
`)
    expect(e.code).toBe('KDAC_E_TEST_CASE')
    expect(e.message).toContain('tests.yaml:5:11: cases[1].name "same" is also the name of cases[0]')
  })

  it('refuses a file that is not in the folder, and lists the ones that are', async () => {
    const e = await suiteError(`cases:
  - name: uses a missing file
    objects: [pods.yaml, missing.yaml]
    expect: [{object: Pod/ns/running, result: quiet}]
`)
    expect(e.message).toContain('cases[0].objects[1] missing.yaml is not a YAML or JSON file in')
    expect(e.message).toContain('(files: pods.yaml)')
    expect([e.line, e.column]).toEqual([3, 26])
  })

  it('refuses paths that leave the folder', async () => {
    const e = await suiteError(`cases:
  - name: escapes
    objects: [../phase.yaml]
    expect: [{object: Pod/ns/running, result: quiet}]
`)
    expect(e.message).toContain('../phase.yaml is outside the fixture folder')
  })

  it('refuses fixture files that no case uses', async () => {
    const e = await suiteError(
      `cases:
  - name: uses one file
    objects: [pods.yaml]
    expect: [{object: Pod/ns/running, result: quiet}]
`,
      { 'pods.yaml': PODS, 'extra/forgotten.json': '{}' },
    )
    expect(e.message).toContain('fixture files not used by any case: extra/forgotten.json')
  })

  it('refuses an expectation on an object the case does not hold', async () => {
    const e = await suiteError(`cases:
  - name: wrong namespace
    objects: [pods.yaml]
    expect: [{object: Pod/default/running, result: quiet}]
`)
    expect(e.message).toContain(
      "cases[0].expect[0].object Pod/default/running is not among the case's objects; did you mean Pod/ns/running?",
    )
    const other = await suiteError(`cases:
  - name: wrong name
    objects: [pods.yaml]
    expect: [{object: Pod/ns/web, result: fires, messageId: pending}]
`)
    expect(other.message).toContain('(objects: Pod/ns/waiting, Pod/ns/running)')
  })

  it.each([
    [
      'a case without expectations',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n`,
      'cases[0].expect is required',
    ],
    [
      'a missing messageId when there are several messages',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    expect: [{object: Pod/ns/waiting, result: fires}]\n`,
      'messageId is required: sample-detector has several messages (pending, other)',
    ],
    [
      'an unknown messageId',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    expect: [{object: Pod/ns/waiting, result: fires, messageId: slow}]\n`,
      '"slow" is not a message of sample-detector',
    ],
    [
      'data the detector does not compute',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    expect: [{object: Pod/ns/waiting, result: fires, messageId: pending, data: {name: waiting}}]\n`,
      'cases[0].expect[0].data.name is not computed by spec.data (computed: phase)',
    ],
    [
      'an unknown result',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    expect: [{object: Pod/ns/waiting, result: pass}]\n`,
      'result must be fires or quiet',
    ],
    [
      'an object both firing and quiet',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    expect:\n      - {object: Pod/ns/waiting, result: fires, messageId: pending}\n      - {object: Pod/ns/waiting, result: quiet}\n`,
      'Pod/ns/waiting is expected both to fire and to stay quiet',
    ],
    [
      'a malformed object reference',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    expect: [{object: ns/waiting/Pod/x, result: quiet}]\n`,
      'must be Kind/namespace/name, or Kind/name for a cluster-scoped object',
    ],
    [
      'a skip case with expectations',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    result: skip\n    expect: [{object: Pod/ns/waiting, result: quiet}]\n`,
      'cases[0].expect cannot be used with result: skip',
    ],
    [
      'a per-case result other than skip',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    result: fires\n`,
      'can only be skip',
    ],
    [
      'an unknown parameter',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    params: {limit: 3}\n    expect: [{object: Pod/ns/waiting, result: quiet}]\n`,
      'cases[0].params.limit is not a parameter of sample-detector',
    ],
    [
      'a bad instant',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    now: yesterday\n    expect: [{object: Pod/ns/running, result: quiet}]\n`,
      'now must be an RFC 3339 instant',
    ],
    [
      'an unnamed case',
      `cases:\n  - objects: [pods.yaml]\n    expect: [{object: Pod/ns/running, result: quiet}]\n`,
      'cases[0].name is required',
    ],
    [
      'an inline resource that is not an object',
      `cases:\n  - name: x\n    objects: [pods.yaml]\n    resources: [{kind: Pod}]\n    expect: [{object: Pod/ns/running, result: quiet}]\n`,
      'cases[0].resources[0] is not a Kubernetes object',
    ],
    [
      'the same object twice',
      `cases:\n  - name: x\n    objects: [pods.yaml, pods.yaml]\n    expect: [{object: Pod/ns/running, result: quiet}]\n`,
      'holds Pod/ns/waiting twice',
    ],
  ])('refuses %s', async (_what, tests, expected) => {
    expect((await suiteError(tests)).message).toContain(expected)
  })

  it('refuses a fixture file that is not Kubernetes objects', async () => {
    const e = await suiteError(
      `cases:\n  - name: x\n    objects: [bad.yaml]\n    expect: [{object: Pod/ns/running, result: quiet}]\n`,
      { 'bad.yaml': 'apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\nfoo: bar\n' },
    )
    expect(e.code).toBe('KDAC_E_OBJECT_INVALID')
    expect(e.message).toMatch(/bad\.yaml: document 2 has no apiVersion \(line 5, column 1\)/)
    expect(e.line).toBe(5)
  })

  it('refuses a folder without tests.yaml', async () => {
    const file = await suiteDir(undefined)
    await mkdir(suiteFolderOf(file))
    const e = await rejection(loadYamlSuite(file))
    expect(e.message).toContain('phase.tests: has no tests.yaml')
  })
})

describe('the documented format', () => {
  it('loads the example in the header of yaml-detector.ts as written', async () => {
    const source = await readFile(join(dirname(fileURLToPath(import.meta.url)), 'yaml-detector.ts'), 'utf8')
    const example = (source.split('```yaml')[1] ?? '').split('```')[0] ?? ''
    const text = example
      .split('\n')
      .map((l) => l.replace(/^ \* ?/, ''))
      .join('\n')
    const d = parseYamlDetector(text, 'header-example.yaml')
    expect(d.meta.id).toBe('container-create-config-error')
    expect(Object.keys(d.meta.messages)).toEqual(['configError'])
  })
})

describe('helpers', () => {
  it('recognises YAML detector files, not their fixtures', () => {
    expect(isYamlDetectorFile('detectors/pod-pending.yaml')).toBe(true)
    expect(isYamlDetectorFile('detectors/pod-pending.yml')).toBe(true)
    expect(isYamlDetectorFile('detectors/pod-pending.tests/tests.yaml')).toBe(false)
    expect(isYamlDetectorFile('detectors/pod-pending.tests/nested/pod.yaml')).toBe(false)
    expect(isYamlDetectorFile('detectors/pod-pending.ts')).toBe(false)
    expect(suiteFolderOf('/x/detectors/pod-pending.yaml')).toBe('/x/detectors/pod-pending.tests')
  })

  it('reads objects from multi-document YAML, Lists and JSON', () => {
    const yaml = `apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n---\n---\napiVersion: v1\nkind: PodList\nitems:\n  - {apiVersion: v1, kind: Pod, metadata: {name: b}}\n  - {apiVersion: v1, kind: Pod, metadata: {name: c}}\n`
    expect(parseObjects(yaml, 'x.yaml').map((o) => o.metadata.name)).toEqual(['a', 'b', 'c'])
    const json = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } }],
    })
    expect(parseObjects(json, 'x.json').map((o) => o.kind)).toEqual(['Node'])
    expect(() => parseObjects('a: [1,\n', 'broken.yaml')).toThrow(
      /invalid YAML: broken\.yaml: .*\(line 2, column 1\)/,
    )
  })
})
