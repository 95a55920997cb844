// `npm test`'s last step: runs every Vitest suite and ends with the one-line tally CI reads.
// Browser end-to-end tests run in a second pass on their own, so their latency assertions (activation well
// under a second) measure the app rather than a machine busy with the rest of the suite.
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  testResults: { status: string; assertionResults: unknown[] }[];
}

const passes: { name: string; args: string[] }[] = [
  { name: 'unit and integration', args: ['--exclude', 'test/e2e/**'] },
  { name: 'browser end-to-end', args: ['test/e2e/'] },
];
const extra = process.argv.slice(2);

let passed = 0;
let failed = 0;
let skipped = 0;
let ok = true;
for (const pass of extra.length ? [{ name: 'selected', args: extra }] : passes) {
  const report = `.vitest-report.json`;
  rmSync(report, { force: true });
  console.log(`\n== ${pass.name} ==`);
  const run = spawnSync('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...pass.args], { stdio: 'inherit' });
  let tally: VitestJson;
  try {
    tally = JSON.parse(readFileSync(report, 'utf8')) as VitestJson;
  } catch {
    console.log(`the ${pass.name} run wrote no report`);
    failed += 1;
    ok = false;
    continue;
  }
  passed += tally.numPassedTests;
  // A file that fails to load (or fails in a hook) has no failed test of its own; count it so it cannot hide.
  const brokenFiles = tally.testResults.filter((f) => f.status === 'failed' && !f.assertionResults.some((a) => (a as { status?: string }).status === 'failed')).length;
  failed += tally.numFailedTests + brokenFiles;
  skipped += tally.numPendingTests + tally.numTodoTests;
  if (run.status !== 0) ok = false;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(ok && failed === 0 ? 0 : 1);
