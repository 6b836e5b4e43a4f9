import { Command, Option } from 'commander'
import { KubedacError } from '../../core/errors.js'
import { FAULT_KINDS, startSimulator, type FaultKind } from '../../sim/server.js'

const number =
  (name: string, min: number, max = Number.POSITIVE_INFINITY) =>
  (v: string) => {
    const n = Number(v)
    if (!Number.isFinite(n) || n < min || n > max)
      throw new KubedacError(
        'KDAC_E_USAGE',
        `--${name} must be a number from ${min}${max < Infinity ? ` to ${max}` : ''}`,
      )
    return n
  }

/**
 * `kubedac simulate`: a fleet of simulated Kubernetes API servers on loopback (src/sim), with a
 * kubeconfig holding one context per cluster, to try kubedac (or kubectl) on thousands of clusters.
 */
export function simulateCommand(): Command {
  return new Command('simulate')
    .description('serve a simulated fleet of Kubernetes API servers on 127.0.0.1, with a kubeconfig for it')
    .requiredOption('--kubeconfig-out <file>', 'write the kubeconfig (one context per cluster) here')
    .option('--clusters <n>', 'number of clusters', number('clusters', 1), 3)
    .option('--nodes <n>', 'nodes per cluster', number('nodes', 0), 3)
    .option('--pods <n>', 'pods per cluster (kube-system ones included)', number('pods', 0), 30)
    .option('--replicas <n>', 'replicas of each application Deployment', number('replicas', 1), 3)
    .option('--padding <bytes>', 'extra bytes per pod (an annotation)', number('padding', 0), 0)
    .option(
      '--problems <fraction>',
      'fraction of Deployments with a crash-looping pod, and of nodes whose readiness flaps',
      number('problems', 0, 1),
      0.02,
    )
    .option('--latency <ms>', 'delay before every answer', number('latency', 0), 0)
    .option('--faults <fraction>', 'fraction of requests that meet a fault', number('faults', 0, 1), 0)
    .option(
      '--fault-kinds <kinds>',
      `faults to draw from, comma-separated (${FAULT_KINDS.join(', ')})`,
      (v) => {
        const kinds = v.split(',').map((k) => k.trim())
        const bad = kinds.filter((k) => !FAULT_KINDS.includes(k as FaultKind))
        if (bad.length) throw new KubedacError('KDAC_E_USAGE', `--fault-kinds: unknown ${bad.join(', ')}`)
        return kinds as FaultKind[]
      },
    )
    .option('--down <fraction>', 'fraction of clusters that refuse connections', number('down', 0, 1), 0)
    .addOption(
      new Option('--rv0 <mode>', 'a LIST at resourceVersion=0: whole (as v1.32) or paged (as newer servers)')
        .choices(['full', 'paged'])
        .default('full'),
    )
    .option(
      '--tls',
      'serve HTTPS with a fresh self-signed certificate (needed by kubectl, which sends tokens only over TLS)',
    )
    .option('--seed <n>', 'seed of every generated value', number('seed', 0), 1)
    .option('--port <n>', 'port on 127.0.0.1 (default: any free one)', number('port', 0, 65535), 0)
    .addHelpText(
      'after',
      `
Examples:
  kubedac simulate --clusters 1000 --kubeconfig-out /tmp/fleet.kubeconfig &
  kubedac scan --kubeconfig /tmp/fleet.kubeconfig --all-contexts
  kubedac simulate --clusters 3 --pods 2000 --tls --kubeconfig-out k &  kubectl --kubeconfig k get pods -A --chunk-size 100
Objects are generated on request from the seed (nothing is stored), so any number of clusters fits.
GET /_sim/stats gives requests and bytes per cluster. Runs until interrupted.`,
    )
    .action(async (o) => {
      const sim = await startSimulator({
        clusters: o.clusters,
        nodes: o.nodes,
        pods: o.pods,
        replicas: o.replicas,
        padding: o.padding,
        problems: o.problems,
        latencyMs: o.latency,
        faults: { rate: o.faults, ...(o.faultKinds ? { kinds: o.faultKinds } : {}) },
        downRate: o.down,
        rv0: o.rv0,
        tls: !!o.tls,
        seed: o.seed,
        port: o.port,
      })
      await sim.writeKubeconfig(o.kubeconfigOut)
      process.stderr.write(
        `kubedac simulate: ${sim.names.length} clusters at ${sim.url}/clusters/<name>; kubeconfig ${o.kubeconfigOut}\n` +
          `  try: kubedac scan --kubeconfig ${o.kubeconfigOut} --all-contexts\n` +
          `  stats: ${sim.url}/_sim/stats (stop with Ctrl-C)\n`,
      )
      await new Promise<void>((resolve) => {
        const stop = () => resolve()
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
      const t = sim.totals()
      await sim.close()
      process.stderr.write(
        `kubedac simulate: served ${t.requests} requests (${t.lists} lists, ${t.discovery} discovery), ${(t.bytes / 1048576).toFixed(1)} MiB\n`,
      )
    })
}
