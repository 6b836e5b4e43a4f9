import { Command } from 'commander'
import type { DetectorSuite } from '../../detect/cases.js'
import { loadBuiltinSuites, loadDirectory } from '../../detect/registry.js'
import { runSuite, type SuiteResult } from '../../detect/tester.js'

/** Runs suites and prints a line per detector, the problems of failing cases, and a summary. */
export function printResults(
  results: SuiteResult[],
  write: (s: string) => void,
): { passed: number; failed: number } {
  let passed = 0
  let failed = 0
  for (const r of results) {
    write(`${r.ok ? '✓' : '✗'} ${r.detector} (${r.cases.length} cases)${r.origin ? ` ${r.origin}` : ''}\n`)
    for (const p of r.problems) write(`    ${p}\n`)
    for (const c of r.cases) {
      if (c.ok) passed++
      else {
        failed++
        write(`    ✗ ${c.type}: ${c.name}\n`)
        for (const p of c.problems) write(`        ${p}\n`)
      }
    }
    if (r.problems.length) failed += r.problems.length
  }
  return { passed, failed }
}

/** `kubedac test [DIR…]`: runs the valid/invalid/skip cases of built-in or user detectors. */
export function testCommand(): Command {
  return new Command('test')
    .description("run detectors' test cases (built-in ones, or those in the given directories)")
    .argument('[dirs...]', 'directories of user detectors with their cases; none: the built-in library')
    .option('--detector <id>', 'only this detector')
    .action(async (dirs: string[], o) => {
      let suites: DetectorSuite[] = []
      let loadFailures = 0
      if (!dirs.length) suites = await loadBuiltinSuites()
      else
        for (const dir of dirs) {
          const l = await loadDirectory(dir, { withSuites: true })
          for (const e of l.errors) {
            process.stdout.write(`✗ ${e.message}\n`)
            loadFailures++
          }
          const tested = new Set(l.suites.map((s) => s.detector.meta.id))
          for (const d of l.detectors)
            if (!tested.has(d.meta.id)) {
              process.stdout.write(
                `✗ ${d.meta.id} has no test cases (add ${d.meta.id}.cases.ts or a .tests/ folder)\n`,
              )
              loadFailures++
            }
          suites.push(...l.suites)
        }
      if (o.detector) suites = suites.filter((s) => s.detector.meta.id === o.detector)
      const { passed, failed } = printResults(suites.map(runSuite), (s) => process.stdout.write(s))
      process.stdout.write(
        `\n${suites.length} detectors: ${passed} passed, ${failed + loadFailures} failed\n`,
      )
      process.exitCode = failed + loadFailures > 0 || suites.length === 0 ? 1 : 0
    })
}
