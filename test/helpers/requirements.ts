/*
 * What some suites need from the machine (the real sf CLI, xmllint, the shared corpus), and the one rule for when it
 * is missing: under CI=true and under the README's test command (scripts/test.sh sets ECA_TESTS_MUST_RUN=1) the suite
 * FAILS; only in a developer's ad hoc run is it skipped, with a warning printed. A test never passes by not running.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { ACCOUNT_HOME } from './env.js';

/** The sf CLI version the end-to-end suites are written against (scripts/test.sh installs it). */
export const SF_CLI_VERSION = '2.150.6';

/** True when nothing may be skipped: in CI, and in scripts/test.sh. */
export function mustRun(): boolean {
  return process.env.CI === 'true' || process.env.CI === '1' || process.env.ECA_TESTS_MUST_RUN === '1';
}

/**
 * The real sf: $ECA_SF_BIN, else where scripts/test.sh installs it
 * (${ECA_CACHE_DIR:-<account home>/.cache}/sf-cli). Not an SF_ variable: the shell's SF_* settings are scrubbed.
 */
export const SF_BIN =
  process.env.ECA_SF_BIN ||
  join(process.env.ECA_CACHE_DIR || join(ACCOUNT_HOME, '.cache'), 'sf-cli', 'node_modules', '.bin', 'sf');

/** Why the real sf cannot be used, or undefined when it can. */
export function sfMissing(): string | undefined {
  if (existsSync(SF_BIN)) return undefined;
  return (
    `the real sf CLI is not at ${SF_BIN}: run bash scripts/test.sh (it installs @salesforce/cli@${SF_CLI_VERSION}), ` +
    'or set ECA_SF_BIN to an sf binary'
  );
}

/** Why xmllint cannot be used, or undefined when it can. */
export function xmllintMissing(): string | undefined {
  const probe = spawnSync('xmllint', ['--version'], { encoding: 'utf8' });
  return probe.error ? 'xmllint is not on PATH: install libxml2-utils' : undefined;
}

/** The shared corpus of real projects: $ECA_CORPUS_DIR, else beside the checkout (../shared/corpus). */
export const CORPUS = process.env.ECA_CORPUS_DIR
  ? join(process.env.ECA_CORPUS_DIR, '/')
  : fileURLToPath(new URL('../../../shared/corpus/', import.meta.url));

export function corpusMissing(): string | undefined {
  return existsSync(CORPUS)
    ? undefined
    : `the corpus of real projects is not at ${CORPUS} (set ECA_CORPUS_DIR to where it is)`;
}

/** The loud warning of an ad hoc run that skips what it cannot run (never printed under mustRun(): it fails). */
export function warnSkipped(title: string, missing: string): void {
  const bar = '!'.repeat(100);
  console.warn(
    `\n${bar}\n!! SKIPPED (ad hoc run): ${title}\n!! because ${missing}\n!! Under CI=true or scripts/test.sh this suite FAILS instead.\n${bar}\n`,
  );
}

/**
 * `describe` for a suite that needs something from the machine: it runs when `missing` is undefined; otherwise it is
 * one failing test under mustRun(), and a skipped suite with a printed warning in an ad hoc run.
 */
export function describeWhen(missing: string | undefined, title: string, body: () => void): void {
  if (missing === undefined) describe(title, body);
  else if (mustRun()) {
    describe(title, () => {
      it('can run on this machine', () => {
        throw new Error(`${title} cannot run: ${missing}`);
      });
    });
  } else {
    warnSkipped(title, missing);
    describe.skip(`${title} — SKIPPED: ${missing}`, body);
  }
}

/** The same rule for one test inside a suite: fails under mustRun(), skipped with a warning otherwise. */
export function itWhen(missing: string | undefined): typeof it {
  if (missing === undefined) return it;
  if (mustRun())
    return ((title: string) =>
      it(title, () => {
        throw new Error(`${title} cannot run: ${missing}`);
      })) as unknown as typeof it;
  return ((title: string, ...rest: unknown[]) => {
    warnSkipped(title, missing);
    return (it.skip as (t: string, ...r: unknown[]) => void)(`${title} — SKIPPED: ${missing}`, ...rest);
  }) as unknown as typeof it;
}
