// Real Kubernetes control planes for kubedac's integration tests: etcd + kube-apiserver (and, on
// request, kube-controller-manager) built from Go modules by test/cluster/build.sh, each on free
// loopback ports with its own CA, serving certificate, service-account keys and static tokens.
//
//   const c = await startCluster('prod-eu')
//   await c.kubectl(['create', '-f', '-'], { input: manifest })
//   await c.stop()
//
// Every process started here is killed when the test process exits (normally, on a signal, or –
// through a small shell watchdog – when the test process is killed outright).
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes, generateKeyPairSync } from 'node:crypto'
import { createWriteStream, readFileSync, rmSync, type WriteStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:https'
import { createServer } from 'node:net'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { stringify } from 'yaml'

export const K8S_VERSION = 'v1.32.13'

export interface StartOptions {
  /** Also run kube-controller-manager (namespaces finalize, Deployments get ReplicaSets, …). */
  controllerManager?: boolean
  /** Give up waiting for /readyz after this long. Default 120 s. */
  readyTimeoutMs?: number
  /** Extra kube-apiserver flags, e.g. ['--feature-gates=…']. */
  apiserverArgs?: string[]
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (for `-f -`). */
  input?: string
  /** Authenticate with this bearer token instead of the admin token. */
  token?: string
  /** Resolve with the result instead of rejecting when kubectl exits non-zero. */
  allowFailure?: boolean
  timeoutMs?: number
}

export interface KubectlResult {
  code: number
  stdout: string
  stderr: string
}

export interface TestCluster {
  name: string
  /** Path of a kubeconfig holding this cluster only; its current context is `context`. */
  kubeconfig: string
  context: string
  /** https://127.0.0.1:<port> */
  server: string
  /** PEM of the CA that signed the serving certificate. */
  caData: string
  adminToken: string
  viewerToken: string
  /** Temp dir holding certificates, tokens, etcd data and the logs (etcd.log, kube-apiserver.log, …). */
  dir: string
  /** Process ids of the control-plane processes (etcd, kube-apiserver[, kube-controller-manager]). */
  pids: number[]
  /** Milliseconds from the call to startCluster until /readyz answered ok. */
  startupMs: number
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>
  stop(): Promise<void>
}

const here = import.meta.dirname
const cacheDir = process.env.KUBEDAC_CACHE ?? join(homedir(), '.cache', 'kubedac')
const binDir = join(cacheDir, `k8s-${K8S_VERSION}`)
const etcdBin = process.env.KUBEDAC_ETCD ?? '/usr/bin/etcd'
const kubectlBin = process.env.KUBECTL ?? 'kubectl'

// ---------------------------------------------------------------------------------------------
// Process bookkeeping: nothing started here may outlive the test process.

const live = new Set<ChildProcess>()
const liveDirs = new Set<string>()
let hooksInstalled = false

function killAllNow(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL')
    } catch {
      // already gone
    }
  }
  live.clear()
  for (const dir of liveDirs) rmSync(dir, { recursive: true, force: true })
  liveDirs.clear()
}

function installExitHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on('exit', killAllNow)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const onSignal = (): void => {
      killAllNow()
      process.removeListener(signal, onSignal)
      // Only re-raise if nobody else handles it, so the default behaviour (exit) is kept.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal)
    }
    process.on(signal, onSignal)
  }
}

// Kills `pid` (then removes `cleanupDir`, if given) when this node process disappears without
// running its exit hooks (SIGKILL, crash). It exits by itself as soon as the child is gone.
function watchdog(pid: number, cleanupDir = ''): void {
  const script =
    'while kill -0 "$1" 2>/dev/null; do ' +
    'if ! kill -0 "$0" 2>/dev/null; then kill -TERM "$1" 2>/dev/null; sleep 5; kill -KILL "$1" 2>/dev/null; ' +
    'sleep 1; if [ -n "$2" ]; then rm -rf "$2"; fi; exit 0; fi; ' +
    'sleep 1; done'
  const w = spawn('sh', ['-c', script, String(process.pid), String(pid), cleanupDir], {
    detached: true,
    stdio: 'ignore',
  })
  w.unref()
}

function startProcess(
  bin: string,
  args: string[],
  logFile: WriteStream,
  env?: NodeJS.ProcessEnv,
  cleanupDir?: string,
): ChildProcess {
  installExitHooks()
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env })
  child.stdout?.pipe(logFile, { end: false })
  child.stderr?.pipe(logFile, { end: false })
  live.add(child)
  child.once('exit', () => live.delete(child))
  if (child.pid !== undefined) watchdog(child.pid, cleanupDir)
  return child
}

async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited
  clearTimeout(timer)
  live.delete(child)
}

// ---------------------------------------------------------------------------------------------
// Helpers

function run(
  cmd: string,
  args: string[],
  opts: { input?: string; cwd?: string; timeoutMs?: number; stderrInherit?: boolean } = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      stdio: ['pipe', 'pipe', opts.stderrInherit ? 'inherit' : 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    const timer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined
    child.on('error', (err) => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr })
    })
    // A command that exits without reading its input (kubectl failing early, or one that needs
    // none) closes the pipe: EPIPE on our write is not an error of its own; its exit code and
    // stderr tell what happened.
    child.stdin?.on('error', () => {})
    child.stdin?.end(opts.input ?? '')
  })
}

async function runOk(cmd: string, args: string[], cwd?: string): Promise<string> {
  const r = await run(cmd, args, { cwd })
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.code}): ${r.stderr}`)
  return r.stdout
}

const reservedPorts = new Set<number>()

async function freePorts(n: number): Promise<number[]> {
  // Hold all listeners open until every port is known, so the same port is never handed out twice.
  const servers = []
  const ports: number[] = []
  try {
    while (ports.length < n) {
      const server = createServer()
      servers.push(server)
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(0, '127.0.0.1', () => resolve())
      })
      const addr = server.address()
      if (addr === null || typeof addr === 'string') throw new Error('no port')
      if (reservedPorts.has(addr.port)) continue
      reservedPorts.add(addr.port)
      ports.push(addr.port)
    }
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))))
  }
  return ports
}

let buildPromise: Promise<void> | undefined

/**
 * Runs test/cluster/build.sh once per process: instant when the binaries are cached (and built with
 * the current flags), minutes when they must be (re)built from Go modules.
 */
export function ensureBinaries(): Promise<void> {
  buildPromise ??= run('bash', [join(here, 'build.sh')], { stderrInherit: true }).then((r) => {
    if (r.code !== 0) throw new Error(`test/cluster/build.sh failed with exit code ${r.code}`)
  })
  return buildPromise
}

async function writeCerts(dir: string): Promise<void> {
  const days = '2'
  await runOk(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt'].concat([
      '-days',
      days,
      '-subj',
      '/CN=kubedac-test-ca',
    ]),
    dir,
  )
  await writeFile(
    join(dir, 'server.ext'),
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
  )
  await runOk(
    'openssl',
    ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr'].concat([
      '-subj',
      '/CN=kube-apiserver',
    ]),
    dir,
  )
  await runOk(
    'openssl',
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial'].concat([
      '-out',
      'server.crt',
      '-days',
      days,
      '-extfile',
      'server.ext',
    ]),
    dir,
  )
  const sa = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  })
  await writeFile(join(dir, 'sa.key'), sa.privateKey, { mode: 0o600 })
  await writeFile(join(dir, 'sa.pub'), sa.publicKey)
}

function kubeconfigFor(c: { name: string; server: string; caData: string; adminToken: string }): object {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': c.name,
    clusters: [
      {
        name: c.name,
        cluster: {
          server: c.server,
          'certificate-authority-data': Buffer.from(c.caData).toString('base64'),
        },
      },
    ],
    users: [{ name: `${c.name}-admin`, user: { token: c.adminToken } }],
    contexts: [{ name: c.name, context: { cluster: c.name, user: `${c.name}-admin` } }],
  }
}

/** Writes one kubeconfig holding a context per cluster (named after it); current context: the first. */
export async function mergeKubeconfigs(clusters: TestCluster[], path: string): Promise<string> {
  const merged = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    'current-context': clusters[0]?.context ?? '',
    clusters: [] as unknown[],
    users: [] as unknown[],
    contexts: [] as unknown[],
  }
  for (const c of clusters) {
    const k = kubeconfigFor(c) as typeof merged
    merged.clusters.push(...k.clusters)
    merged.users.push(...k.users)
    merged.contexts.push(...k.contexts)
  }
  await writeFile(path, stringify(merged), { mode: 0o600 })
  return path
}

function httpsGet(url: string, ca: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, headers: { Authorization: `Bearer ${token}` }, timeout: 5000 }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('timeout', () => req.destroy(new Error('timeout')))
    req.on('error', reject)
    req.end()
  })
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** GETs `path` on the cluster's API with a bearer token (CA-verified). */
export function apiGet(
  c: Pick<TestCluster, 'server' | 'caData'>,
  path: string,
  token: string,
): Promise<{ status: number; body: string }> {
  return httpsGet(c.server + path, c.caData, token)
}

// ---------------------------------------------------------------------------------------------

/** Starts etcd + kube-apiserver for a cluster called `name` and waits until /readyz is ok. */
export async function startCluster(name: string, opts: StartOptions = {}): Promise<TestCluster> {
  const t0 = performance.now()
  await ensureBinaries()
  const dir = await mkdtemp(join(tmpdir(), `kubedac-${name.replace(/[^a-zA-Z0-9-]/g, '_')}-`))
  liveDirs.add(dir)
  installExitHooks()
  const children: ChildProcess[] = []
  const logs: WriteStream[] = []
  const openLog = (file: string): WriteStream => {
    const s = createWriteStream(join(dir, file))
    logs.push(s)
    return s
  }

  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    // Reverse order: controller-manager and apiserver before etcd.
    for (const child of [...children].reverse()) await stopProcess(child)
    await Promise.all(logs.map((s) => new Promise((resolve) => s.end(resolve))))
    await rm(dir, { recursive: true, force: true })
    liveDirs.delete(dir)
  }

  try {
    const [etcdPort, peerPort, apiPort] = (await freePorts(3)) as [number, number, number]
    await writeCerts(dir)
    const adminToken = randomBytes(24).toString('hex')
    const viewerToken = randomBytes(24).toString('hex')
    await writeFile(
      join(dir, 'tokens.csv'),
      `${adminToken},kubedac-admin,kubedac-admin,"system:masters"\n${viewerToken},viewer,viewer\n`,
      { mode: 0o600 },
    )
    const caData = await readFile(join(dir, 'ca.crt'), 'utf8')
    const server = `https://127.0.0.1:${apiPort}`

    const etcdUrl = `http://127.0.0.1:${etcdPort}`
    const peerUrl = `http://127.0.0.1:${peerPort}`
    await mkdir(join(dir, 'etcd'), { mode: 0o700 })
    const etcd = startProcess(
      etcdBin,
      [
        '--name=default',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdUrl}`,
        `--advertise-client-urls=${etcdUrl}`,
        `--listen-peer-urls=${peerUrl}`,
        `--initial-advertise-peer-urls=${peerUrl}`,
        `--initial-cluster=default=${peerUrl}`,
        '--initial-cluster-state=new',
        '--logger=zap',
        '--log-level=warn',
        '--quota-backend-bytes=1073741824',
      ],
      openLog('etcd.log'),
      // Debian's etcd reads ETCD_* variables; make sure none leak in from the environment.
      Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ETCD_'))),
      // etcd is stopped last: its watchdog also removes the temp dir if the test process is killed.
      dir,
    )
    children.push(etcd)

    const apiserverArgs = [
      `--etcd-servers=${etcdUrl}`,
      `--secure-port=${apiPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--cert-dir=${join(dir, 'apiserver-certs')}`,
      `--tls-cert-file=${join(dir, 'server.crt')}`,
      `--tls-private-key-file=${join(dir, 'server.key')}`,
      `--client-ca-file=${join(dir, 'ca.crt')}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--service-cluster-ip-range=10.96.0.0/12',
      '--allow-privileged=true',
      '--profiling=false',
      '--v=1',
      // Without a controller-manager nobody creates the `default` ServiceAccount, so the admission
      // plugin that requires it would reject every Pod.
      ...(opts.controllerManager ? [] : ['--disable-admission-plugins=ServiceAccount']),
      ...(opts.apiserverArgs ?? []),
    ]
    const apiserver = startProcess(
      join(binDir, 'kube-apiserver'),
      apiserverArgs,
      openLog('kube-apiserver.log'),
    )
    children.push(apiserver)

    // Wait for /readyz, failing fast if a process dies.
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000)
    let last = ''
    for (;;) {
      for (const [child, log] of [
        [etcd, 'etcd.log'],
        [apiserver, 'kube-apiserver.log'],
      ] as const) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${log.replace('.log', '')} exited (${child.exitCode ?? child.signalCode}) while starting cluster ${name}:\n${tail(join(dir, log))}`,
          )
        }
      }
      try {
        const r = await httpsGet(`${server}/readyz`, caData, adminToken)
        if (r.status === 200) break
        last = `HTTP ${r.status}: ${r.body.slice(0, 2000)}`
      } catch (err) {
        last = String(err)
      }
      if (Date.now() > deadline) {
        throw new Error(
          `cluster ${name}: /readyz not ok after ${opts.readyTimeoutMs ?? 120_000} ms (last: ${last})\n${tail(join(dir, 'kube-apiserver.log'))}`,
        )
      }
      await new Promise((r) => setTimeout(r, 200))
    }

    const startupMs = Math.round(performance.now() - t0)
    const kubeconfig = join(dir, 'kubeconfig')
    await writeFile(kubeconfig, stringify(kubeconfigFor({ name, server, caData, adminToken })), {
      mode: 0o600,
    })

    if (opts.controllerManager) {
      const kcm = startProcess(
        join(binDir, 'kube-controller-manager'),
        [
          `--kubeconfig=${kubeconfig}`,
          `--authentication-kubeconfig=${kubeconfig}`,
          `--authorization-kubeconfig=${kubeconfig}`,
          '--leader-elect=false',
          '--secure-port=0',
          '--controllers=*',
          '--use-service-account-credentials=false',
          `--service-account-private-key-file=${join(dir, 'sa.key')}`,
          `--root-ca-file=${join(dir, 'ca.crt')}`,
          '--service-cluster-ip-range=10.96.0.0/12',
          '--v=1',
        ],
        openLog('kube-controller-manager.log'),
      )
      children.push(kcm)
    }

    const kubectl = async (args: string[], kopts: KubectlOptions = {}): Promise<KubectlResult> => {
      const full = [`--kubeconfig=${kubeconfig}`, `--context=${name}`]
      if (kopts.token !== undefined) full.push(`--token=${kopts.token}`)
      full.push(...args)
      const r = await run(kubectlBin, full, { input: kopts.input, timeoutMs: kopts.timeoutMs ?? 60_000 })
      if (r.code !== 0 && !kopts.allowFailure) {
        throw new Error(`kubectl ${args.join(' ')} failed on ${name} (exit ${r.code}): ${r.stderr.trim()}`)
      }
      return r
    }

    return {
      name,
      kubeconfig,
      context: name,
      server,
      caData,
      adminToken,
      viewerToken,
      dir,
      pids: children.map((c) => c.pid).filter((p): p is number => p !== undefined),
      startupMs,
      kubectl,
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}

/** Starts `n` clusters in parallel, named `${prefix}-1` … `${prefix}-n`. */
export async function startClusters(
  n: number,
  opts: StartOptions & { prefix?: string } = {},
): Promise<TestCluster[]> {
  const prefix = opts.prefix ?? 'kubedac-test'
  const results = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => startCluster(`${prefix}-${i + 1}`, opts)),
  )
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) {
    await Promise.all(results.map((r) => (r.status === 'fulfilled' ? r.value.stop() : undefined)))
    throw failed.reason
  }
  return results.map((r) => (r as PromiseFulfilledResult<TestCluster>).value)
}

/** True when a process with this id still exists (zombies count as gone). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return !/^\d+ \(.*\) Z /.test(stat)
  } catch {
    return false
  }
}
