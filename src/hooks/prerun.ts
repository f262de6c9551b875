import type { Hook } from '@oclif/core';

/**
 * The gate inside `sf package version create`. oclif loads every plugin's prerun hook before every sf command, so
 * this module imports nothing until it knows the command is package version create: elsewhere it costs one
 * comparison of the command id.
 */

/** Its id and alias; flexible taxonomy and the alias both reach oclif as one of these, with any topic separator. */
const PACKAGE_VERSION_CREATE = new Set(['package:version:create', 'force:package:version:create']);

const standardized = (id: string): string => id.replace(/ /g, ':');

export function isPackageVersionCreate(command: { id?: string; aliases?: string[] }): boolean {
  return [command.id ?? '', ...(command.aliases ?? [])].some((id) => PACKAGE_VERSION_CREATE.has(standardized(id)));
}

const hook: Hook.Prerun = async function ({ Command, argv }) {
  if (!isPackageVersionCreate(Command)) return;
  const [{ runPackageGate }, { terminalWidth }] = await Promise.all([
    import('../lib/gate-hook.js'),
    import('../lib/table.js'),
  ]);
  await runPackageGate(
    { name: Command.name, flags: { ...Command.baseFlags, ...Command.flags } },
    {
      argv,
      env: process.env,
      cwd: process.cwd(),
      stdout: (text) => process.stdout.write(text),
      stderr: (text) => process.stderr.write(text),
      columns: terminalWidth(process.stderr),
    },
  );
};

export default hook;
