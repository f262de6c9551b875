/*
 * Registers an OrgEmulator as an authorized org under a throwaway HOME, with zero HTTP calls
 * (org-emulation.md §3.2). The environment of real `sf` children is ../env.ts childEnv (§2).
 */
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import { dirname, join } from 'node:path';
import {
  AuthInfo,
  Config,
  ConfigAggregator,
  Global,
  Org,
  OrgConfigProperties,
  SfProject,
  StateAggregator,
} from '@salesforce/core';
import { SF_SWITCHES } from '../env.js';
import type { OrgEmulator } from './org-emulator.js';

type AccessTokenOptions = NonNullable<AuthInfo.Options['accessTokenOptions']>;

const realHomedir = os.homedir.bind(os);
let homedirPatched = false;

/**
 * Clears @salesforce/core's per-process caches that depend on HOME or on files under it
 * (StateAggregator per state dir, ConfigAggregator per project path, SfProject instances).
 */
export async function clearCoreCaches(): Promise<void> {
  StateAggregator.clearInstance(Global.DIR);
  await ConfigAggregator.clearInstance();
  SfProject.clearInstances();
}

/**
 * Points this process's @salesforce/core at `home` (sets HOME and the sf switches; setup.ts already removed the
 * shell's SF_/SFDX_ settings and proxies before jsforce was loaded).
 * Returns a function that restores the previous HOME. Caches are cleared on both transitions.
 */
export async function useSfHome(home: string): Promise<() => Promise<void>> {
  const previous = process.env.HOME;
  StateAggregator.clearInstance(Global.DIR);
  process.env.HOME = home;
  Object.assign(process.env, SF_SWITCHES);
  if (os.homedir() !== home && !homedirPatched) {
    // In a worker thread process.env is a thread-local copy that libuv's homedir() does not see.
    Object.defineProperty(os, 'homedir', {
      value: () => process.env.HOME ?? realHomedir(),
      configurable: true,
      writable: true,
    });
    homedirPatched = true;
  }
  if (os.homedir() !== home) throw new Error(`useSfHome: os.homedir() is ${os.homedir()}, expected ${home}`);
  await clearCoreCaches();
  return async () => {
    StateAggregator.clearInstance(Global.DIR);
    if (previous === undefined) delete process.env.HOME;
    else process.env.HOME = previous;
    await clearCoreCaches();
  };
}

export type RegisterOrgOptions = {
  /** Throwaway HOME; auth files go to `<home>/.sfdx/`. */
  home: string;
  alias?: string;
  /**
   * Write `isDevHub` into the auth file (default true). With false the field is removed after saving, so
   * `org.determineIfDevHubOrg()` asks the emulator (`SELECT Id FROM ScratchOrgInfo limit 1`).
   */
  cacheIsDevHub?: boolean;
  /** Set global `target-org` / `target-dev-hub` config to this org (alias if given). */
  setDefault?: boolean;
  setDefaultDevHub?: boolean;
  /** Scratch orgs only: value of `tracksSource` (default false, so no SourceMember traffic). */
  tracksSource?: boolean;
};

/**
 * Writes `<home>/.sfdx/<username>.json` (+ alias) for the emulated org without any HTTP call.
 * Leaves `process.env.HOME = home` (and the SF_* switches) in place so later core/SDR code in this
 * process uses that auth; core caches are cleared before and after.
 */
export async function registerOrg(emu: OrgEmulator, opts: RegisterOrgOptions): Promise<void> {
  await useSfHome(opts.home);
  const scratch = emu.isScratch;
  const accessTokenOptions: AccessTokenOptions = {
    accessToken: emu.accessToken,
    instanceUrl: emu.instanceUrl,
    loginUrl: emu.instanceUrl,
    username: emu.username,
    orgId: emu.orgId,
    userId: emu.userId,
    isDevHub: emu.isDevHub,
    namespacePrefix: null,
    orgEdition: 'Developer Edition',
    name: scratch ? 'Emulated Scratch Org' : 'Emulated Org',
    instanceName: 'EMU1',
    isSandbox: false,
    isScratch: scratch,
    [Org.Fields.TRIAL_EXPIRATION_DATE]: scratch ? '2099-12-31T00:00:00.000+0000' : null,
    instanceApiVersion: emu.apiVersion,
    // core parses this with Date.parse; ISO is locale-proof (core itself writes toLocaleString()).
    instanceApiVersionLastRetrieved: new Date().toISOString(),
  };
  const authInfo = await AuthInfo.create({ accessTokenOptions });
  if (scratch) {
    await authInfo.save({
      ...(emu.options.devHubUsername ? { devHubUsername: emu.options.devHubUsername } : {}),
      expirationDate: '2099-12-31',
      tracksSource: opts.tracksSource ?? false,
    });
  } else {
    await authInfo.save();
  }
  await authInfo.handleAliasAndDefaultSettings({ alias: opts.alias, setDefault: false, setDefaultDevHub: false });

  if (opts.setDefault === true || opts.setDefaultDevHub === true) {
    const config = await Config.create({ isGlobal: true });
    const value = opts.alias ?? emu.username;
    if (opts.setDefault === true) config.set(OrgConfigProperties.TARGET_ORG, value);
    if (opts.setDefaultDevHub === true) config.set(OrgConfigProperties.TARGET_DEV_HUB, value);
    await config.write();
  }

  if (opts.cacheIsDevHub === false) {
    const file = join(Global.DIR, `${emu.username}.json`);
    const fields = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    delete fields.isDevHub;
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(fields, null, 2));
  }
  await clearCoreCaches();
}
