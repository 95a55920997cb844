// `npm test`'s last step: runs every Vitest suite and ends with the one-line tally CI reads.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const report = '.vitest-report.json';
rmSync(report, { force: true });
const run = spawnSync(
  'npx',
  ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);

interface VitestJson { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number; numFailedTestSuites: number }
let tally: VitestJson;
try {
  tally = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
} catch {
  console.log('the test runner wrote no report');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
// A suite that fails to load has no test results of its own; count it so it cannot hide.
const failed = tally.numFailedTests + tally.numFailedTestSuites;
const skipped = tally.numPendingTests + tally.numTodoTests;
console.log(`${tally.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
