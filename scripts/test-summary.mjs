// Prints vitest's JSON report as one plain line: "N passed, N failed, N skipped".
import { existsSync, readFileSync } from 'node:fs'

const file = process.argv[2] ?? '.test-report.json'
if (!existsSync(file)) {
  console.log(
    'tests: 0 passed, 1 failed (the test run did not get to vitest: see the build, typecheck or lint output above)',
  )
  process.exit(1)
}
const r = JSON.parse(readFileSync(file, 'utf8'))
const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0)
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`)
process.exit(r.numFailedTests > 0 || r.numTotalTests === 0 ? 1 : 0)
