/*
 * Refusal tables: each case runs a command that must refuse it, exit 2 with a named error, a message and the action
 * that says what to do, and leave the project byte for byte as it was.
 */
import { expect, it } from 'vitest';
import { snapshot } from './tree.js';

export type Refusal = {
  /** what the case is, for the test's title */
  label: string;
  /** a new project for the case */
  project: () => string;
  /** the command's arguments (--json is added) */
  args: string[];
  /** the error's name in --json */
  name?: string;
  /** the whole message, or with `partly` a part of it that names the bad value */
  message: string;
  partly?: boolean;
  /** a line of the error's actions */
  action?: RegExp;
};

export type RefusingRun = { code: number; stdout: string; stderr: string; json?: Record<string, any> };

/**
 * One test per case, run side by side: only for cases that deploy nothing and change no org. `unchanged` gives
 * what else must be the same after the run as before (the orgs' deploy counts).
 */
export function itRefuses(
  cases: Refusal[],
  options: {
    title: (label: string) => string;
    run: (project: string, args: string[]) => Promise<RefusingRun>;
    unchanged?: () => unknown;
  },
): void {
  for (const c of cases) {
    it.concurrent(options.title(c.label), async () => {
      const project = c.project();
      const before = snapshot(project);
      const elsewhere = options.unchanged?.();
      const run = await options.run(project, [...c.args, '--json']);
      expect(run.code, run.stdout + run.stderr).toBe(2);
      if (c.name) expect(run.json?.name).toBe(c.name);
      if (c.partly) expect(run.json?.message).toContain(c.message);
      else expect(run.json?.message).toBe(c.message);
      if (c.action) expect(((run.json?.actions as string[] | undefined) ?? []).join('\n')).toMatch(c.action);
      expect(snapshot(project)).toEqual(before);
      if (options.unchanged) expect(options.unchanged()).toEqual(elsewhere);
    });
  }
}
