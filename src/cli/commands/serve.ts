import { Command, Option } from 'commander'
import { KubedacError, errorMessage } from '../../core/errors.js'
import { parseDuration } from '../../notify/config.js'
import { detectorCatalog } from '../../serve/dto.js'
import { DEFAULT_LISTEN, checkExposure, loadToken, parseListen } from '../../serve/listen.js'
import { createLogger, type LogLevel } from '../../serve/log.js'
import { silenceHorizon, silencesLoader } from '../../serve/silences.js'
import { silencesPath } from '../../silences/scan.js'
import { loadRegistry, resolveAllTargets } from '../context.js'

const collect = (v: string, prev: string[] = []) => [...prev, v]

/** `kubedac serve`: scan the inventory on an interval, keep history, notify, and answer the HTTP API. */
export function serveCommand(): Command {
  return new Command('serve')
    .description(
      'run the findings service: scheduled scans with history, incidents, silences, notifications and an HTTP API',
    )
    .argument('[inputs...]', 'files or folders to scan (a folder of sub-folders is a fleet)')
    .option('--kubeconfig <path>', 'scan live clusters from this kubeconfig')
    .option('--context <name>', 'the kubeconfig context to scan (default: the current one)')
    .option('--all-contexts', 'scan every context of the kubeconfig')
    .option('--fleet <file>', 'scan the clusters of a fleet file (fleet.yaml, with labels for routing)')
    .option('--cluster <name>', 'name the cluster (all inputs become one cluster)')
    .option('--in-cluster', "scan the pod's own cluster with its service account (default in a pod)")
    .option('--capi-kubeconfig <path>', 'scan the workload clusters of this Cluster API management cluster')
    .option('--capi-context <name>', 'the management cluster context (default: the current one)')
    .option('--capi-namespace <ns>', 'only Cluster API clusters in this namespace')
    .option('--capi-in-cluster', "the management cluster is the pod's own cluster")
    .option('--database <file>', 'SQLite database file', './kubedac.db')
    .addOption(
      new Option('--database-url <url>', 'PostgreSQL URL (postgres://…) instead of SQLite').env(
        'KUBEDAC_DATABASE_URL',
      ),
    )
    .option('--interval <duration>', 'time between scans of the inventory (with ±10% jitter)', '5m')
    .option(
      '--listen <host:port>',
      'where the HTTP API listens (a non-loopback address needs a token)',
      DEFAULT_LISTEN,
    )
    .option('--token-file <file>', 'bearer token for the API (first line); or set KUBEDAC_API_TOKEN')
    .option('--silences <file>', 'silences as code (default: silences: of kubedac.yaml, if any)')
    .option('--silences-max-days <days>', 'refuse silences that end further ahead than this (default 90)')
    .option(
      '-c, --config <file>',
      'configuration: detectors and notifications (default: ./kubedac.yaml if present)',
    )
    .option('--detectors <dir>', 'load more detectors from a directory; repeatable', collect)
    .option('--collectors <dir>', 'load collectors from a directory; repeatable', collect)
    .option('--enable <id>', 'enable a detector or category (comma-separated; repeatable)', collect)
    .option('--disable <id>', 'disable a detector or category (comma-separated; repeatable)', collect)
    .option(
      '--concurrency <n>',
      'clusters scanned at once (default: 128 live, 2 offline, fewer when clusters are big)',
      (v) => Number.parseInt(v, 10),
    )
    .option('--external-url <url>', 'this service as users reach it, for links in notifications')
    .option('--once', 'scan once, deliver the notifications due, and exit (for cron and tests)')
    .option(
      '--notify-lease <duration>',
      'how long a notification being sent stays with this process before another (or a restart) may retry it',
      '60s',
    )
    .addOption(
      new Option('--log-level <level>', 'log level')
        .choices(['debug', 'info', 'warn', 'error'])
        .default('info'),
    )
    .addHelpText(
      'after',
      `
Examples:
  kubedac serve examples/fleet                               serve on 127.0.0.1:8080, scan every 5m
  kubedac serve --fleet fleet.yaml --silences silences.yaml -c kubedac.yaml
  KUBEDAC_API_TOKEN=$(openssl rand -hex 32) kubedac serve --all-contexts --listen 0.0.0.0:8080
  kubedac serve examples/fleet --once --database /var/lib/kubedac/kubedac.db   (from cron)
API: /api/v1/{clusters,scans,findings,incidents,silences,detectors}, /openapi.json, /metrics, /healthz, /readyz.
Logs: JSON lines on stderr. Exit codes (--once): 0 every scan recorded; 1 some could not be; 2 usage errors.`,
    )
    .action(async (inputs: string[], o) => {
      const log = createLogger({ level: o.logLevel as LogLevel })
      if (inputs.includes('-'))
        throw new KubedacError(
          'KDAC_E_USAGE',
          'serve scans again and again: name files or folders, not standard input',
        )
      const intervalMs = parseDuration(o.interval)
      if (intervalMs === undefined || intervalMs < 1000)
        throw new KubedacError(
          'KDAC_E_USAGE',
          `--interval ${JSON.stringify(o.interval)}: expected a duration of at least 1s, such as 30s, 5m or 1h`,
        )
      const leaseMs = parseDuration(o.notifyLease)
      if (leaseMs === undefined || leaseMs < 1000)
        throw new KubedacError(
          'KDAC_E_USAGE',
          `--notify-lease ${JSON.stringify(o.notifyLease)}: expected a duration of at least 1s`,
        )
      if (o.concurrency !== undefined && (!Number.isInteger(o.concurrency) || o.concurrency < 1))
        throw new KubedacError('KDAC_E_USAGE', '--concurrency must be a whole number of at least 1')
      const listen = o.once ? undefined : parseListen(o.listen)
      const token = await loadToken(o.tokenFile)
      if (listen) checkExposure(listen, token)
      if (o.externalUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(o.externalUrl))
        throw new KubedacError(
          'KDAC_E_USAGE',
          `--external-url ${JSON.stringify(o.externalUrl)}: expected an http(s) URL`,
        )
      const horizon = silenceHorizon(o.silencesMaxDays)

      const reg = await loadRegistry(o)
      for (const e of reg.errors)
        log.warn('detector or collector not loaded', { source: e.source, error: e.message })
      // Fails early on an inventory that names nothing; later rounds read it again.
      await resolveAllTargets(inputs, o)
      // As `kubedac scan` finds it: --silences, else silences: of kubedac.yaml.
      const silencesFile = silencesPath({ silences: o.silences, config: o.config }, reg.config)
      const loadSilences = silencesFile ? silencesLoader(silencesFile, horizon) : undefined
      if (loadSilences) await loadSilences() // a broken file at start is a usage error, not a warning

      // The store (kysely, SQLite, PostgreSQL) and the service (fastify, prom-client, the notifier) are
      // loaded by `serve` only: `kubedac scan` starts ~35 MB smaller without them.
      const [{ openStore }, { startService }] = await Promise.all([
        import('../../store/index.js'),
        import('../../serve/service.js'),
      ])
      const store = await openStore(
        o.databaseUrl !== undefined ? { url: o.databaseUrl } : { file: o.database },
      )
      log.info('store opened', {
        dialect: store.dialect,
        ...(store.dialect === 'sqlite' ? { file: o.database } : {}),
      })
      const service = await startService({
        store,
        setup: { detectors: reg.enabled, collectors: reg.collectors, config: reg.config },
        catalog: detectorCatalog(
          reg.all,
          new Map(reg.enabled.map((d) => [d.detector.meta.id, d.severity])),
          reg.config.runbookBase,
        ),
        inventory: () => resolveAllTargets(inputs, o),
        ...(loadSilences ? { loadSilences } : {}),
        silenceHorizonMs: horizon,
        intervalMs,
        ...(o.concurrency !== undefined ? { concurrency: o.concurrency } : {}),
        deliveryLeaseMs: leaseMs,
        ...(listen ? { listen } : {}),
        ...(token ? { token } : {}),
        ...(o.once ? { once: true } : {}),
        ...(o.externalUrl ? { externalUrl: o.externalUrl } : {}),
        log,
      }).catch(async (e: unknown) => {
        await store.close()
        throw e
      })
      process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: errorMessage(e) }))
      let signals = 0
      const onSignal = (sig: string) => {
        if (++signals > 1) process.exit(130)
        log.info('stopping', { signal: sig })
        void service.stop()
      }
      process.on('SIGTERM', () => onSignal('SIGTERM'))
      process.on('SIGINT', () => onSignal('SIGINT'))
      const ok = await service.done
      await service.stop()
      if (o.once) process.exitCode = ok ? 0 : 1
    })
}
