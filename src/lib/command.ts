import { SfCommand, toHelpSection } from '@salesforce/sf-plugins-core';
import { Messages } from '@salesforce/core/messages';
import type { Connection, Org, SfError } from '@salesforce/core';
import type { HelpSection } from '@oclif/core';
import { guardProcess } from './interrupt.js';
import { printable } from './names.js';
import { recoverInterruptedApply } from './plan.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.shared');

import { EXIT } from './exit-codes.js';

export { EXIT };

/**
 * The EXIT CODES section of a command's help: a gate (check, prepare) exits 1 when it fails. `what` names the
 * command in the exit-2 line ("The check could not run").
 */
export function exitCodes(gate: boolean, what = 'command'): HelpSection {
  const cannotRun = messages.getMessage('exit.cannotRun', [what]);
  return toHelpSection(
    'EXIT CODES',
    gate
      ? {
          [String(EXIT.passed)]: messages.getMessage('exit.passed'),
          [String(EXIT.gateFailed)]: messages.getMessage('exit.failed'),
          [String(EXIT.cannotRun)]: cannotRun,
        }
      : { [String(EXIT.passed)]: messages.getMessage('exit.done'), [String(EXIT.cannotRun)]: cannotRun },
  );
}

/**
 * Marks any error of a command as "could not run" (exit 2), so CI can tell it from a failed gate (exit 1). oclif's
 * own parse errors carry their code in `oclif.exit`, which sf-plugins-core reads first, and sf sets its default to 1.
 */
export function asCannotRun<E extends Error>(error: E): E {
  const e = error as E & { exitCode?: number; oclif?: { exit?: number }; actions?: string[] };
  e.exitCode = EXIT.cannotRun;
  // messages quote paths and names from files and orgs: no escape sequence reaches the terminal
  e.message = printable(e.message);
  if (e.oclif) e.oclif.exit = EXIT.cannotRun;
  // sf-plugins-core refuses a --target-dev-hub that is not a Dev Hub without saying what to do instead
  if (e.name === 'NotADevHubError' && !e.actions?.length) e.actions = messages.getMessages('error.NotADevHub.actions');
  return error;
}

/** What the library's workflows use of a command: output, warnings and a spinner for anything slow. */
export type Ui = Pick<SfCommand<unknown>, 'log' | 'warn' | 'logSuccess' | 'styledHeader' | 'spinner'>;

/** Runs slow work under a spinner that shows the org's status, stopping it whatever happens. */
export async function withSpinner<T>(
  ui: Ui,
  message: string,
  work: (onStatus: (status: string) => void) => Promise<T>,
): Promise<T> {
  ui.spinner.start(message);
  let result: T;
  try {
    result = await work((status) => (ui.spinner.status = status));
  } catch (error) {
    // never "done" before an error
    ui.spinner.stop(messages.getMessage('spinner.failed'));
    throw error;
  }
  ui.spinner.stop();
  return result;
}

/** Reads from the Dev Hub under a spinner; the org module is loaded only then, so offline runs never load SDR. */
export async function readDevHub<T>(
  ui: Ui,
  hub: Org,
  apiVersion: string | undefined,
  message: string,
  read: (org: typeof import('./org.js'), conn: Connection, onStatus: (status: string) => void) => Promise<T>,
): Promise<T> {
  const org = await import('./org.js');
  return withSpinner(ui, message, (onStatus) => read(org, hub.getConnection(apiVersion), onStatus));
}

/**
 * The shape of every command: its help ends with the exit codes, and any error exits 2 ("could not run"), so that
 * exit 1 always means a failed gate. A command adds its flags and a short run() that calls into src/lib.
 */
export abstract class EcaCommand<T> extends SfCommand<T> {
  public static readonly errorCodes = exitCodes(true);

  /**
   * Before any command reads the project: signals are answered plainly, every byte printed is redacted, and an
   * apply that a kill interrupted is finished or undone (and the user told which).
   */
  public override async init(): Promise<void> {
    await super.init();
    const recovered = await recoverInterruptedApply(process.cwd());
    if (recovered) this.warn(recovered);
  }

  /**
   * sf-plugins-core's _run registers signal handlers (which throw an exit error: a stack, exit 1) synchronously before
   * its first await; replacing them right after the call leaves no moment in which they can fire.
   */
  public override _run<R>(): Promise<R> {
    const running = super._run<R>();
    guardProcess();
    return running;
  }

  /** Sets the exit code from a gate's verdict; errors go through catch() below. */
  protected setGateExit(passed: boolean): void {
    process.exitCode = passed ? EXIT.passed : EXIT.gateFailed;
  }

  protected override catch(error: Error | SfError): Promise<never> {
    return super.catch(asCannotRun(error));
  }
}

/** The help texts oclif reads from a command class. */
type CommandHelp = { summary?: string; description?: string; examples?: unknown };

/**
 * Gives a command the help of messages/<bundle>.md (summary, description, examples) and returns that bundle for
 * its flag summaries: `public static readonly messages = withHelp(this, 'eca.<name>');` first in the class.
 */
export function withHelp(command: CommandHelp, bundle: string): Messages<string> {
  const own = Messages.loadMessages('sf-plugin-eca', bundle);
  command.summary = own.getMessage('summary');
  command.description = own.getMessage('description');
  command.examples = own.getMessages('examples');
  return own;
}
