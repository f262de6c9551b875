import {
  APP_POLICIES_TYPE,
  GLOBAL_OAUTH_TYPE,
  HEADER_TYPE,
  OAUTH_POLICIES_TYPE,
  OAUTH_SETTINGS_TYPE,
  SAML_POLICIES_TYPE,
} from '../family.js';

/**
 * Where every element of a ConnectedApp goes in the External Client App family, as data: the converter follows it
 * and scripts/readme-migrate.mjs prints it as the README's mapping table. Element names come from the Metadata API
 * v66 XSD (schema/metadata-v66-eca.xsd) for both sides; the ConnectedApp fields that only the newer WSDL types know
 * (@salesforce/types 1.9.0: isDPopEnabled, isDeviceFlowEnabled, isEnforceRefreshTokenTTL, isIpBindingEnabled,
 * isPKImTLSEnabled) are listed too, so a file that holds them is reported rather than guessed at.
 */

export const CANVAS_SETTINGS_TYPE = 'ExtlClntAppCanvasSettings';

/** The ECA types a migration can write, with the file-name suffix Salesforce's own UI gives each plugin record. */
export const MIGRATED_TYPES = {
  [HEADER_TYPE]: { memberSuffix: '', packageable: true },
  [OAUTH_SETTINGS_TYPE]: { memberSuffix: '_oauth', packageable: true },
  [CANVAS_SETTINGS_TYPE]: { memberSuffix: '_canvas', packageable: true },
  [GLOBAL_OAUTH_TYPE]: { memberSuffix: '_glbloauth', packageable: false },
  [OAUTH_POLICIES_TYPE]: { memberSuffix: '_oauthPlcy', packageable: false },
  [APP_POLICIES_TYPE]: { memberSuffix: '_plcy', packageable: false },
  [SAML_POLICIES_TYPE]: { memberSuffix: '_samlPlcy', packageable: false },
} as const;

export type MigratedType = keyof typeof MIGRATED_TYPES;

/** A place in a target document: its type and the element path inside the root ('idTokenConfig/idTokenValidityInMinutes'). */
export type Target = { type: MigratedType; path: string };

export type Conversion =
  /** the value as it is (checked against the target's XSD type) */
  | { kind: 'copy' }
  /** newline-separated URLs: line endings normalised, blank lines dropped */
  | { kind: 'lines' }
  /** a repeated element becomes one comma-separated value */
  | { kind: 'join'; separator: string }
  /** a comma-separated value becomes a repeated element */
  | { kind: 'split' }
  /** each repeated record becomes a record of the target, its children renamed */
  | { kind: 'records'; children: Readonly<Record<string, string>> }
  /** an enum value, matched without regard to case, through `aliases` first; `values` when the target is a plain string */
  | { kind: 'enum'; aliases?: Readonly<Record<string, string>>; values?: readonly string[] }
  /** isAdminApproved: true = AdminApprovedPreAuthorized, false = AllSelfAuthorized */
  | { kind: 'permittedUsers' }
  /** zero | infinite | specific_lifetime:N:UNIT | specific_inactivity:N:UNIT */
  | { kind: 'refreshTokenPolicy' }
  /** a start URL: the app policies open it (startPage Custom) */
  | { kind: 'startUrl' };

export type MappingRow = {
  /** element path in the ConnectedApp document ('oauthConfig/scopes') */
  from: string;
  to: readonly Target[];
  /** absent: the element is never carried, for `why` */
  convert?: Conversion;
  /** refused: the app cannot be migrated while the element is true */
  refuseWhenTrue?: boolean;
  /** why it is not carried, or what the user must know about the carried value */
  why?: string;
  /** the correspondence is a reading of the two references, not confirmed by Salesforce */
  unconfirmed?: boolean;
};

const H = HEADER_TYPE;
const S = OAUTH_SETTINGS_TYPE;
const G = GLOBAL_OAUTH_TYPE;
const P = OAUTH_POLICIES_TYPE;
const CP = APP_POLICIES_TYPE;
const CANVAS = CANVAS_SETTINGS_TYPE;
const SAML = SAML_POLICIES_TYPE;

const copy: Conversion = { kind: 'copy' };
const to = (type: MigratedType, path: string): Target[] => [{ type, path }];

const NEW_CREDENTIALS =
  'a new External Client App gets its own consumer key and secret from the org that owns it; update the clients after the switch';

export const MAPPING: readonly MappingRow[] = [
  { from: 'fullName', to: [], why: "the app's developer name comes from the Connected App's file name" },
  { from: 'label', to: [{ type: H, path: 'label' }], convert: copy },
  { from: 'contactEmail', to: to(H, 'contactEmail'), convert: copy },
  { from: 'contactPhone', to: to(H, 'contactPhone'), convert: copy },
  { from: 'description', to: to(H, 'description'), convert: copy },
  { from: 'iconUrl', to: to(H, 'iconUrl'), convert: copy },
  { from: 'infoUrl', to: to(H, 'infoUrl'), convert: copy },
  { from: 'logoUrl', to: to(H, 'logoUrl'), convert: copy },
  { from: 'startUrl', to: [{ type: CP, path: 'startUrl' }], convert: { kind: 'startUrl' } },
  {
    from: 'mobileStartUrl',
    to: [],
    why: 'an External Client App has one start URL and no separate one for mobile devices',
  },
  {
    from: 'mobileAppConfig',
    to: [],
    why: 'External Client Apps do not distribute mobile app binaries (file, install URL, version); ExtlClntAppMobileSettings holds only the screen-lock switch',
  },

  // OAuth: the packageable settings, the global settings that stay in the owning org, the admin's policies
  {
    from: 'oauthConfig/callbackUrl',
    to: to(G, 'callbackUrl'),
    convert: { kind: 'lines' },
  },
  {
    from: 'oauthConfig/scopes',
    to: to(S, 'commaSeparatedOauthScopes'),
    convert: { kind: 'join', separator: ', ' },
  },
  {
    from: 'oauthConfig/consumerKey',
    to: [],
    why: `consumer keys are unique across Salesforce and cannot be written once set: a deploy that provides one fails ("You cannot provide a Consumer Key", "The consumer key is already taken"), and the live Connected App keeps this one; ${NEW_CREDENTIALS}`,
  },
  { from: 'oauthConfig/consumerSecret', to: [], why: `it is a secret; ${NEW_CREDENTIALS}` },
  {
    from: 'oauthConfig/certificate',
    to: to(G, 'certificate'),
    convert: copy,
    why: 'enables the JWT bearer flow; a certificate that holds a private key is never carried',
  },
  { from: 'oauthConfig/isAdminApproved', to: to(P, 'permittedUsersPolicyType'), convert: { kind: 'permittedUsers' } },
  {
    from: 'oauthConfig/isClientCredentialEnabled',
    to: [
      { type: G, path: 'isClientCredentialsFlowEnabled' },
      { type: P, path: 'isClientCredentialsFlowEnabled' },
    ],
    convert: copy,
  },
  {
    from: 'oauthConfig/oauthClientCredentialUser',
    to: to(P, 'clientCredentialsFlowUser'),
    convert: copy,
    why: 'a username: it must exist in every org the policy is deployed to',
  },
  { from: 'oauthConfig/isCodeCredentialEnabled', to: to(G, 'isCodeCredFlowEnabled'), convert: copy },
  { from: 'oauthConfig/isCodeCredentialPostOnly', to: to(G, 'isCodeCredPostOnly'), convert: copy },
  { from: 'oauthConfig/isConsumerSecretOptional', to: to(G, 'isConsumerSecretOptional'), convert: copy },
  { from: 'oauthConfig/isIntrospectAllTokens', to: to(G, 'isIntrospectAllTokens'), convert: copy },
  { from: 'oauthConfig/isNamedUserJwtEnabled', to: to(G, 'isNamedUserJwtEnabled'), convert: copy },
  { from: 'oauthConfig/isPkceRequired', to: to(G, 'isPkceRequired'), convert: copy },
  { from: 'oauthConfig/isRefreshTokenRotationEnabled', to: to(G, 'isRefreshTokenRotationEnabled'), convert: copy },
  {
    from: 'oauthConfig/isSecretRequiredForRefreshToken',
    to: to(G, 'isSecretRequiredForRefreshToken'),
    convert: copy,
  },
  {
    from: 'oauthConfig/isSecretRequiredForTokenExchange',
    to: to(G, 'isSecretRequiredForTokenExchange'),
    convert: copy,
  },
  { from: 'oauthConfig/isTokenExchangeEnabled', to: to(G, 'isTokenExchangeEnabled'), convert: copy },
  { from: 'oauthConfig/singleLogoutUrl', to: to(S, 'singleLogoutUrl'), convert: copy },
  {
    from: 'oauthConfig/isDeviceFlowEnabled',
    to: [],
    refuseWhenTrue: true,
    why: 'the AppExchange security review forbids the device flow: turn it off in the Connected App (or move its clients to the web-server flow with PKCE) and migrate again',
  },
  {
    from: 'oauthConfig/isDPopEnabled',
    to: [],
    why: 'ExtlClntAppGlobalOauthSettings has no DPoP element in Metadata API v66; set it in Setup after the migration',
  },
  {
    from: 'oauthConfig/isEnforceRefreshTokenTTL',
    to: [],
    why: 'ExtlClntAppGlobalOauthSettings has no refresh-token idle TTL element in Metadata API v66; set it in Setup after the migration',
  },
  {
    from: 'oauthConfig/isIpBindingEnabled',
    to: [],
    unconfirmed: true,
    why: 'no External Client App element binds tokens to an IP address; the closest control is the refresh-token IP allowlist of ExtlClntAppOauthSecuritySettings, set in Setup',
  },
  {
    from: 'oauthConfig/isPKImTLSEnabled',
    to: [],
    unconfirmed: true,
    why: 'ExtlClntAppGlobalOauthSettings has no mTLS element in Metadata API v66; set it in Setup after the migration',
  },
  {
    from: 'oauthConfig/idTokenConfig/idTokenAudience',
    to: to(G, 'idTokenConfig/idTokenAudience'),
    convert: copy,
  },
  {
    from: 'oauthConfig/idTokenConfig/idTokenIncludeAttributes',
    to: to(G, 'idTokenConfig/idTokenIncludeAttributes'),
    convert: copy,
  },
  {
    from: 'oauthConfig/idTokenConfig/idTokenIncludeCustomPerms',
    to: to(G, 'idTokenConfig/idTokenIncludeCustomPermissions'),
    convert: copy,
  },
  {
    from: 'oauthConfig/idTokenConfig/idTokenIncludeStandardClaims',
    to: to(G, 'idTokenConfig/idTokenIncludeStandardClaims'),
    convert: copy,
  },
  {
    from: 'oauthConfig/idTokenConfig/idTokenValidity',
    to: to(G, 'idTokenConfig/idTokenValidityInMinutes'),
    convert: copy,
  },
  {
    from: 'oauthConfig/assetTokenConfig/assetAudiences',
    to: to(S, 'assetTokenAudiences'),
    convert: copy,
  },
  {
    from: 'oauthConfig/assetTokenConfig/assetIncludeAttributes',
    to: to(S, 'areAttributesIncludedInAssetToken'),
    convert: copy,
  },
  {
    from: 'oauthConfig/assetTokenConfig/assetIncludeCustomPerms',
    to: to(S, 'areCustomPermsIncludedInAssetToken'),
    convert: copy,
  },
  {
    from: 'oauthConfig/assetTokenConfig/assetSigningCertId',
    to: to(S, 'assetTokenSigningCertificate'),
    convert: copy,
    unconfirmed: true,
    why: 'the Connected App names the certificate by id, the External Client App by name: check the value',
  },
  {
    from: 'oauthConfig/assetTokenConfig/assetValidityPeriod',
    to: to(S, 'assetTokenValidity'),
    convert: copy,
  },
  {
    from: 'oauthPolicy/ipRelaxation',
    to: to(P, 'ipRelaxationPolicyType'),
    convert: {
      kind: 'enum',
      values: ['Enforce', 'Bypass', 'Bypass_2factor', 'Enforce_RelaxRefresh'],
      aliases: {
        enforce: 'Enforce',
        bypass: 'Bypass',
        bypass_2factor: 'Bypass_2factor',
        enforce_relaxrefresh: 'Enforce_RelaxRefresh',
      },
    },
  },
  {
    from: 'oauthPolicy/refreshTokenPolicy',
    to: [
      { type: P, path: 'refreshTokenPolicyType' },
      { type: P, path: 'refreshTokenValidityPeriod' },
      { type: P, path: 'refreshTokenValidityUnit' },
    ],
    convert: { kind: 'refreshTokenPolicy' },
  },
  { from: 'oauthPolicy/isTokenExchangeFlowEnabled', to: to(P, 'isTokenExchangeFlowEnabled'), convert: copy },
  { from: 'oauthPolicy/singleLogoutUrl', to: to(P, 'singleLogoutUrl'), convert: copy },
  {
    from: 'sessionPolicy/sessionTimeout',
    to: to(P, 'sessionTimeoutInMinutes'),
    convert: copy,
    unconfirmed: true,
    why: 'both are taken to be minutes',
  },
  { from: 'sessionPolicy/sessionLevel', to: to(P, 'requiredSessionLevel'), convert: { kind: 'enum' } },
  { from: 'sessionPolicy/policyAction', to: to(P, 'policyAction'), convert: { kind: 'enum' } },
  {
    from: 'profileName',
    to: [
      { type: P, path: 'commaSeparatedProfile' },
      { type: SAML, path: 'commaSeparatedProfile' },
    ],
    convert: { kind: 'join', separator: ',' },
  },
  {
    from: 'permissionSetName',
    to: [
      { type: P, path: 'commaSeparatedPermissionSet' },
      { type: SAML, path: 'commaSeparatedPermissionSet' },
    ],
    convert: { kind: 'join', separator: ',' },
  },
  {
    from: 'attributes',
    to: to(S, 'customAttributes'),
    convert: { kind: 'records', children: { formula: 'formula', key: 'key' } },
    why: "the developer's attributes travel with the package; each org's admin can add more in the OAuth policies",
  },
  {
    from: 'ipRanges',
    to: to(S, 'trustedIpRanges'),
    convert: {
      kind: 'records',
      children: { description: 'description', end: 'endIpAddress', start: 'startIpAddress' },
    },
  },
  {
    from: 'plugin',
    to: to(P, 'apexHandler'),
    convert: copy,
    unconfirmed: true,
    why: 'the ConnectedAppPlugin class becomes the OAuth policy Apex handler: check it still compiles against the External Client App',
  },
  { from: 'pluginExecutionUser', to: to(P, 'executeHandlerAs'), convert: copy, unconfirmed: true },

  // canvas: the current canvasConfig and the older canvas element
  { from: 'canvasConfig/accessMethod', to: to(CANVAS, 'accessMethod'), convert: copy },
  { from: 'canvasConfig/canvasUrl', to: to(CANVAS, 'canvasUrl'), convert: copy },
  { from: 'canvasConfig/lifecycleClass', to: to(CANVAS, 'lifeCycleHandler'), convert: copy },
  { from: 'canvasConfig/locations', to: to(CANVAS, 'canvasLocationOptions'), convert: copy },
  { from: 'canvasConfig/options', to: to(CANVAS, 'canvasOptions'), convert: copy },
  { from: 'canvasConfig/samlInitiationMethod', to: to(CANVAS, 'samlInitiationMethod'), convert: copy },
  { from: 'canvas/accessMethod', to: to(CANVAS, 'accessMethod'), convert: { kind: 'enum' } },
  { from: 'canvas/canvasUrl', to: to(CANVAS, 'canvasUrl'), convert: copy },
  { from: 'canvas/lifecycleClass', to: to(CANVAS, 'lifeCycleHandler'), convert: copy },
  { from: 'canvas/locationOptions', to: to(CANVAS, 'canvasLocationOptions'), convert: { kind: 'split' } },
  { from: 'canvas/canvasOptions', to: to(CANVAS, 'canvasOptions'), convert: { kind: 'split' } },
  { from: 'canvas/samlInitiationMethod', to: to(CANVAS, 'samlInitiationMethod'), convert: { kind: 'enum' } },
  { from: 'canvas/fullName', to: [], why: 'the canvas settings are named after the app' },
  { from: 'canvas/module', to: [], why: 'not a property of an External Client App' },

  // SAML: carried into the SAML policies, and the app stays Local (SAML-enabled External Client Apps cannot be packaged)
  { from: 'samlConfig/acsUrl', to: to(SAML, 'acsUrl'), convert: copy },
  { from: 'samlConfig/certificate', to: to(SAML, 'certificate'), convert: copy },
  { from: 'samlConfig/encryptionCertificate', to: to(SAML, 'encryptionCertificate'), convert: copy },
  {
    from: 'samlConfig/encryptionType',
    to: to(SAML, 'encryptionType'),
    convert: { kind: 'enum' },
    why: 'External Client Apps offer AES_128 and AES_256 only, not Triple_Des',
  },
  { from: 'samlConfig/entityUrl', to: to(SAML, 'entityUrl'), convert: copy },
  { from: 'samlConfig/issuer', to: to(SAML, 'issuer'), convert: copy },
  { from: 'samlConfig/samlIdpSLOBindingEnum', to: to(SAML, 'singleLogoutBindingType'), convert: { kind: 'enum' } },
  { from: 'samlConfig/samlNameIdFormat', to: to(SAML, 'nameIdFormat'), convert: { kind: 'enum' } },
  { from: 'samlConfig/samlSigningAlgoType', to: to(SAML, 'signingAlgorithmType'), convert: { kind: 'enum' } },
  { from: 'samlConfig/samlSloUrl', to: to(SAML, 'singleLogoutUrl'), convert: copy },
  { from: 'samlConfig/samlSubjectCustomAttr', to: to(SAML, 'subjectCustomAttribute'), convert: copy },
  {
    from: 'samlConfig/samlSubjectType',
    to: to(SAML, 'subjectType'),
    convert: { kind: 'enum', aliases: { customattr: 'CustomAttribute' } },
  },
];

/**
 * Org-wide OAuth switches (OauthOidcSettings, in settings/OauthOidc.settings-meta.xml) that no Connected App file
 * holds: when the project turns a flow on, its apps' clients may use it, and an External Client App cannot serve it.
 */
export type OrgFlowSetting = { setting: string; flow: string; why: string };

export const ORG_FLOW_SETTINGS: readonly OrgFlowSetting[] = [
  {
    setting: 'blockOAuthUnPwFlow',
    flow: 'username-password',
    why: 'External Client Apps do not offer the username-password flow and the AppExchange security review forbids it: move its clients to the web-server flow with PKCE or the client-credentials flow, set blockOAuthUnPwFlow to true, and migrate again',
  },
  {
    setting: 'blockOAuthUsrAgtFlow',
    flow: 'user-agent (implicit)',
    why: 'the AppExchange security review forbids the user-agent (implicit) flow: move its clients to the web-server flow with PKCE, set blockOAuthUsrAgtFlow to true, and migrate again',
  },
];

const BY_SOURCE = new Map(MAPPING.map((row) => [row.from, row]));

export function mappingRow(path: string): MappingRow | undefined {
  return BY_SOURCE.get(path);
}

/** Whether some row maps an element below `path` (so the converter walks into it). */
export function mapsBelow(path: string): boolean {
  return MAPPING.some((row) => row.from.startsWith(`${path}/`));
}
