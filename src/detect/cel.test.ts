import { describe, expect, it } from 'vitest'
import { KubedacError } from '../core/errors.js'
import {
  compileCel,
  parseQuantity,
  resetCelBudget,
  toDataValue,
  toPlain,
  type CelActivation,
  type CelLimits,
} from './cel.js'

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-7d9f',
    namespace: 'shop',
    creationTimestamp: '2026-01-01T00:00:00Z',
    labels: { app: 'web', 'app.kubernetes.io/part-of': 'shop' },
  },
  spec: {
    priority: 0,
    containers: [
      {
        name: 'app',
        image: 'registry.example.com/shop/web:1.2',
        ports: [{ containerPort: 8080 }],
        resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
      },
      { name: 'proxy', image: 'envoyproxy/envoy:v1.30', ports: [{ containerPort: 15001 }] },
    ],
  },
  status: {
    phase: 'Running',
    containerStatuses: [
      { name: 'app', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } },
      {
        name: 'proxy',
        ready: true,
        restartCount: 0,
        state: { running: { startedAt: '2026-01-01T00:00:04Z' } },
      },
    ],
  },
}

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { replicas: 3, strategy: { rollingUpdate: { maxUnavailable: '25%' } } },
  status: { readyReplicas: 2, updatedReplicas: 3 },
}

function activation(object: unknown, extra: Partial<CelActivation> = {}): CelActivation {
  return {
    object,
    variables: {},
    now: new Date('2026-01-01T00:20:00Z'),
    params: { maxRestarts: 5 },
    cluster: 'prod-eu',
    ...extra,
  }
}

function run(expr: string, object: unknown = pod, extra: Partial<CelActivation> = {}): unknown {
  resetCelBudget()
  return compileCel(expr, { field: 'test' }).run(activation(object, extra))
}

function thrown(f: () => unknown): KubedacError {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(KubedacError)
    return e as KubedacError
  }
  throw new Error('expected an error')
}

describe('CEL on Kubernetes objects', () => {
  it('tests field presence with has()', () => {
    expect(run('has(object.status.containerStatuses)')).toBe(true)
    expect(run('has(object.metadata.annotations)')).toBe(false)
    expect(run('object.spec.containers.filter(c, has(c.resources)).map(c, c.name)')).toEqual(['app'])
    // cel-js accepts only a selection chain starting at an identifier inside has(); `.?` covers the rest.
    expect(() => compileCel('has(object.spec.containers[0].resources)', { field: 'x' })).toThrow(
      /has\(\) invalid argument/,
    )
    expect(run('object.spec.containers[0].?resources.?limits.?cpu.hasValue()')).toBe(false)
  })

  it('reads absent fields through optional access and orValue', () => {
    expect(run("object.metadata.?annotations.?owner.orValue('nobody')")).toBe('nobody')
    expect(run("object.metadata.?labels.?app.orValue('')")).toBe('web')
    expect(run("object.metadata.labels['app.kubernetes.io/part-of']")).toBe('shop')
    expect(run('object.spec.?nodeName.hasValue()')).toBe(false)
    expect(
      run("object.status.containerStatuses.filter(c, c.?state.?waiting.?reason.orValue('') != '').size()"),
    ).toBe(1n)
  })

  it('supports the comprehension macros', () => {
    expect(
      run(
        "object.status.containerStatuses.exists(c, c.state.?waiting.reason.orValue('') == 'CrashLoopBackOff')",
      ),
    ).toBe(true)
    expect(run('object.spec.containers.all(c, c.ports.all(p, p.containerPort > 1024))')).toBe(true)
    expect(run("object.spec.containers.exists_one(c, c.image.startsWith('envoyproxy/'))")).toBe(true)
    expect(run('object.spec.containers.map(c, c.name)')).toEqual(['app', 'proxy'])
    expect(run('object.status.containerStatuses.filter(c, !c.ready).map(c, c.name)')).toEqual(['app'])
    expect(run('object.spec.containers.map(c, has(c.resources), c.name)')).toEqual(['app'])
    expect(run('object.metadata.labels.exists(k, k.startsWith("app.kubernetes.io/"))')).toBe(true)
  })

  it('has the string functions', () => {
    expect(run("object.spec.containers[0].image.endsWith(':1.2')")).toBe(true)
    expect(run("object.spec.containers[1].image.contains('envoy')")).toBe(true)
    expect(run("object.spec.containers[0].image.matches('^[a-z0-9.-]+/[a-z/]+:[0-9.]+$')")).toBe(true)
    expect(run("object.metadata.name.matches('^web-[0-9a-f]{4}$')")).toBe(true)
    expect(run('size(object.metadata.name)')).toBe(8n)
    expect(run("'CrashLoopBackOff'.lowerAscii()")).toBe('crashloopbackoff')
    expect(run("object.spec.containers[0].image.split('/')[0]")).toBe('registry.example.com')
  })

  it('compares timestamps and durations with now', () => {
    expect(run('now - timestamp(object.metadata.creationTimestamp) > duration("15m")')).toBe(true)
    expect(run('now - timestamp(object.metadata.creationTimestamp) > duration("1h")')).toBe(false)
    expect(
      run(
        'timestamp(object.status.containerStatuses[1].state.running.startedAt) - timestamp(object.metadata.creationTimestamp)',
      ),
    ).toBeInstanceOf(Object)
    expect(toPlain(run('now - timestamp(object.metadata.creationTimestamp)'))).toBe('1200s')
    expect(run('timestamp(object.metadata.creationTimestamp) + duration("20m") == now')).toBe(true)
    expect(run('now.getHours()')).toBe(0n)
  })

  it('compares JSON numbers (doubles) with CEL ints', () => {
    expect(run('object.spec.replicas > 1', deployment)).toBe(true)
    expect(run('object.spec.replicas == 3', deployment)).toBe(true)
    expect(run('object.status.readyReplicas < object.spec.replicas', deployment)).toBe(true)
    expect(run('object.spec.replicas in [1, 2, 3]', deployment)).toBe(true)
    expect(run('size(object.spec.containers) == 2')).toBe(true)
    expect(run('object.status.containerStatuses[0].restartCount > params.maxRestarts')).toBe(true)
    expect(run('object.spec.replicas == size([1, 2, 3])', deployment)).toBe(true)
  })

  it('adds, subtracts and multiplies JSON numbers with ints, and refuses division', () => {
    expect(run('object.spec.replicas - object.status.readyReplicas', deployment)).toBe(1)
    expect(run('object.spec.replicas + 1 == 4', deployment)).toBe(true)
    expect(run('2 * object.spec.replicas', deployment)).toBe(6)
    expect(run('int(object.spec.replicas) / 2', deployment)).toBe(1n)
    expect(run('object.spec.replicas / 2.0', deployment)).toBe(1.5)
    const e = thrown(() => run('object.spec.replicas / 2 > 1', deployment))
    expect(e.code).toBe('KDAC_E_CEL_EVAL')
    expect(e.message).toMatch(/test: no such overload: dyn<double> \/ int/)
  })

  it('parses Kubernetes quantities', () => {
    expect(run('quantity(object.spec.containers[0].resources.requests.memory).asApproximateFloat()')).toBe(
      256 * 2 ** 20,
    )
    expect(
      run(
        'quantity(object.spec.containers[0].resources.limits.memory).isGreaterThan(quantity(object.spec.containers[0].resources.requests.memory))',
      ),
    ).toBe(true)
    expect(run("quantity('250m').compareTo(quantity('0.25'))")).toBe(0n)
    expect(run("quantity('2k').asInteger()")).toBe(2000n)
    expect(run("isQuantity('25%')")).toBe(false)
    expect(toPlain(run("quantity('1Gi').add(quantity('1Gi'))"))).toBe(String(2 ** 31))
    expect(thrown(() => run("quantity('lots')")).code).toBe('KDAC_E_CEL_EVAL')
    expect(parseQuantity('1e3')).toBe(1000)
    expect(parseQuantity('.5Ki')).toBe(512)
    expect(parseQuantity('1.5.2')).toBeUndefined()
  })

  it('exposes cluster, params and lazily computed variables', () => {
    let computed = 0
    const variables = {}
    Object.defineProperty(variables, 'costly', {
      enumerable: true,
      get: () => (computed++, 42),
    })
    expect(run("cluster == 'prod-eu' || variables.costly > 0", pod, { variables })).toBe(true)
    expect(computed).toBe(0)
    expect(run('variables.costly > 40', pod, { variables })).toBe(true)
    expect(computed).toBe(1)
    expect(run('size(events) == 1', pod, { events: [{ reason: 'BackOff' }] })).toBe(true)
  })

  it('names the field when evaluation fails', () => {
    const e = thrown(() => run('object.status.podIP.startsWith("10.")'))
    expect(e.code).toBe('KDAC_E_CEL_EVAL')
    expect(e.message).toContain('test: No such key: podIP')
    expect(thrown(() => run('object.spec.containers[5].name')).message).toContain('index out of bounds')
  })
})

describe('CEL limits', () => {
  const many = { items: Array.from({ length: 3000 }, (_, i) => ({ n: i, name: `item-${i}` })) }
  const small: CelLimits = { maxIterations: 10_000, maxMillis: 1_000 }

  function limited(expr: string, limits: CelLimits = small): { error: KubedacError; ms: number } {
    const c = compileCel(expr, { field: 'spec.fires' })
    const t = performance.now()
    resetCelBudget(limits)
    const error = thrown(() => c.run(activation(many)))
    return { error, ms: performance.now() - t }
  }

  it('stops a nested map over a large list by its iteration budget', () => {
    // 3000 × 3000 steps would take many seconds; the budget ends it at 10,000.
    const { error, ms } = limited('object.items.map(a, object.items.map(b, a.n + b.n)).size() > 0')
    expect(error.code).toBe('KDAC_E_CEL_LIMIT')
    expect(error.message).toContain('spec.fires: took more than 10000 iteration steps')
    expect(ms).toBeLessThan(1_000)
  })

  it('reports the limit even where CEL would absorb the error', () => {
    const absorbed = limited('object.items.all(a, object.items.all(b, b.n >= 0)) || true')
    expect(absorbed.error.code).toBe('KDAC_E_CEL_LIMIT')
    const quantifier = limited(
      'object.items.exists(a, object.items.exists(b, object.items.exists(c, a.n + b.n + c.n < 0)))',
    )
    expect(quantifier.error.code).toBe('KDAC_E_CEL_LIMIT')
    expect(quantifier.ms).toBeLessThan(1_000)
  })

  it('stops by wall-clock time when the iteration budget is large', () => {
    const { error, ms } = limited(
      "object.items.map(a, object.items.filter(b, b.name.matches('^item-1.*0$')).size()).size() > 0",
      {
        maxIterations: Number.MAX_SAFE_INTEGER,
        maxMillis: 50,
      },
    )
    expect(error.code).toBe('KDAC_E_CEL_LIMIT')
    expect(error.message).toContain('ran longer than 50 ms')
    expect(ms).toBeLessThan(1_000)
  })

  it('gives every evaluation a fresh budget after a reset', () => {
    const c = compileCel('object.items.filter(a, int(a.n) % 2 == 0).size()', { field: 'x' })
    for (let i = 0; i < 3; i++) {
      resetCelBudget({ maxIterations: 3_000, maxMillis: 1_000 })
      expect(c.run(activation(many))).toBe(1500n)
    }
  })

  it('refuses at compile time a regular expression that can backtrack exponentially', () => {
    const e = thrown(() => compileCel("object.metadata.name.matches('^(a+)+$')", { field: 'spec.fires' }))
    expect(e.code).toBe('KDAC_E_CEL_COMPILE')
    expect(e.message).toContain('nests quantifiers')
    expect(() => compileCel("object.metadata.name.matches('^(ab)+$')", { field: 'x' })).not.toThrow()
  })
})

describe('compileCel', () => {
  const origin = (field: string) => ({
    file: 'detectors/x.yaml',
    field,
    locate: (offset: number) => ({ line: 12, column: 10 + offset }),
  })

  it('names the file, field and position of a syntax error', () => {
    const e = thrown(() => compileCel('object.spec.replicas >> 1', origin('spec.fires')))
    expect(e.code).toBe('KDAC_E_CEL_COMPILE')
    expect(e.message).toContain('detectors/x.yaml:12:32: spec.fires: Unexpected token')
    expect(e.source).toBe('detectors/x.yaml')
    expect([e.line, e.column]).toEqual([12, 32])
    expect(e.message).toContain('object.spec.replicas >> 1\n                          ^')
  })

  it('reports an unknown identifier and a type error', () => {
    expect(thrown(() => compileCel('objcet.spec', origin('spec.fires'))).message).toContain(
      'Unknown variable: objcet',
    )
    expect(thrown(() => compileCel('size(object.spec) + "x"', origin('spec.fires'))).message).toContain(
      'no such overload: int + string',
    )
    expect(thrown(() => compileCel('   ', origin('spec.fires'))).message).toContain('the expression is empty')
  })

  it('checks the result type when one is required', () => {
    const e = thrown(() =>
      compileCel('size(object.spec.containers)', origin('spec.fires'), { resultTypes: ['bool'] }),
    )
    expect(e.message).toContain('must give bool, but gives int')
    expect(compileCel('object.spec.paused', origin('spec.fires'), { resultTypes: ['bool'] }).type).toBe('dyn')
  })

  it('lists the variables and params an expression reads, minus iteration variables', () => {
    const c = compileCel(
      'variables.waiting.exists(variables, variables.x > params.limit) && has(variables.other) && variables["third"] != null && events.size() > 0',
      { field: 'x' },
    )
    expect([...(c.refs.members.get('variables')?.keys() ?? [])].sort()).toEqual(['other', 'third', 'waiting'])
    expect(c.refs.members.get('params')).toEqual(new Map([['limit', 50]]))
    expect(c.refs.roots.has('events')).toBe(true)
    const bound = compileCel('cel.bind(params, object.spec, params.replicas) > variables.n', { field: 'x' })
    expect(bound.refs.members.get('params')).toBeUndefined()
    expect([...(bound.refs.members.get('variables')?.keys() ?? [])]).toEqual(['n'])
  })
})

describe('converting CEL values', () => {
  it('turns ints, timestamps, durations and optionals into JSON', () => {
    expect(
      toPlain(
        run(
          '{"count": size(object.spec.containers), "at": now, "age": duration("90s"), "ip": object.status.?podIP}',
        ),
      ),
    ).toEqual({
      count: 2,
      at: '2026-01-01T00:20:00.000Z',
      age: '90s',
      ip: null,
    })
  })

  it('gives message data as text, numbers or booleans', () => {
    expect(toDataValue(run('size(object.spec.containers)'))).toBe(2)
    expect(toDataValue(run('object.spec.containers.map(c, c.name)'))).toBe('app, proxy')
    expect(toDataValue(run('object.metadata.labels'))).toBe(
      '{"app":"web","app.kubernetes.io/part-of":"shop"}',
    )
    expect(toDataValue(run('object.status.?podIP'))).toBeUndefined()
    expect(toDataValue(run('object.status.containerStatuses[1].ready'))).toBe(true)
  })
})
