#!/usr/bin/env node
import { Command, CommanderError } from 'commander'
import { KubedacError, errorMessage } from '../core/errors.js'
import { VERSION } from './context.js'
import { detectorsCommand } from './commands/detectors.js'
import { planCommand } from './commands/plan.js'
import { rbacCommand } from './commands/rbac.js'
import { scanCommand } from './commands/scan.js'
import { serveCommand } from './commands/serve.js'
import { simulateCommand } from './commands/simulate.js'
import { testCommand } from './commands/test.js'

/** Builds the `kubedac` command tree (also `kubectl dac …` as a kubectl plugin). */
export function buildProgram(): Command {
  const program = new Command('kubedac')
    .description(
      'Detection as Code for Kubernetes fleets: scan dumps, manifests and clusters for known issues.',
    )
    .version(VERSION, '--version', 'print the version')
    .showHelpAfterError()
    .exitOverride()
  program.addCommand(scanCommand())
  program.addCommand(detectorsCommand())
  program.addCommand(planCommand())
  program.addCommand(testCommand())
  program.addCommand(rbacCommand())
  program.addCommand(serveCommand())
  program.addCommand(simulateCommand())
  program
    .command('version')
    .description('print the version')
    .action(() => {
      process.stdout.write(`kubedac ${VERSION}\n`)
    })
  // Settings are inherited only by `.command()` children, not by added commands: apply them to all,
  // so a usage error anywhere exits 2 (DESIGN.md) instead of commander's 1.
  const apply = (c: Command) => {
    c.exitOverride().showHelpAfterError()
    c.commands.forEach(apply)
  }
  apply(program)
  return program
}

async function main(): Promise<void> {
  try {
    await buildProgram().parseAsync(process.argv)
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exitCode = e.exitCode === 0 ? 0 : 2
      return
    }
    const code = e instanceof KubedacError ? ` [${e.code}]` : ''
    process.stderr.write(`kubedac: ${errorMessage(e)}${code}\n`)
    process.exitCode = 2
  }
}

await main()
