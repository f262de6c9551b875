/**
 * Reads flag values from another command's argv the way oclif's parser does (long and short names, aliases,
 * `--name=value`, `-nvalue`, `-n=value`, `--` ending the flags), without running that command's flag parsers: those
 * of sf's package commands resolve the Dev Hub, which is an org call the gate must come before.
 */

export type HostFlag = {
  char?: string;
  aliases?: string[];
  charAliases?: string[];
  type: 'boolean' | 'option';
  allowNo?: boolean;
};

export type HostFlags = Record<string, HostFlag>;

/** The last value given for each option flag, by its canonical name; boolean flags as true or false. */
export function hostFlagValues(argv: readonly string[], flags: HostFlags): Record<string, string | boolean> {
  const byName = new Map<string, string>();
  for (const [name, flag] of Object.entries(flags)) {
    byName.set(`--${name}`, name);
    if (flag.char) byName.set(`-${flag.char}`, name);
    for (const alias of flag.aliases ?? []) byName.set(alias.length === 1 ? `-${alias}` : `--${alias}`, name);
    for (const alias of flag.charAliases ?? []) byName.set(`-${alias}`, name);
  }
  const values: Record<string, string | boolean> = {};
  const pending = [...argv];
  while (pending.length) {
    const arg = pending.shift()!;
    if (arg === '--') break;
    if (!arg.startsWith('-') || arg === '-') continue;
    const isLong = arg.startsWith('--');
    const key = isLong ? arg.split('=')[0] : arg.slice(0, 2);
    const name = byName.get(key);
    if (!name && key.startsWith('--no-')) {
      const negated = byName.get(`--${key.slice(5)}`);
      if (negated && flags[negated].type === 'boolean' && flags[negated].allowNo) values[negated] = false;
      continue;
    }
    if (!name) continue;
    const flag = flags[name];
    if (flag.type === 'boolean') {
      values[name] = true;
      // oclif reads -xy as -x then -y
      if (!isLong && arg.length > 2) pending.unshift(`-${arg.slice(2)}`);
      continue;
    }
    const inline = isLong
      ? arg.includes('=')
        ? arg.slice(arg.indexOf('=') + 1)
        : undefined
      : arg.length > 2
        ? arg.slice(arg[2] === '=' ? 3 : 2)
        : undefined;
    const value = inline ?? pending.shift();
    if (value !== undefined) values[name] = value;
  }
  return values;
}

/** Whether a command run with this argv answers in JSON: its --json flag before `--`, or SF_CONTENT_TYPE=JSON. */
export function wantsJson(argv: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const end = argv.indexOf('--');
  if ((end < 0 ? argv : argv.slice(0, end)).includes('--json')) return true;
  return (env.SF_CONTENT_TYPE ?? env.SFDX_CONTENT_TYPE ?? '').toLowerCase() === 'json';
}
