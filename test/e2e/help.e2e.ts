/*
 * The help of every command, run on its own (bin/run.js, as scripts/example.sh and the README's generated command
 * sections use it) and inside the real sf 2.150.6: the same text, EXIT CODES included. sf renders the EXIT CODES
 * section through its own help class; bin/run.js has the plugin's (src/help.ts), which must add the same sections.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { describeWhen, sfMissing } from '../helpers/requirements.js';
import { REPO, describeRun, runPlugin, runSf } from '../helpers/run.js';
import { linkedHome } from '../helpers/sf-projects.js';

type Manifest = { commands: Record<string, { errorCodes?: { header: string; body: Array<{ name: string }> } }> };
const manifest = JSON.parse(readFileSync(join(REPO, 'oclif.manifest.json'), 'utf8')) as Manifest;
const commands = Object.keys(manifest.commands).sort();

describeWhen(sfMissing(), 'the help of every command: bin/run.js shows what the real sf shows', () => {
  let home: string;

  beforeAll(async () => {
    home = await linkedHome();
  });

  it('the plugin has commands, each with exit codes', () => {
    expect(commands.length).toBeGreaterThanOrEqual(5);
    for (const id of commands) expect(manifest.commands[id].errorCodes?.header, id).toBe('EXIT CODES');
  });

  it.each(commands)('%s --help: the same text, with the EXIT CODES section', async (id) => {
    const args = [...id.split(':'), '--help'];
    const [own, sf] = await Promise.all([runPlugin(args, { home }), runSf(args, { home })]);
    expect(own.exitCode, describeRun(own)).toBe(0);
    expect(sf.exitCode, describeRun(sf)).toBe(0);
    const exitCodes = own.stdout.slice(own.stdout.indexOf('\nEXIT CODES\n'));
    expect(exitCodes, describeRun(own)).toMatch(/^\nEXIT CODES\n {2}0 {2}\S/);
    for (const { name } of manifest.commands[id].errorCodes!.body) {
      expect(exitCodes, `${id}: exit code ${name}`).toMatch(new RegExp(`^ {2}${name} {2}\\S`, 'm'));
    }
    expect(own.stdout).toBe(sf.stdout);
  });
});
