import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The External Client App metadata family: names, folders and suffixes come from SDR's own registry, so a newer
 * SDR that renames or adds a type is followed without a code change; what the registry does not know (who owns a
 * type, whether it may travel in a package, which fields hold secrets is secrets.ts) is added here.
 */

export type EcaRole = 'header' | 'settings' | 'globalSettings' | 'policies';

export type EcaType = {
  name: string;
  directoryName: string;
  suffix: string;
  role: EcaRole;
  /** false: never in a package directory. 'unconfirmed': a settings type Salesforce has not documented either way. */
  packageable: boolean | 'unconfirmed';
};

type RegistryType = { name: string; directoryName: string; suffix: string };

export const HEADER_TYPE = 'ExternalClientApplication';
export const OAUTH_SETTINGS_TYPE = 'ExtlClntAppOauthSettings';
export const GLOBAL_OAUTH_TYPE = 'ExtlClntAppGlobalOauthSettings';
export const OAUTH_POLICIES_TYPE = 'ExtlClntAppOauthConfigurablePolicies';
export const APP_POLICIES_TYPE = 'ExtlClntAppConfigurablePolicies';
export const SAML_POLICIES_TYPE = 'ExtlClntAppSamlConfigurablePolicies';
export const OAUTH_SECURITY_TYPE = 'ExtlClntAppOauthSecuritySettings';

/** The element of every plugin file that names its app. */
export const APP_LINK_ELEMENT = 'externalClientApplication';

const KNOWN: Record<string, Pick<EcaType, 'role' | 'packageable'>> = {
  [HEADER_TYPE]: { role: 'header', packageable: true },
  [OAUTH_SETTINGS_TYPE]: { role: 'settings', packageable: true },
  [GLOBAL_OAUTH_TYPE]: { role: 'globalSettings', packageable: false },
  [OAUTH_SECURITY_TYPE]: { role: 'policies', packageable: false },
  ExtlClntAppPushSettings: { role: 'settings', packageable: 'unconfirmed' },
  ExtlClntAppSampleSettings: { role: 'settings', packageable: false },
};

function roleOf(name: string): Pick<EcaType, 'role' | 'packageable'> {
  const known = KNOWN[name];
  if (known) return known;
  if (name.endsWith('ConfigurablePolicies')) return { role: 'policies', packageable: false };
  return { role: 'settings', packageable: 'unconfirmed' };
}

function loadFamily(): EcaType[] {
  // read, not required: require() would keep the whole registry cached for the run, and only 17 entries are used
  const path = createRequire(import.meta.url).resolve(
    '@salesforce/source-deploy-retrieve/lib/src/registry/metadataRegistry.json',
  );
  const registry = JSON.parse(readFileSync(path, 'utf8')) as { types: Record<string, RegistryType> };
  return Object.values(registry.types)
    .filter((t) => t.name === HEADER_TYPE || t.name.startsWith('ExtlClntApp'))
    .map((t) => ({ name: t.name, directoryName: t.directoryName, suffix: t.suffix, ...roleOf(t.name) }))
    .sort((a, b) => (a.role === 'header' ? -1 : b.role === 'header' ? 1 : a.name.localeCompare(b.name)));
}

export const ECA_TYPES: readonly EcaType[] = loadFamily();

const bySuffix = new Map(ECA_TYPES.map((t) => [t.suffix, t]));
const byName = new Map(ECA_TYPES.map((t) => [t.name, t]));

export function ecaType(name: string): EcaType {
  const found = byName.get(name);
  if (!found) throw new Error(`${name} is not an External Client App metadata type`);
  return found;
}

export type FileForm = 'source' | 'mdapi';

/** The ECA type of a file, from its name: `X.<suffix>-meta.xml` (source format) or `X.<suffix>` (metadata format). */
export function typeOfFile(fileName: string): { type: EcaType; fullName: string; form: FileForm } | undefined {
  const source = /^(.+)\.([A-Za-z]+)-meta\.xml$/.exec(fileName);
  if (source) {
    const type = bySuffix.get(source[2]);
    return type ? { type, fullName: source[1], form: 'source' } : undefined;
  }
  const mdapi = /^(.+)\.([A-Za-z]+)$/.exec(fileName);
  if (mdapi) {
    const type = bySuffix.get(mdapi[2]);
    return type ? { type, fullName: mdapi[1], form: 'mdapi' } : undefined;
  }
  return undefined;
}

const CONNECTED_APP_FILE = /^(.+)\.connectedApp(-meta\.xml)?$/;

/** A ConnectedApp file, in source format (`X.connectedApp-meta.xml`) or metadata format (`X.connectedApp`). */
export function isConnectedAppFile(fileName: string): boolean {
  return CONNECTED_APP_FILE.test(fileName);
}

export function connectedAppOfFile(fileName: string): { fullName: string; form: FileForm } | undefined {
  const match = CONNECTED_APP_FILE.exec(fileName);
  return match ? { fullName: match[1], form: match[2] ? 'source' : 'mdapi' } : undefined;
}

export function sourceFileName(type: EcaType, fullName: string): string {
  return `${fullName}.${type.suffix}-meta.xml`;
}
