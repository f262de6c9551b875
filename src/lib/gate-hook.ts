import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Messages } from '@salesforce/core/messages';
import { SfError } from '@salesforce/core/sfError';
import { EXIT } from './exit-codes.js';
import type { GateOutcome, GateRequest } from './gate.js';
import { hostFlagValues, wantsJson, type HostFlags } from './host-argv.js';
import type { Printer } from './output.js';

/**
 * What the prerun hook does once it knows the command is package version create: run the gate, say one line when
 * it passes, and otherwise stop sf with the findings (human text on stderr, or the sf error envelope on stdout
 * under --json) and exit 1, or exit 2 when the gate could not run.
 */

Messages.importMessagesDirectoryFromMetaUrl(import.meta.url);
const messages = Messages.loadMessages('sf-plugin-eca', 'eca.gate');

export const SKIP_GATE_ENV = 'SF_ECA_SKIP_GATE';

export type HostCommand = {
  /** the command class's name, which sf puts in its error envelope as commandName and context */
  name: string;
  flags: HostFlags;
};

export type GateIo = {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** the width lines on stderr must fit (a terminal's columns; none in a pipe or a log) */
  columns?: number;
};

export function skipRequested(env: NodeJS.ProcessEnv): boolean {
  return /^(true|1)$/i.test(env[SKIP_GATE_ENV]?.trim() ?? '');
}

/** Thrown to stop sf: oclif exits with `oclif.exit` and prints nothing more, since the gate has said everything. */
class GateStop extends Error {
  public readonly oclif: { exit: number };
  public readonly skipOclifErrorHandling = true;
  public constructor(public readonly cause: SfError) {
    super(cause.message);
    this.name = cause.name;
    this.oclif = { exit: cause.exitCode };
  }
}

/** sf's error envelope (SfCommandError.toJson) without the stack, which would only list the plugin's own files. */
function envelope(error: SfError, command: HostCommand): Record<string, unknown> {
  return {
    ...error.toObject(),
    context: command.name,
    commandName: command.name,
    code: String(error.exitCode),
    status: error.exitCode,
    warnings: [],
  };
}

function sfStyleError(error: SfError): string {
  const actions = error.actions?.length ? `\n\nTry this:\n\n${error.actions.join('\n\n')}` : '';
  return `Error (${error.name}): ${error.message}${actions}\n`;
}

async function stop(
  error: SfError,
  command: HostCommand,
  io: GateIo,
  json: boolean,
  outcome?: GateOutcome,
): Promise<GateStop> {
  if (json) {
    io.stdout(JSON.stringify(envelope(error, command), null, 2) + '\n');
  } else {
    if (outcome) {
      const { printCheckResult } = await import('./output.js');
      const toStderr: Printer = {
        log: (m = '') => io.stderr(m + '\n'),
        styledHeader: (t) => io.stderr(`=== ${t}\n\n`),
      };
      printCheckResult(toStderr, outcome.result, io.columns ?? Infinity);
      io.stderr('\n');
    }
    io.stderr(sfStyleError(error));
  }
  return new GateStop(error);
}

/**
 * --flags-dir DIR gives flags as files named after them (sf's own preparse hook reads them when the command parses,
 * after prerun), so a package or path given that way is read here the same way: the first line that is no comment.
 */
async function fromFlagsDir(dir: string, cwd: string, names: string[]): Promise<string | undefined> {
  for (const name of names) {
    const text = await readFile(join(resolve(cwd, dir), name), 'utf8').catch(() => undefined);
    const line = text
      ?.split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '' && !l.startsWith('#') && !l.startsWith('//'));
    if (line) return line;
  }
  return undefined;
}

/** What the host command was asked to build: its --package or --path, on the command line or in --flags-dir. */
async function requestOf(command: HostCommand, io: GateIo): Promise<GateRequest> {
  const values = hostFlagValues(io.argv, command.flags);
  const asString = (v: string | boolean | undefined): string | undefined => (typeof v === 'string' ? v : undefined);
  const request = { package: asString(values.package), path: asString(values.path) };
  const flagsDir = asString(values['flags-dir']);
  if (!flagsDir || request.package !== undefined || request.path !== undefined) return request;
  const pkg = await fromFlagsDir(flagsDir, io.cwd, ['package', 'p']);
  return pkg !== undefined ? { package: pkg } : { path: await fromFlagsDir(flagsDir, io.cwd, ['path', 'd']) };
}

export async function runPackageGate(command: HostCommand, io: GateIo): Promise<void> {
  const json = wantsJson(io.argv, io.env);
  const { wrapText } = await import('./table.js');
  const say = (text: string): void => io.stderr(wrapText(text, io.columns ?? Infinity).join('\n') + '\n');
  if (skipRequested(io.env)) {
    say(messages.getMessage('info.skipped', [SKIP_GATE_ENV]));
    return;
  }
  const request = await requestOf(command, io);
  // only now the checklist's modules: a skipped gate costs no more than its message
  const [{ runGate }, { summaryLine }, { projectPath }, { RULES }, { pluginTool, sarifLog, writeSarif }] =
    await Promise.all([
      import('./gate.js'),
      import('./output.js'),
      import('./project.js'),
      import('./rules/index.js'),
      import('./sarif.js'),
    ]);
  let outcome: GateOutcome;
  try {
    outcome = await runGate(io.cwd, request);
    const sarif = outcome.project.settings?.sarif;
    if (sarif) {
      const written = await writeSarif(
        outcome.project.root,
        sarif,
        sarifLog(outcome.result, RULES, pluginTool(), outcome.project.root),
      );
      say(messages.getMessage('info.sarif', [written]));
    }
  } catch (error) {
    // outside a project sf's own command says what is wrong, better than the gate could
    if ((error as Error).name === 'NoProjectError') {
      say(messages.getMessage('info.noProject', [io.cwd]));
      return;
    }
    const cause = error instanceof SfError ? error : SfError.wrap(error as Error);
    const cannotRun = messages.createError('error.CannotRun', [cause.message], [SKIP_GATE_ENV], EXIT.cannotRun);
    cannotRun.actions = [...(cause.actions ?? []), ...(cannotRun.actions ?? [])];
    throw await stop(cannotRun, command, io, json);
  }
  const dir = projectPath(outcome.project, outcome.target.packageDir.fullPath) || '.';
  if (outcome.result.passed) {
    say(messages.getMessage('info.passed', [dir, summaryLine(outcome.result, Infinity), SKIP_GATE_ENV]));
    return;
  }
  const failed = messages.createError(
    'error.GateFailed',
    [dir, summaryLine(outcome.result)],
    [SKIP_GATE_ENV],
    EXIT.gateFailed,
  );
  failed.setData(outcome.result);
  throw await stop(failed, command, io, json, outcome);
}
