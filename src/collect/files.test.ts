import { chmod, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { ERRORS } from '../core/errors.js'
import type { KubeObject, ScanError } from '../core/types.js'
import { SnapshotBuilder } from '../snapshot/snapshot.js'
import type { CollectSink } from './define.js'
import {
  filesCollector,
  formatOf,
  isInputFile,
  jsonErrorOffset,
  loadBuffer,
  loadPaths,
  loadText,
} from './files.js'
import { memorySink, type MemorySink } from '../../test/support/memory-sink.js'

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/inputs')
const fixture = (rel: string) => path.join(FIXTURES, rel)
const readFixture = (rel: string) => readFile(fixture(rel), 'utf8')

function builderSink(b: SnapshotBuilder, errors: ScanError[] = []): CollectSink {
  return {
    object: (o) => b.add(o),
    collected: (k) => b.markCollected(k),
    data: (k, v) => b.setData(k, v),
    log: (l) => b.addLog(l),
    error: (e) => void errors.push(e),
  }
}

const names = (s: MemorySink) =>
  s.objects.map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`)

function pod(name: string, extra: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop' }, ...extra }
}

let tmp: string
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'kubedac-files-'))
})
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true })
})

async function write(rel: string, content: string | Buffer): Promise<string> {
  const p = path.join(tmp, rel)
  await mkdir(path.dirname(p), { recursive: true })
  await writeFile(p, content)
  return p
}

/** Line and column (1-based) of the first occurrence of `needle` in `text`. */
function posOf(text: string, needle: string, delta = 0): { line: number; column: number } {
  const at = text.indexOf(needle) + delta
  const before = text.slice(0, at)
  const line = before.split('\n').length
  return { line, column: at - before.lastIndexOf('\n') }
}

describe('loadText: input forms', () => {
  it('reads `kubectl get pods -A -o json` (an untyped List) and marks nothing as collected', async () => {
    const s = memorySink()
    const stats = loadText(await readFixture('kubectl-get-pods-A.json'), 'pods.json', s)
    expect(names(s)).toEqual([
      'Pod/kube-system/coredns-5c8d7b9f6-q4m7t',
      'Pod/shop/web-7d9c6b8f5d-2x8kq',
      'Pod/shop/web-7d9c6b8f5d-9vfzl',
    ])
    expect(s.kinds).toEqual([])
    expect(s.errors).toEqual([])
    expect(stats).toEqual({ objects: 3, duplicates: 0, logs: 0, errors: 0 })
  })

  it('drops metadata.managedFields unless asked to keep them', async () => {
    const text = await readFixture('kubectl-get-pods-A.json')
    expect(text).toContain('"managedFields"')
    const dropped = memorySink()
    loadText(text, 'pods.json', dropped)
    expect(dropped.objects.some((o) => 'managedFields' in o.metadata)).toBe(false)
    const kept = memorySink()
    loadText(text, 'pods.json', kept, { keepManagedFields: true })
    expect(kept.objects[1]?.metadata.managedFields).toHaveLength(1)
  })

  it('reads a single object (`kubectl get pod NAME -o json`)', async () => {
    const s = memorySink()
    loadText(await readFixture('pod.json'), 'pod.json', s)
    expect(names(s)).toEqual(['Pod/shop/web-7d9c6b8f5d-9vfzl'])
    expect(s.objects[0]?.status.containerStatuses[0].state.waiting.reason).toBe('CrashLoopBackOff')
  })

  it('reads `kubectl get -A -o yaml` output (a List in YAML)', async () => {
    const s = memorySink()
    loadText(await readFixture('kubectl-get-workloads-A.yaml'), 'workloads.yaml', s)
    expect(names(s)).toEqual([
      'Deployment/kube-system/coredns',
      'Deployment/shop/web',
      'ReplicaSet/kube-system/coredns-5c8d7b9f6',
      'ReplicaSet/shop/web-7d9c6b8f5d',
      'Service/shop/web',
    ])
    expect(s.objects[0]?.metadata.creationTimestamp).toBe('2025-03-02T10:00:00Z')
    expect(s.kinds).toEqual([])
    expect(s.errors).toEqual([])
  })

  it('reads a typed list from the API: items take the kind, and the kind counts as collected', async () => {
    const s = memorySink()
    loadText(await readFixture('raw-deployments.json'), 'deployments.json', s)
    expect(names(s)).toEqual(['Deployment/kube-system/coredns', 'Deployment/shop/web'])
    expect(s.objects.every((o) => o.apiVersion === 'apps/v1')).toBe(true)
    expect(s.kinds).toEqual(['apps/v1/Deployment'])
  })

  it('marks an empty typed list as collected: that kind has no objects', () => {
    const s = memorySink()
    loadText(
      '{"kind":"DaemonSetList","apiVersion":"apps/v1","metadata":{"resourceVersion":"1"},"items":[]}',
      'ds.json',
      s,
    )
    expect(s.objects).toEqual([])
    expect(s.kinds).toEqual(['apps/v1/DaemonSet'])
  })

  it('keeps an item kind that differs from its typed list', () => {
    const s = memorySink()
    const list = {
      kind: 'PodList',
      apiVersion: 'v1',
      items: [{ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e' } }],
    }
    loadText(JSON.stringify(list), 'odd.json', s)
    expect(names(s)).toEqual(['Event//e'])
  })

  it('reads rendered manifests: multi-document YAML with comment-only and empty documents', async () => {
    const s = memorySink()
    loadText(await readFixture('rendered/shop.yaml'), 'shop.yaml', s)
    expect(names(s)).toEqual([
      'Namespace//shop',
      'Deployment/shop/web',
      'Service/shop/web',
      'PodDisruptionBudget/shop/web',
    ])
    expect(s.errors).toEqual([])
    expect(s.objects[1]?.status).toEqual({})
  })

  it('keeps objects of unknown kinds (custom resources)', async () => {
    const s = memorySink()
    loadText(await readFixture('certificates.yaml'), 'certs.yaml', s)
    expect(s.objects.map((o) => `${o.apiVersion}/${o.kind}`)).toEqual(['cert-manager.io/v1/Certificate'])
  })

  it('marks a typed list of a custom kind as collected', () => {
    const s = memorySink()
    const list = {
      apiVersion: 'example.com/v1',
      kind: 'WidgetList',
      items: [{ metadata: { name: 'w', namespace: 'a' } }],
    }
    loadText(JSON.stringify(list), 'widgets.json', s)
    expect(s.objects[0]).toMatchObject({ apiVersion: 'example.com/v1', kind: 'Widget' })
    expect(s.kinds).toEqual(['example.com/v1/Widget'])
  })

  it('reads a List nested in a List', () => {
    const s = memorySink()
    const inner = { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'a' } }] }
    loadText(JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [inner, pod('b')] }), 'nested.json', s)
    expect(names(s)).toEqual(['Pod//a', 'Pod/shop/b'])
    expect(s.kinds).toEqual(['v1/Pod'])
  })

  it('reads JSON in a .yaml file, as YAML when it is not strict JSON', () => {
    const s = memorySink()
    loadText(JSON.stringify(pod('a')), 'a.yaml', s)
    loadText("{apiVersion: v1, kind: Pod, metadata: {name: b, namespace: 'shop'}}", 'b.yaml', s)
    expect(names(s)).toEqual(['Pod/shop/a', 'Pod/shop/b'])
    expect(s.errors).toEqual([])
  })

  it('reads YAML from stdin, sniffing the form from the content', () => {
    const s = memorySink()
    loadText(stringify(pod('a')), 'stdin', s, { format: 'auto' })
    loadText(JSON.stringify(pod('b')), 'stdin', s, { format: 'auto' })
    expect(names(s)).toEqual(['Pod/shop/a', 'Pod/shop/b'])
  })

  it('reads YAML merge keys and treats `namespace: ~` as no namespace', () => {
    const s = memorySink()
    const text = [
      'base: &base',
      '  app: web',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: c',
      '  namespace: ~',
      '  labels:',
      '    <<: *base',
      '    tier: front',
    ].join('\n')
    loadText(text, 'merge.yaml', s)
    expect(s.objects[0]?.metadata).toEqual({ name: 'c', labels: { app: 'web', tier: 'front' } })
  })

  it('keeps the same object once, without an error', async () => {
    const s = memorySink()
    const text = await readFixture('pod.json')
    loadText(text, 'a.json', s)
    const stats = loadText(text, 'b.json', s)
    expect(s.objects).toHaveLength(1)
    expect(stats).toMatchObject({ objects: 0, duplicates: 1, errors: 0 })
    expect(s.errors).toEqual([])
  })

  it('gives duplicates to a SnapshotBuilder sink, which keeps the first', async () => {
    const b = new SnapshotBuilder('shop-prod')
    const errors: ScanError[] = []
    const stats = await loadPaths(
      [fixture('kubectl-get-pods-A.json'), fixture('pod.json'), fixture('cluster-info-dump')],
      builderSink(b, errors),
    )
    expect(errors).toEqual([])
    expect(b.duplicateCount).toBe(stats.duplicates)
    expect(stats.duplicates).toBe(4)
    const snap = b.build()
    expect(snap.list('v1/Pod')).toHaveLength(3)
    expect(snap.has('apps/v1/Deployment')).toBe(true)
    expect(snap.has('batch/v1/Job')).toBe(false)
  })

  it('reads UTF-8 with a BOM, and UTF-16 as Windows PowerShell writes it', async () => {
    const json = JSON.stringify(pod('a'))
    const utf8 = await write(
      'bom/utf8.json',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(json)]),
    )
    const utf16 = await write(
      'bom/utf16.json',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(json, 'utf16le')]),
    )
    const yaml = await write(
      'bom/utf8.yaml',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(stringify(pod('b')))]),
    )
    const s = memorySink()
    await loadPaths([utf8, utf16, yaml], s)
    expect(s.errors).toEqual([])
    expect(names(s)).toEqual(['Pod/shop/a', 'Pod/shop/b'])
    expect(s.duplicates).toBe(1)
  })
})

describe('kubectl cluster-info dump', () => {
  const expectedObjects = [
    'Node//ip-10-0-1-12.eu-west-1.compute.internal',
    'Service/default/kubernetes',
    'Service/kube-system/kube-dns',
    'Deployment/kube-system/coredns',
    'ReplicaSet/kube-system/coredns-5c8d7b9f6',
    'Pod/kube-system/coredns-5c8d7b9f6-q4m7t',
    'Event/shop/web-7d9c6b8f5d-9vfzl.182c6d1e9a3b4c5d',
    'Service/shop/web',
    'Deployment/shop/web',
    'ReplicaSet/shop/web-7d9c6b8f5d',
    'Pod/shop/web-7d9c6b8f5d-2x8kq',
    'Pod/shop/web-7d9c6b8f5d-9vfzl',
  ]
  const sortedKinds = [
    'apps/v1/DaemonSet',
    'apps/v1/Deployment',
    'apps/v1/ReplicaSet',
    'v1/Event',
    'v1/Node',
    'v1/Pod',
    'v1/ReplicationController',
    'v1/Service',
  ]

  it('reads the --output-directory layout: typed lists, and logs.txt kept as logs', async () => {
    const s = memorySink()
    const stats = await loadPaths([fixture('cluster-info-dump')], s)
    expect(s.errors).toEqual([])
    expect([...names(s)].sort()).toEqual([...expectedObjects].sort())
    expect([...new Set(s.kinds)].sort()).toEqual(sortedKinds)
    expect(stats.logs).toBe(3)
    const crash = s.logs.find((l) => l.pod === 'web-7d9c6b8f5d-9vfzl')
    expect(crash).toMatchObject({
      namespace: 'shop',
      container: 'web',
      source: fixture('cluster-info-dump/shop/web-7d9c6b8f5d-9vfzl/logs.txt'),
    })
    expect(crash?.text).toContain('panic: dial tcp 10.0.3.4:5432')
    expect(crash?.text.startsWith('starting web')).toBe(true)
  })

  it('reads the files of a folder in sorted order', async () => {
    const s = memorySink()
    await loadPaths([fixture('cluster-info-dump')], s)
    const order = [...new Set(s.sources)].map((p) => path.relative(fixture('cluster-info-dump'), p))
    expect(order).toEqual([...order].sort())
    expect(order[0]).toBe(path.join('default', 'services.json'))
  })

  it('reads the stream printed to stdout, logs included, whatever the file is called', async () => {
    const text = await readFixture('cluster-info.dump')
    for (const source of ['cluster-info.dump', 'stdin', 'dump.txt', 'dump.json']) {
      const s = memorySink()
      const stats = loadText(text, source, s)
      expect(s.errors, source).toEqual([])
      expect(names(s), source).toEqual(expectedObjects)
      expect([...new Set(s.kinds)].sort()).toEqual(sortedKinds)
      expect(stats.logs).toBe(3)
      expect(s.logs.map((l) => `${l.namespace}/${l.pod}/${l.container}`)).toEqual([
        'kube-system/coredns-5c8d7b9f6-q4m7t/coredns',
        'shop/web-7d9c6b8f5d-2x8kq/web',
        'shop/web-7d9c6b8f5d-9vfzl/web',
      ])
    }
  })

  it('keeps log lines that look like JSON, or like a dump, inside the log', async () => {
    const s = memorySink()
    loadText(await readFixture('cluster-info.dump'), 'cluster-info.dump', s)
    const crash = s.logs.find((l) => l.pod === 'web-7d9c6b8f5d-9vfzl')
    expect(crash?.text).toBe(
      'starting web 1.8.2 with config:\n{\n    "kind": "Config",\n    "db": "postgres://db.shop:5432/shop"\n}\n}\n{\npanic: dial tcp 10.0.3.4:5432: connect: connection refused\n\ngoroutine 1 [running]:\nmain.main()\n\t/src/main.go:42 +0x1d4\n',
    )
    const json = s.logs.find((l) => l.pod === 'web-7d9c6b8f5d-2x8kq')
    expect(json?.text.split('\n')[0]).toBe(
      '{"level":"info","ts":"2025-03-10T08:00:20Z","msg":"listening","addr":":8080"}',
    )
  })

  it('reads a log whose last line has no newline: the END marker follows on the same line', () => {
    const s = memorySink()
    const text = [
      JSON.stringify(
        { kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'a', namespace: 'x' } }] },
        null,
        4,
      ),
      '==== START logs for container c of pod x/a ====',
      'line one',
      'cut short==== END logs for container c of pod x/a ====',
      JSON.stringify(
        { kind: 'PodList', apiVersion: 'v1', items: [{ metadata: { name: 'b', namespace: 'y' } }] },
        null,
        4,
      ),
      '',
    ].join('\n')
    loadText(text, 'cluster-info.dump', s)
    expect(s.errors).toEqual([])
    expect(names(s)).toEqual(['Pod/x/a', 'Pod/y/b'])
    expect(s.logs[0]?.text).toBe('line one\ncut short')
  })

  it('reads a stream with Windows line ends', async () => {
    const s = memorySink()
    loadText((await readFixture('cluster-info.dump')).replace(/\n/g, '\r\n'), 'cluster-info.dump', s)
    expect(s.errors).toEqual([])
    expect(names(s)).toEqual(expectedObjects)
    expect(s.logs).toHaveLength(3)
  })

  it('reads the stream as `-o yaml` prints it: YAML documents between logs', async () => {
    const dump = memorySink()
    loadText(await readFixture('cluster-info.dump'), 'x.dump', dump)
    const yamlStream = [
      stringify({ kind: 'NodeList', apiVersion: 'v1', items: [dump.objects[0]] }),
      '---\n',
      stringify({ kind: 'PodList', apiVersion: 'v1', items: [dump.objects[5]] }),
      '==== START logs for container coredns of pod kube-system/coredns-5c8d7b9f6-q4m7t ====\n',
      'kind: not yaml at all: {\n',
      '==== END logs for container coredns of pod kube-system/coredns-5c8d7b9f6-q4m7t ====\n',
      '---\n',
      stringify({ kind: 'ServiceList', apiVersion: 'v1', items: [dump.objects[7]] }),
    ].join('')
    const s = memorySink()
    loadText(yamlStream, 'cluster-info.dump', s)
    expect(s.errors).toEqual([])
    expect(names(s)).toEqual([expectedObjects[0], expectedObjects[5], expectedObjects[7]])
    expect(s.logs[0]?.text).toBe('kind: not yaml at all: {\n')
  })

  it('reads concatenated `kubectl get -o json` outputs as a stream', async () => {
    const one = await readFixture('pod.json')
    const s = memorySink()
    loadText(one + (await readFixture('kubectl-get-pods-A.json')) + JSON.stringify(pod('z')), 'all.json', s)
    expect(s.errors).toEqual([])
    expect(s.objects).toHaveLength(4)
    expect(s.duplicates).toBe(1)
  })

  it('reports a broken document in the stream by line, and reads the documents around it', async () => {
    const text = await readFixture('cluster-info.dump')
    const needle =
      '"kind": "ServiceList",\n    "apiVersion": "v1",\n    "metadata": {\n        "resourceVersion": "918273"\n    },\n    "items": [\n        {\n            "metadata": {\n                "name": "web",'
    expect(text).toContain(needle)
    const broken = text.replace(needle, needle.replace('"name": "web",', '"name": "web" BROKEN,'))
    const s = memorySink()
    loadText(broken, 'cluster-info.dump', s)
    expect(s.errors).toHaveLength(1)
    const err = s.errors[0] as ScanError
    expect(err).toMatchObject({
      source: 'cluster-info.dump',
      code: 'KDAC_E_PARSE_JSON',
      ...posOf(broken, 'BROKEN'),
    })
    expect(err.message).toMatch(/^cluster-info\.dump: invalid JSON: .* \(line \d+, column \d+\)$/)
    expect(names(s)).toEqual(expectedObjects.filter((n) => n !== 'Service/shop/web'))
    expect(s.logs).toHaveLength(3)
  })

  it('reads on after a document cut short in the middle of the stream', async () => {
    const text = await readFixture('cluster-info.dump')
    const start = text.indexOf('{\n    "kind": "ServiceList"', text.indexOf('"namespace": "shop"'))
    const cut = text.slice(0, start + 200) + '\n' + text.slice(text.indexOf('\n}\n', start) + 3)
    const s = memorySink()
    loadText(cut, 'cluster-info.dump', s)
    expect(s.errors.map((e) => e.code)).toEqual(['KDAC_E_PARSE_JSON'])
    expect(s.errors[0]?.line).toBe(
      cut
        .slice(0, start + 200)
        .trimEnd()
        .split('\n').length,
    )
    expect(names(s)).toEqual(expectedObjects.filter((n) => n !== 'Service/shop/web'))
  })

  it('reports a stream cut short inside a log, keeping what came before', async () => {
    const text = await readFixture('cluster-info.dump')
    const cut = text.slice(0, text.indexOf('panic:'))
    const s = memorySink()
    loadText(cut, 'cluster-info.dump', s)
    expect(s.errors).toMatchObject([
      {
        code: 'KDAC_E_DUMP_TRUNCATED',
        source: 'cluster-info.dump',
        ...posOf(cut, '==== START logs for container web of pod shop/web-7d9c6b8f5d-9vfzl'),
      },
    ])
    expect(s.errors[0]?.message).toContain('container web of pod shop/web-7d9c6b8f5d-9vfzl')
    expect(names(s)).toEqual(expectedObjects)
    expect(s.logs[2]?.text).toBe(
      'starting web 1.8.2 with config:\n{\n    "kind": "Config",\n    "db": "postgres://db.shop:5432/shop"\n}\n}\n{\n',
    )
  })

  it('reads a logs.txt without markers as one log named by its folders', async () => {
    const p = await write('dump/shop/api-0/logs.txt', '{"not": "an object"}\n')
    const s = memorySink()
    await loadPaths([p], s)
    expect(s.objects).toEqual([])
    expect(s.errors).toEqual([])
    expect(s.logs).toEqual([
      { namespace: 'shop', pod: 'api-0', container: '', source: p, text: '{"not": "an object"}\n' },
    ])
  })

  it('ignores other text files that hold neither JSON nor pod logs', async () => {
    const p = await write('notes/notes.txt', 'gathered on Monday\nkind: maybe\n')
    const s = memorySink()
    await loadPaths([path.dirname(p)], s)
    expect(s.objects).toEqual([])
    expect(s.errors).toEqual([])
  })
})

describe('bad input becomes errors, never exceptions', () => {
  it('reports truncated JSON with the file name, line and column, and reads the other files', async () => {
    const full = await readFixture('pod.json')
    const truncated = full.slice(0, full.indexOf('"restartPolicy"') + 8)
    const dir = path.join(tmp, 'truncated')
    await write('truncated/broken.json', truncated)
    await write('truncated/good.json', JSON.stringify(pod('good')))
    const s = memorySink()
    await loadPaths([dir], s)
    expect(names(s)).toEqual(['Pod/shop/good'])
    const lines = truncated.split('\n')
    expect(s.errors).toEqual([
      {
        source: path.join(dir, 'broken.json'),
        code: 'KDAC_E_PARSE_JSON',
        message: `${path.join(dir, 'broken.json')}: invalid JSON: Unterminated string (line ${lines.length}, column ${(lines.at(-1) as string).length + 1})`,
        line: lines.length,
        column: (lines.at(-1) as string).length + 1,
      },
    ])
  })

  it('points a text cut short at where its content stops, not past its last newline', () => {
    const s = memorySink()
    loadText(
      '{\n    "apiVersion": "v1",\n    "kind": "Pod",\n    "metadata": {\n        "name": "a"\n    }\n',
      'a.json',
      s,
    )
    loadText(
      '{\n    "apiVersion": "v1",\n    "kind": "Pod",\n    "metadata": {\n        "name": "a"\n    }\n',
      'b.yaml',
      s,
    )
    loadText('{\n  "kind": "Pod",\n  ', 'c.json', s)
    expect(s.errors.map((e) => [e.message, e.line, e.column])).toEqual([
      ["a.json: invalid JSON: Expected ',' or '}' after property value (line 6, column 6)", 6, 6],
      [
        expect.stringMatching(/^b\.yaml: invalid YAML: document 1: .*\(line \d+, column \d+\)$/),
        expect.any(Number),
        expect.any(Number),
      ],
      ['c.json: invalid JSON: Expected double-quoted property name (line 2, column 17)', 2, 17],
    ])
  })

  it('locates JSON errors whose message gives a position', () => {
    const s = memorySink()
    const text = '{\n  "apiVersion": "v1"\n  "kind": "Pod"\n}\n'
    loadText(text, 'comma.json', s)
    expect(s.errors[0]).toMatchObject({ code: 'KDAC_E_PARSE_JSON', line: 3, column: 3 })
    expect(s.errors[0]?.message).toBe(
      "comma.json: invalid JSON: Expected ',' or '}' after property value (line 3, column 3)",
    )
  })

  it('locates JSON errors whose message gives no position (an unexpected token)', () => {
    const s = memorySink()
    loadText('{\n  "apiVersion": "v1",\n  "kind": [1, 2,]\n}', 'token.json', s)
    expect(s.errors[0]).toMatchObject({ code: 'KDAC_E_PARSE_JSON', line: 3, column: 17 })
    expect(s.errors[0]?.message).toBe("token.json: invalid JSON: Unexpected token ']' (line 3, column 17)")
  })

  it('does not read a broken .json file as YAML', () => {
    const s = memorySink()
    loadText('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n', 'pod.json', s)
    expect(s.objects).toEqual([])
    expect(s.errors[0]).toMatchObject({ code: 'KDAC_E_PARSE_JSON', line: 1, column: 1 })
  })

  it('reports YAML syntax errors with line and column, and keeps the other documents', async () => {
    const text = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: first',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: second',
      '  labels: [a, b',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: third',
      '',
    ].join('\n')
    const p = await write('yaml/bad.yaml', text)
    const s = memorySink()
    await loadPaths([p], s)
    expect(names(s)).toEqual(['ConfigMap//first', 'ConfigMap//third'])
    expect(s.errors).toHaveLength(1)
    expect(s.errors[0]).toMatchObject({ source: p, code: 'KDAC_E_PARSE_YAML', line: 11, column: 1 })
    expect(s.errors[0]?.message).toMatch(/^.*bad\.yaml: invalid YAML: document 2: .*\(line 11, column 1\)$/)
  })

  it('reports a file with NUL bytes as binary', async () => {
    const p = await write('bin/image.json', Buffer.from([0x7b, 0x0a, 0x00, 0x01, 0x02, 0x7d]))
    const s = memorySink()
    await loadPaths([p], s)
    expect(s.errors).toEqual([
      {
        source: p,
        code: 'KDAC_E_BINARY',
        message: `${p}: ${ERRORS.KDAC_E_BINARY}: NUL character at offset 2 (line 2, column 1)`,
        line: 2,
        column: 1,
      },
    ])
  })

  it('reports a gzip file as binary, not as bad UTF-8', async () => {
    const { gzipSync } = await import('node:zlib')
    const gz = gzipSync(Buffer.from(JSON.stringify(pod('a'))))
    const p = await write('bin/pods.json.gz', gz)
    const s = memorySink()
    await loadPaths([p], s)
    expect(s.errors).toHaveLength(1)
    expect(s.errors[0]).toMatchObject({ source: p, code: 'KDAC_E_BINARY' })
    expect(s.errors[0]?.message).toMatch(/: NUL byte at byte \d+ \(line \d+, column \d+\)$/)
  })

  it('keeps a real U+FFFD character in valid UTF-8', async () => {
    const p = await write('fffd/pod.json', JSON.stringify(pod('a', { note: 'bad byte was here: \uFFFD' })))
    const s = memorySink()
    await loadPaths([p], s)
    expect(s.errors).toEqual([])
    expect(s.objects[0]?.note).toBe('bad byte was here: \uFFFD')
  })

  it('reports text that is not UTF-8, with where', async () => {
    const bytes = Buffer.concat([
      Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\n'),
    ])
    const p = await write('latin1/pod.yaml', bytes)
    const s = memorySink()
    await loadPaths([p], s)
    expect(s.objects).toEqual([])
    expect(s.errors).toEqual([
      {
        source: p,
        code: 'KDAC_E_NOT_UTF8',
        message: `${p}: ${ERRORS.KDAC_E_NOT_UTF8}: invalid byte 0xe9 at byte 46 (line 4, column 12)`,
        line: 4,
        column: 12,
      },
    ])
  })

  it('reports a file over the size limit with its size and the limit, without reading it', async () => {
    const p = await write(
      'big/huge.json',
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: Array(200).fill(pod('a')) }),
    )
    const s = memorySink()
    await loadPaths([p], s, { maxBytes: 1024 })
    expect(s.objects).toEqual([])
    expect(s.errors).toHaveLength(1)
    expect(s.errors[0]).toMatchObject({ source: p, code: 'KDAC_E_OVERSIZE' })
    expect(s.errors[0]?.message).toMatch(
      /huge\.json: file is larger than the size limit: \d+\.\d KiB \(\d+ bytes\) exceeds the limit of 1\.0 KiB \(1024 bytes\)$/,
    )
    const b = memorySink()
    loadBuffer(Buffer.alloc(2048, 0x20), 'stdin', b, { maxBytes: 1024 })
    expect(b.errors[0]?.code).toBe('KDAC_E_OVERSIZE')
  })

  it('reports a file it cannot read, and reads on', async () => {
    const dir = path.join(tmp, 'unreadable')
    await mkdir(dir, { recursive: true })
    await symlink(path.join(dir, 'gone.json'), path.join(dir, 'a-dangling.json'))
    await write('unreadable/b.json', JSON.stringify(pod('b')))
    const s = memorySink()
    await loadPaths([dir], s)
    expect(names(s)).toEqual(['Pod/shop/b'])
    expect(s.errors).toHaveLength(1)
    expect(s.errors[0]).toMatchObject({ source: path.join(dir, 'a-dangling.json'), code: 'KDAC_E_READ' })
  })

  it.skipIf(process.getuid?.() === 0)('reports a file without read permission', async () => {
    const p = await write('noperm/secret.json', JSON.stringify(pod('a')))
    await chmod(p, 0o000)
    const s = memorySink()
    await loadPaths([p], s)
    expect(s.errors[0]).toMatchObject({ source: p, code: 'KDAC_E_READ' })
  })

  it('reports a named input that does not exist', async () => {
    const missing = path.join(tmp, 'nope.json')
    const s = memorySink()
    await loadPaths([missing], s)
    expect(s.errors[0]).toMatchObject({ source: missing, code: 'KDAC_E_INPUT_MISSING' })
  })

  it('reports list items without apiVersion, kind or metadata.name by index, and keeps the rest', async () => {
    const list = {
      apiVersion: 'v1',
      items: [
        pod('a'),
        { kind: 'Pod', metadata: { name: 'b' } },
        { apiVersion: 'v1', metadata: { name: 'c' } },
        { apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'd-' } },
        { apiVersion: 'v1', kind: 'Pod' },
        'e',
        pod('f'),
      ],
      kind: 'List',
      metadata: { resourceVersion: '' },
    }
    const text = JSON.stringify(list, null, 4)
    const s = memorySink()
    loadText(text, 'items.json', s)
    expect(names(s)).toEqual(['Pod/shop/a', 'Pod/shop/f'])
    expect(s.errors.map((e) => e.message)).toEqual([
      `items.json: not a Kubernetes object: items[1] (Pod "b") has no apiVersion (line ${posOf(text, '"kind": "Pod",\n            "metadata": {\n                "name": "b"', -14).line}, column 9)`,
      `items.json: not a Kubernetes object: items[2] ("c") has no kind (line ${posOf(text, '"name": "c"').line - 3}, column 9)`,
      `items.json: not a Kubernetes object: items[3] (Pod) has no metadata.name (line ${posOf(text, '"generateName"').line - 4}, column 9)`,
      `items.json: not a Kubernetes object: items[4] (Pod) has no metadata (line ${posOf(text, '"generateName"').line + 3}, column 9)`,
      `items.json: not a Kubernetes object: items[5] is a string, not an object (line ${posOf(text, '"e"').line}, column 9)`,
    ])
    expect(s.errors.every((e) => e.code === 'KDAC_E_OBJECT_INVALID' && e.source === 'items.json')).toBe(true)
  })

  it('reports YAML documents that are not objects by document number and line', () => {
    const s = memorySink()
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n---\njust a string\n---\n- 1\n- 2\n---\nkind: Pod\nmetadata:\n  name: b\n'
    loadText(text, 'docs.yaml', s)
    expect(names(s)).toEqual(['Pod//a'])
    expect(s.errors.map((e) => [e.message, e.line])).toEqual([
      ['docs.yaml: not a Kubernetes object: document 2 is a string, not an object (line 6, column 1)', 6],
      [
        'docs.yaml: not a Kubernetes object: document 3 is an array, not an object or a List (line 8, column 1)',
        8,
      ],
      ['docs.yaml: not a Kubernetes object: document 4 (Pod "b") has no apiVersion (line 11, column 1)', 11],
    ])
  })

  it('reports JSON that is not an object: a number, null, an array that is not a List', () => {
    const s = memorySink()
    loadText('42', 'n.json', s)
    loadText('null', 'null.json', s)
    loadText('[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}]', 'a.json', s)
    loadText('{"apiVersion":"v1","kind":"Pod","metadata":"x"}', 'm.json', s)
    expect(s.objects).toEqual([])
    expect(s.errors.map((e) => e.message)).toEqual([
      'n.json: not a Kubernetes object: the document is a number, not an object (line 1, column 1)',
      'null.json: not a Kubernetes object: the document is null, not an object (line 1, column 1)',
      'a.json: not a Kubernetes object: the document is an array, not an object or a List (line 1, column 1)',
      'm.json: not a Kubernetes object: the object (Pod) has metadata of a string, expected an object (line 1, column 1)',
    ])
  })

  it('reports text given directly that holds a NUL character', () => {
    const s = memorySink()
    loadText('{"a":\n1\0}', 'stdin', s)
    expect(s.errors).toEqual([
      {
        source: 'stdin',
        code: 'KDAC_E_BINARY',
        message:
          'stdin: file looks binary (contains NUL bytes): NUL character at offset 7 (line 2, column 2)',
        line: 2,
        column: 2,
      },
    ])
  })

  it('reports a YAML bomb instead of expanding it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]']
    for (let i = 1; i < 12; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      )
    const s = memorySink()
    loadText(lines.join('\n'), 'bomb.yaml', s)
    expect(s.objects).toEqual([])
    expect(s.errors[0]).toMatchObject({ code: 'KDAC_E_PARSE_YAML', line: 1 })
  })
})

describe('jsonErrorOffset', () => {
  it('agrees with V8 where V8 gives a position', () => {
    for (const bad of [
      '{"a":1',
      '{"a":1}x',
      '{"a" 1}',
      '{a:1}',
      '{"a":"b\nc"}',
      '{"a":01}',
      '{"a":-}',
      '{"a":1e}',
      '"abc',
    ]) {
      let pos = -1
      try {
        JSON.parse(bad)
      } catch (e) {
        pos = Number(/position (\d+)/.exec((e as Error).message)?.[1] ?? bad.length)
      }
      expect(jsonErrorOffset(bad), bad).toBe(pos)
    }
    expect(jsonErrorOffset('{"a": [1, 2]}')).toBe(-1)
  })
})

describe('file names', () => {
  it('reads JSON, YAML, dumps and logs from folders, and nothing else', () => {
    expect(['a.json', 'a.yaml', 'a.YML', 'cluster-info.dump', 'logs.txt', 'x.log'].every(isInputFile)).toBe(
      true,
    )
    expect(['README.md', 'a.tar.gz', '.hidden.json', 'kubeconfig'].some(isInputFile)).toBe(false)
  })

  it('derives the form from the name', () => {
    expect(
      ['a.json', 'a.yaml', 'ns/pod/logs.txt', 'x.txt', 'cluster-info.dump', 'stdin'].map(formatOf),
    ).toEqual(['json', 'yaml', 'logs', 'text', 'auto', 'auto'])
  })
})

describe('filesCollector', () => {
  it('is the `files` collector and runs for clusters with paths or stdin', () => {
    expect(filesCollector.meta.id).toBe('files')
    expect(filesCollector.meta.produces).toEqual(['*'])
    const applies = filesCollector.meta.appliesTo as (c: { name: string; source: string }) => boolean
    expect(applies({ name: 'a', source: 'a', paths: ['a.json'] } as never)).toBe(true)
    expect(applies({ name: 'a', source: '-', stdin: '' } as never)).toBe(true)
    expect(applies({ name: 'a', source: 'ctx' })).toBe(false)
  })

  it('reads paths and stdin into the sink, honouring keepManagedFields', async () => {
    const b = new SnapshotBuilder('shop-prod', { keepManagedFields: true })
    const errors: ScanError[] = []
    await filesCollector.collect({
      cluster: {
        name: 'shop-prod',
        source: 'x',
        paths: [fixture('kubectl-get-pods-A.json')],
        stdin: stringify(pod('from-stdin')),
      },
      requires: new Set(),
      keepManagedFields: true,
      sink: builderSink(b, errors),
    })
    expect(errors).toEqual([])
    const snap = b.build()
    expect(snap.list('v1/Pod').map((p) => p.metadata.name)).toContain('from-stdin')
    expect(snap.get('v1/Pod', 'shop', 'web-7d9c6b8f5d-2x8kq')?.metadata.managedFields).toHaveLength(1)
  })

  it('names stdin as the source of its problems', async () => {
    const errors: ScanError[] = []
    await filesCollector.collect({
      cluster: { name: 'stdin', source: '-', stdin: '{"broken": ' },
      requires: new Set(),
      keepManagedFields: false,
      sink: builderSink(new SnapshotBuilder('stdin'), errors),
    })
    expect(errors).toMatchObject([{ source: 'stdin', code: 'KDAC_E_PARSE_JSON', line: 1, column: 11 }])
  })

  it('stops between files once aborted', async () => {
    const ac = new AbortController()
    ac.abort()
    const s = memorySink()
    await loadPaths([fixture('cluster-info-dump')], s, { signal: ac.signal })
    expect(s.objects).toEqual([])
  })
})
