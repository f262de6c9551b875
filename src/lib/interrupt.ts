import { Messages } from '@salesforce/core/messages';
import { installOutputRedaction } from './redact.js';

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.apply');

/**
 * Ctrl-C and SIGTERM. sf-plugins-core answers them by throwing an exit error from inside the signal handler, which
 * prints a stack and exits 1; here a signal outside an apply exits at once (nothing is written outside an apply:
 * retrieves stay in memory) with one plain line and 128 + the signal's number, and a signal during an apply is held
 * until the apply has finished or undone its changes.
 */

const EXIT_CODES: Readonly<Record<string, number>> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };

let critical = 0;
let pending: NodeJS.Signals | undefined;
/** what the last apply of this run did, so a signal after it says the truth */
let written = false;
let beforeExit: (() => void) | undefined;

/** Something to end before the line is printed (a spinner's half-written line). */
export function onInterrupt(callback: (() => void) | undefined): void {
  beforeExit = callback;
}

function exitNow(signal: NodeJS.Signals, key: string): never {
  try {
    beforeExit?.();
  } catch {
    // the line below matters more
  }
  process.stderr.write(`${messages.getMessage(key, [signal])}\n`);
  process.exit(EXIT_CODES[signal] ?? 1);
}

/** What every command does first: signals answered plainly, and every byte it prints redacted. */
export function guardProcess(): void {
  installInterruptHandling();
  installOutputRedaction();
}

export function installInterruptHandling(): void {
  for (const signal of Object.keys(EXIT_CODES) as NodeJS.Signals[]) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (critical > 0) pending ??= signal;
      else exitNow(signal, written ? 'interrupted.afterApply' : 'interrupted.nothing');
    });
  }
}

/** True once a signal arrived during the current apply. */
export function interrupted(): boolean {
  return pending !== undefined;
}

/**
 * Runs an apply with signals held. When one arrived, the process exits afterwards with its code and a line saying
 * whether the changes were finished or undone (`applied` from the apply's result).
 */
export async function holdingSignals<T>(apply: () => Promise<T>, applied: (result: T) => boolean): Promise<T> {
  critical++;
  let result: T;
  try {
    result = await apply();
  } catch (error) {
    // a failed apply has put everything back
    if (--critical === 0 && pending) exitNow(pending, 'interrupted.undone');
    throw error;
  }
  if (applied(result)) written = true;
  if (--critical === 0 && pending) exitNow(pending, applied(result) ? 'interrupted.finished' : 'interrupted.undone');
  return result;
}
