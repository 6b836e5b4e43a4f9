import { Command, Option } from 'commander'
import { missingData } from '../../detect/define.js'
import { collectCluster, requiredData } from '../../pipeline.js'
import { loadRegistry, parseNow, resolveAllTargets } from '../context.js'
import { liveText, planLive } from '../live-plan.js'

const collect = (v: string, prev: string[] = []) => [...prev, v]

/** `kubedac plan`: which collectors and detectors will run, and which are skipped for missing data. */
export function planCommand(): Command {
  return new Command('plan')
    .description(
      'show which collectors and detectors will run on the inputs, and which are skipped for missing data',
    )
    .argument('[inputs...]', 'files or folders, as for scan; none: the static plan')
    .option('--kubeconfig <path>', 'plan for live clusters from this kubeconfig')
    .option('--context <name>', 'the kubeconfig context')
    .option('--all-contexts', 'every context of the kubeconfig')
    .option('--fleet <file>', 'the clusters of a fleet file')
    .option('--in-cluster', "the pod's own cluster (service account)")
    .option('--capi-kubeconfig <path>', 'the workload clusters of a Cluster API management cluster')
    .option('--capi-context <name>', 'the management cluster context')
    .option('--capi-namespace <ns>', 'only Cluster API clusters in this namespace')
    .option('--capi-in-cluster', "the management cluster is the pod's own cluster")
    .option('--detectors <dir>', 'load more detectors; repeatable', collect)
    .option('--collectors <dir>', 'load collectors; repeatable', collect)
    .option('--enable <id>', 'enable a detector or category', collect)
    .option('--disable <id>', 'disable a detector or category', collect)
    .option('-c, --config <file>', 'configuration file')
    .option('--cluster <name>', 'name the cluster')
    .option('--now <time>', 'the instant to judge at')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option('--json', 'print the plan as JSON (as --format json)')
    .addHelpText(
      'after',
      `
Live clusters are planned from API discovery only (no LIST): which kinds a scan would list, which
the cluster does not serve, and which detectors are therefore skipped.`,
    )
    .action(async (inputs: string[], o) => {
      const reg = await loadRegistry(o)
      const out: string[] = []
      const plan: Record<string, unknown> = {
        collectors: reg.collectors.map((c) => ({
          id: c.meta.id,
          produces: c.meta.produces,
          requires: c.meta.requires ?? [],
        })),
        detectors: reg.enabled.map((d) => d.detector.meta.id),
        disabled: reg.all.filter((d) => !reg.enabled.some((e) => e.detector === d)).map((d) => d.meta.id),
        requires: [...requiredData(reg.enabled)].sort(),
        clusters: [] as unknown[],
      }
      out.push('Collectors:')
      for (const c of reg.collectors)
        out.push(
          `  ${c.meta.id}: produces ${c.meta.produces.join(', ')}${c.meta.requires?.length ? `; requires ${c.meta.requires.join(', ')}` : ''}`,
        )
      out.push(`Detectors: ${reg.enabled.length} enabled, ${reg.all.length - reg.enabled.length} disabled`)
      out.push(`Data the enabled detectors need: ${(plan.requires as string[]).join(', ')}`)
      if (
        inputs.length ||
        o.kubeconfig !== undefined ||
        o.context !== undefined ||
        o.allContexts ||
        o.fleet ||
        o.inCluster ||
        o.capiKubeconfig !== undefined ||
        o.capiInCluster
      ) {
        const now = parseNow(o.now)
        const { targets, errors } = await resolveAllTargets(inputs, o)
        for (const e of errors) out.push(`! ${e.source}: ${e.message}`)
        plan.errors = errors
        for (const t of targets) {
          if (t.kube) {
            const live = await planLive(t, reg.collectors, reg.enabled)
            ;(plan.clusters as unknown[]).push(live)
            out.push('', ...liveText(live))
            continue
          }
          const { snapshot, errors: cerr } = await collectCluster(t, reg.collectors, reg.enabled, now)
          const collectors = reg.collectors
            .filter((c) => !c.meta.appliesTo || c.meta.appliesTo(t))
            .map((c) => c.meta.id)
          const run: string[] = []
          const skipped: { id: string; missing: string[] }[] = []
          for (const { detector } of reg.enabled) {
            const missing = missingData(detector.meta, (k) => snapshot.has(k))
            if (missing.length) skipped.push({ id: detector.meta.id, missing })
            else run.push(detector.meta.id)
          }
          const kinds = Object.fromEntries([...snapshot.kinds()].sort())
          ;(plan.clusters as unknown[]).push({
            name: t.name,
            source: t.source,
            collectors,
            objects: snapshot.size,
            kinds,
            now: snapshot.now.toISOString(),
            run,
            skipped,
            errors: cerr,
          })
          out.push(
            '',
            `Cluster ${t.name} (${t.source}): ${snapshot.size} objects, judged at ${snapshot.now.toISOString()}`,
          )
          out.push(`  collectors: ${collectors.join(', ') || 'none'}`)
          out.push(
            `  kinds: ${
              Object.entries(kinds)
                .map(([k, n]) => `${k}=${n}`)
                .join(' ') || 'none'
            }`,
          )
          out.push(`  will run (${run.length}): ${run.join(', ') || 'none'}`)
          out.push(`  skipped (${skipped.length}):`)
          for (const s of skipped) out.push(`    ${s.id}: no ${s.missing.join(', ')}`)
          for (const e of cerr) out.push(`  ! ${e.source}: ${e.message}`)
        }
      }
      const json = o.json === true || o.format === 'json'
      process.stdout.write(json ? JSON.stringify(plan, null, 2) + '\n' : out.join('\n') + '\n')
    })
}
