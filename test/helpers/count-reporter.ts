/*
 * A vitest reporter (beside the default one) that prints one line of counts at the end of a run, e.g.
 * "end-to-end: 20 passed, 0 skipped, 0 failed", and how many were skipped in which file. Under CI=true or scripts/test.sh
 * (requirements.ts mustRun) a run that skipped a test, or ran none, fails: a suite never passes by not running.
 */
import type { Reporter, TestModule } from 'vitest/node';
import { mustRun } from './requirements.js';

export default class CountReporter implements Reporter {
  public constructor(private readonly options: { label?: string } = {}) {}

  public onTestRunEnd(testModules: readonly TestModule[]): void {
    const label = this.options.label ?? 'tests';
    const counts = { passed: 0, skipped: 0, failed: 0, pending: 0 };
    const skipped = new Map<string, number>();
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        counts[state]++;
        const file = module.moduleId.replace(/^.*\/test\//, 'test/');
        if (state === 'skipped') skipped.set(file, (skipped.get(file) ?? 0) + 1);
      }
    }
    console.log(`\n${label}: ${counts.passed} passed, ${counts.skipped} skipped, ${counts.failed} failed`);
    for (const [file, n] of skipped) console.log(`${label}: SKIPPED ${n} in ${file}`);
    if (!mustRun()) {
      if (counts.skipped > 0) console.warn(`${label}: WARNING ${counts.skipped} tests did not run (ad hoc run)`);
      return;
    }
    const why =
      counts.skipped > 0
        ? `${counts.skipped} tests were skipped`
        : counts.passed === 0 && testModules.length > 0
          ? 'no test passed'
          : undefined;
    if (why) {
      console.error(`${label}: FAILED because ${why}; under CI=true or scripts/test.sh every test must run`);
      process.exitCode = 1;
    }
  }
}
