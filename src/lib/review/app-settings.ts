import type { App, Catalog, CatalogFile } from '../catalog.js';
import { entersPackage } from '../catalog.js';
import { GLOBAL_OAUTH_TYPE, OAUTH_POLICIES_TYPE, OAUTH_SETTINGS_TYPE } from '../family.js';
import type { HubApp } from '../hub-app.js';
import { scopeTokens } from '../rules/structure.js';
import { child, childText, type XmlElement } from '../xml.js';

/**
 * One view of an app's OAuth configuration, whichever shape it comes in: an External Client App spread over its
 * settings, global settings and policies files (the global settings read from the Dev Hub when the command has
 * it, from the project otherwise), or a legacy Connected App in one file. The review documents are written from
 * this view only. Secret-bearing elements are never read into it.
 */

export type AppKind = 'eca' | 'connectedApp';

export type AppSettings = {
  name: string;
  kind: AppKind;
  label?: string;
  description?: string;
  contactEmail?: string;
  /** project-relative path of the header (ECA) or of the Connected App file */
  file: string;
  packageDir?: string;
  distributionState?: string;
  orgScopedExternalApp?: string;
  /** where the global OAuth settings were read: 'Dev Hub', a project path, or undefined when nowhere */
  globalSource?: string;
  /** where the OAuth policies were read, undefined when the project holds none */
  policiesSource?: string;
  scopes: string[];
  callbackUrls: string[];
  consumerKey?: string;
  consumerSecretOptional?: boolean;
  pkceRequired?: boolean;
  refreshTokenRotation?: boolean;
  enforceRefreshTokenTtl?: boolean;
  secretRequiredForRefreshToken?: boolean;
  secretRequiredForTokenExchange?: boolean;
  clientCredentials?: boolean;
  /** the policy half of client credentials (ECA policies; Connected Apps have one switch) */
  clientCredentialsPolicy?: boolean;
  clientCredentialsUser?: string;
  tokenExchange?: boolean;
  codeCredentials?: boolean;
  guestCodeCredentials?: boolean;
  deviceFlow?: boolean;
  namedUserJwt?: boolean;
  /** the certificate element's text (public: it enables the JWT bearer flow) */
  certificate?: string;
  refreshTokenPolicy?: string;
  refreshTokenValidity?: { period: string; unit: string };
  ipRelaxation?: string;
  permittedUsers?: string;
  permissionSets: string[];
  profiles: string[];
  sessionTimeoutMinutes?: string;
  requiredSessionLevel?: string;
};

function bool(value: string | undefined): boolean | undefined {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return undefined;
}

function text(el: XmlElement | undefined, name: string): string | undefined {
  const value = el ? childText(el, name) : undefined;
  return value === '' ? undefined : value;
}

function list(value: string | undefined): string[] {
  return value
    ? value
        .split(/[,;\n]/)
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

function urls(value: string | undefined): string[] {
  return value
    ? value
        .split(/\r?\n/)
        .map((u) => u.trim())
        .filter(Boolean)
    : [];
}

function pluginOf(catalog: Catalog, app: App, type: string): CatalogFile | undefined {
  const readable = (f: CatalogFile): boolean => f.type?.name === type && f.doc !== undefined && f.form === 'source';
  // prefer the copy a package version would carry, then any other readable copy in the project
  return (
    app.plugins.find((f) => readable(f) && entersPackage(f)) ??
    app.plugins.find(readable) ??
    catalog.files.find((f) => readable(f) && f.app === app.name)
  );
}

/** The settings of an External Client App the package carries. */
export function ecaSettings(catalog: Catalog, app: App, header: CatalogFile, hub?: HubApp): AppSettings {
  const h = header.doc!.root;
  const oauth = pluginOf(catalog, app, OAUTH_SETTINGS_TYPE)?.doc?.root;
  const localGlobal = pluginOf(catalog, app, GLOBAL_OAUTH_TYPE);
  const global = hub?.globalSettings?.doc ? hub.globalSettings : localGlobal;
  const g = global?.doc?.root;
  const policiesFile = pluginOf(catalog, app, OAUTH_POLICIES_TYPE);
  const p = policiesFile?.doc?.root;
  const period = text(p, 'refreshTokenValidityPeriod');
  return {
    name: app.name,
    kind: 'eca',
    label: text(h, 'label'),
    description: text(h, 'description'),
    contactEmail: text(h, 'contactEmail'),
    file: header.path,
    packageDir: header.packageDir?.path,
    distributionState: text(h, 'distributionState'),
    orgScopedExternalApp: text(h, 'orgScopedExternalApp'),
    globalSource: global === undefined ? undefined : global === localGlobal ? global.path : 'Dev Hub',
    policiesSource: policiesFile?.path,
    scopes: scopeTokens(text(oauth, 'commaSeparatedOauthScopes') ?? ''),
    callbackUrls: urls(g ? child(g, 'callbackUrl')?.text : undefined),
    consumerKey: text(g, 'consumerKey'),
    consumerSecretOptional: bool(text(g, 'isConsumerSecretOptional')),
    pkceRequired: bool(text(g, 'isPkceRequired')),
    refreshTokenRotation: bool(text(g, 'isRefreshTokenRotationEnabled')),
    enforceRefreshTokenTtl: bool(text(g, 'isEnforceRefreshTokenTTL')),
    secretRequiredForRefreshToken: bool(text(g, 'isSecretRequiredForRefreshToken')),
    secretRequiredForTokenExchange: bool(text(g, 'isSecretRequiredForTokenExchange')),
    clientCredentials: bool(text(g, 'isClientCredentialsFlowEnabled')),
    clientCredentialsPolicy: bool(text(p, 'isClientCredentialsFlowEnabled')),
    clientCredentialsUser: text(p, 'clientCredentialsFlowUser'),
    tokenExchange: bool(text(g, 'isTokenExchangeEnabled')) ?? bool(text(p, 'isTokenExchangeFlowEnabled')),
    codeCredentials: bool(text(g, 'isCodeCredFlowEnabled')),
    guestCodeCredentials: bool(text(p, 'isGuestCodeCredFlowEnabled')),
    deviceFlow: bool(text(g, 'isDeviceFlowEnabled')),
    namedUserJwt: bool(text(g, 'isNamedUserJwtEnabled')),
    certificate: text(g, 'certificate'),
    refreshTokenPolicy: text(p, 'refreshTokenPolicyType'),
    refreshTokenValidity: period ? { period, unit: text(p, 'refreshTokenValidityUnit') ?? '' } : undefined,
    ipRelaxation: text(p, 'ipRelaxationPolicyType'),
    permittedUsers: text(p, 'permittedUsersPolicyType'),
    permissionSets: list(text(p, 'commaSeparatedPermissionSet')),
    profiles: list(text(p, 'commaSeparatedProfile')),
    sessionTimeoutMinutes: text(p, 'sessionTimeoutInMinutes'),
    requiredSessionLevel: text(p, 'requiredSessionLevel'),
  };
}

/** Connected App policy values are upper or lower case (`ENFORCE`, `specific_lifetime:3:MONTHS`); ECA names are used. */
const IP_RELAXATION: Record<string, string> = {
  ENFORCE: 'Enforce',
  BYPASS: 'Bypass',
  BYPASS_2FACTOR: 'Bypass_2factor',
  ENFORCE_RELAXREFRESH: 'Enforce_RelaxRefresh',
};
const REFRESH_POLICY: Record<string, string> = {
  zero: 'Zero',
  infinite: 'Infinite',
  specific_lifetime: 'SpecificLifetime',
  specific_inactivity: 'SpecificInactivity',
};

function children(el: XmlElement | undefined, name: string): string[] {
  return el
    ? el.children
        .filter((c) => c.name === name)
        .map((c) => c.text.trim())
        .filter(Boolean)
    : [];
}

/** The settings of a legacy Connected App file (eca-domain.md section 4.2 maps its fields to the ECA ones). */
export function connectedAppSettings(file: CatalogFile): AppSettings {
  const root = file.doc!.root;
  const o = child(root, 'oauthConfig');
  const p = child(root, 'oauthPolicy');
  const [policy, period, unit] = (text(p, 'refreshTokenPolicy') ?? '').split(':');
  const relax = text(p, 'ipRelaxation');
  return {
    name: file.fullName,
    kind: 'connectedApp',
    label: text(root, 'label'),
    description: text(root, 'description'),
    contactEmail: text(root, 'contactEmail'),
    file: file.path,
    packageDir: file.packageDir?.path,
    globalSource: o ? file.path : undefined,
    policiesSource: p ? file.path : undefined,
    scopes: children(o, 'scopes'),
    callbackUrls: urls(o ? child(o, 'callbackUrl')?.text : undefined),
    consumerKey: text(o, 'consumerKey'),
    consumerSecretOptional: bool(text(o, 'isConsumerSecretOptional')),
    pkceRequired: bool(text(o, 'isPkceRequired')),
    refreshTokenRotation: bool(text(o, 'isRefreshTokenRotationEnabled')),
    enforceRefreshTokenTtl: bool(text(o, 'isEnforceRefreshTokenTTL')),
    secretRequiredForRefreshToken: bool(text(o, 'isSecretRequiredForRefreshToken')),
    secretRequiredForTokenExchange: bool(text(o, 'isSecretRequiredForTokenExchange')),
    clientCredentials: bool(text(o, 'isClientCredentialEnabled')),
    clientCredentialsUser: text(o, 'oauthClientCredentialUser'),
    tokenExchange: bool(text(o, 'isTokenExchangeEnabled')) ?? bool(text(p, 'isTokenExchangeFlowEnabled')),
    codeCredentials: bool(text(o, 'isCodeCredentialEnabled')),
    deviceFlow: bool(text(o, 'isDeviceFlowEnabled')),
    namedUserJwt: bool(text(o, 'isNamedUserJwtEnabled')),
    certificate: text(o, 'certificate'),
    refreshTokenPolicy: policy ? (REFRESH_POLICY[policy.toLowerCase()] ?? policy) : undefined,
    refreshTokenValidity: period
      ? { period, unit: unit ? unit.charAt(0) + unit.slice(1).toLowerCase() : '' }
      : undefined,
    ipRelaxation: relax ? (IP_RELAXATION[relax.toUpperCase()] ?? relax) : undefined,
    permittedUsers: o
      ? bool(text(o, 'isAdminApproved'))
        ? 'AdminApprovedPreAuthorized'
        : 'AllSelfAuthorized'
      : undefined,
    permissionSets: children(root, 'permissionSetName'),
    profiles: children(root, 'profileName'),
    sessionTimeoutMinutes: text(child(root, 'sessionPolicy'), 'sessionTimeout'),
    requiredSessionLevel: text(child(root, 'sessionPolicy'), 'sessionLevel'),
  };
}

/** Every app a package version built from the project would carry: ECA headers and Connected Apps still present. */
export function packagedAppSettings(catalog: Catalog, hubApps?: Map<string, HubApp>): AppSettings[] {
  const ecas = [...catalog.apps.values()].flatMap((app) => {
    const header = app.headers.find((h) => entersPackage(h) && h.doc && h.form === 'source');
    return header ? [ecaSettings(catalog, app, header, hubApps?.get(app.name))] : [];
  });
  const connectedApps = catalog.files
    .filter((f) => f.kind === 'connectedApp' && f.doc && entersPackage(f))
    .map(connectedAppSettings);
  return [...ecas, ...connectedApps];
}
