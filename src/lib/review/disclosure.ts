import { X509Certificate } from 'node:crypto';
import type { Catalog } from '../catalog.js';
import type { Acknowledgement } from '../project.js';
import type { HubApp } from '../hub-app.js';
import type { Finding } from '../rules/rule.js';
import { packagedAppSettings, type AppSettings } from './app-settings.js';

/**
 * The disclosure the AppExchange security review asks for, per app the package carries (eca-domain.md section 5):
 * what each flow and scope is and what the guidance says of it, with the justification the project recorded as an
 * acknowledgement, and the findings of `check` a reviewer would raise. Never a secret: the view it is built from
 * does not read one.
 */

/** What the guidance says of a flow or a scope. */
export type Verdict = 'forbidden' | 'needs justification' | 'fine';

export type FlowFact = {
  id: string;
  label: string;
  verdict: Verdict;
  guidance: string;
  /** the check rule that reports it, whose acknowledgement is the justification */
  rule?: string;
  justification?: string;
};

export type ScopeFact = {
  name: string;
  meaning: string;
  verdict: Verdict;
  guidance?: string;
  rule?: string;
  justification?: string;
};

export type CallbackFacts = {
  urls: string[];
  client: 'public' | 'confidential' | 'unknown';
  /** loopback URLs beside production ones: a developer's URL left in the shipped app */
  loopbackMixed: boolean;
  /** http:// URLs that are not loopback */
  insecure: string[];
};

export type CertificateFacts = {
  subject?: string;
  issuer?: string;
  validTo?: string;
  fingerprint256?: string;
  readable: boolean;
};

export type ControlStatus = 'met' | 'not met' | 'unknown';

/** One of the mandatory controls of the security review for an app's OAuth settings (eca-domain.md section 5.1). */
export type ControlFact = { id: string; label: string; status: ControlStatus; detail: string };

export type OpenFinding = Pick<Finding, 'rule' | 'severity' | 'file' | 'line' | 'message' | 'fix'>;

/** What the review shows of an app as its settings hold it, and the facts and findings the review adds. */
export type AppDisclosure = Pick<
  AppSettings,
  | 'name'
  | 'kind'
  | 'label'
  | 'description'
  | 'contactEmail'
  | 'file'
  | 'packageDir'
  | 'distributionState'
  | 'orgScopedExternalApp'
  | 'globalSource'
  | 'policiesSource'
  | 'pkceRequired'
  | 'ipRelaxation'
> & {
  /** the package that carries the app, and the base packages when that package is an extension */
  package?: { name?: string; extensionOf: string[] };
  controls: ControlFact[];
  flows: FlowFact[];
  scopes: ScopeFact[];
  callbacks: CallbackFacts;
  secretRequired: { webServerFlow?: boolean; refreshToken?: boolean; tokenExchange?: boolean };
  /** where the consumer secret lives, and the check rules that say it is exposed (their findings are open) */
  secretStorage: { exposedBy: string[] };
  refreshToken: { rotation?: boolean; policy?: string; validity?: string; enforceIdleTtl?: boolean };
  permittedUsers: { policy?: string; permissionSets: string[]; profiles: string[] };
  certificate?: CertificateFacts;
  /** the client id: shown only when read from the Dev Hub or from a project file, never the secret */
  consumerKey?: { value: string; source: string };
  openFindings: OpenFinding[];
  acknowledged: Array<{ rule: string; reason: string }>;
};

export type Disclosure = {
  project: string;
  namespace?: string;
  /** YYYY-MM-DD: one run a day writes the same bytes */
  date: string;
  devHub?: string;
  apps: AppDisclosure[];
  /** findings that belong to no app (project file, .forceignore) */
  projectFindings: OpenFinding[];
};

type FlowRule = {
  id: string;
  label: string;
  verdict: Verdict;
  guidance: string;
  rule?: string;
  enabled: (s: AppSettings) => boolean;
};

/** The flows an app can allow and what the guidance says of each: rules as data, found by their id. */
export const FLOW_RULES: readonly FlowRule[] = [
  {
    id: 'authorization-code',
    label: 'Authorization code (web server)',
    verdict: 'fine',
    guidance: 'Allowed; PKCE must be required (security review control 1).',
    enabled: (s) => s.callbackUrls.length > 0,
  },
  {
    id: 'refresh-token',
    label: 'Refresh token',
    verdict: 'fine',
    guidance: 'Allowed with rotation on and an idle limit of at most 30 days (controls 2 and 3).',
    enabled: (s) => s.scopes.includes('RefreshToken') || s.scopes.includes('OfflineAccess'),
  },
  {
    id: 'jwt-bearer',
    label: 'JWT bearer (certificate)',
    verdict: 'fine',
    guidance:
      'Allowed for server-to-server calls; the app must be packaged. A certificate is preferred over a shared secret.',
    enabled: (s) => s.certificate !== undefined,
  },
  {
    id: 'client-credentials',
    label: 'Client credentials',
    verdict: 'needs justification',
    guidance:
      'Discouraged in favour of user-based flows: explain why no user context is possible. The app must be packaged.',
    rule: 'client-credentials',
    enabled: (s) => s.clientCredentials === true || s.clientCredentialsPolicy === true,
  },
  {
    id: 'token-exchange',
    label: 'Token exchange',
    verdict: 'needs justification',
    guidance: 'Explain which tokens are exchanged and why.',
    enabled: (s) => s.tokenExchange === true,
  },
  {
    id: 'code-credentials',
    label: 'Authorization code and credentials (headless)',
    verdict: 'needs justification',
    guidance: 'Explain why the standard authorization code flow does not fit.',
    enabled: (s) => s.codeCredentials === true,
  },
  {
    id: 'guest-code-credentials',
    label: 'Authorization code and credentials for guest users',
    verdict: 'needs justification',
    guidance: 'Explain what guest users reach through it.',
    enabled: (s) => s.guestCodeCredentials === true,
  },
  {
    id: 'device',
    label: 'Device',
    verdict: 'forbidden',
    guidance: 'Not allowed: the device flow must be off.',
    rule: 'device-flow',
    enabled: (s) => s.deviceFlow === true,
  },
];

type ScopeRule = { verdict: Verdict; guidance?: string; rule?: string };

/** Scopes the guidance singles out; every other scope is fine. */
export const SCOPE_RULES: Readonly<Record<string, ScopeRule>> = {
  Full: {
    verdict: 'needs justification',
    guidance:
      'A token with Full can bypass UI restrictions to delete or export data (rated Critical); justify it or narrow it.',
    rule: 'scope-full',
  },
  Web: {
    verdict: 'needs justification',
    guidance: 'Web lets the token open the UI as the user; justify it.',
    rule: 'scope-web',
  },
};

/** What each scope lets the app do, in the words an admin sees on the consent screen. */
export const SCOPE_MEANINGS: Readonly<Record<string, string>> = {
  Api: 'Manage user data via APIs',
  Web: 'Manage user data via web browsers',
  Full: 'Full access to all data the user can reach',
  RefreshToken: 'Perform requests at any time (refresh token, offline access)',
  OfflineAccess: 'Perform requests at any time (offline access)',
  Basic: "Access the user's identity URL",
  OpenID: 'Access unique user identifiers (OpenID Connect)',
  Profile: "Access the user's basic profile",
  Email: "Access the user's email address",
  Address: "Access the user's address",
  Phone: "Access the user's phone number",
  Chatter: 'Access Chatter REST API resources',
  CustomApplications: 'Access Visualforce applications',
  CustomPermissions: 'Access custom permissions',
  Wave: 'Access Analytics REST API resources',
  Eclair: 'Access Analytics maps',
  Pardot: 'Access Account Engagement (Pardot) services',
  Lightning: 'Access Lightning applications',
  Content: 'Access content resources',
  Chatbot: 'Access chatbot services',
  MCP: 'Access Salesforce MCP servers',
  SFApiPlatform: 'Access the Salesforce API Platform',
  EinsteinGPT: 'Access Einstein generative AI services',
  Interaction: 'Access Interaction API resources',
  PwdlessLogin: 'Access passwordless login',
  ForgotPassword: 'Access forgot-password services',
  UserRegistration: 'Access user registration services',
  SCRT: 'Access Service Cloud Realtime (SCRT) APIs',
};

function scopeMeaning(name: string): string {
  if (SCOPE_MEANINGS[name]) return SCOPE_MEANINGS[name];
  if (name.startsWith('CDP')) return 'Access Data Cloud APIs';
  return 'see Salesforce Help, "OAuth Tokens and Scopes"';
}

const MAX_IDLE_HOURS: Record<string, number> = { Hours: 1, Days: 24, Months: 24 * 31 };

type ControlRule = { id: string; label: string; judge: (s: AppSettings) => { status: ControlStatus; detail: string } };

/** The mandatory controls that metadata can show, as data, found by id. */
export const CONTROL_RULES: readonly ControlRule[] = [
  {
    id: 'pkce',
    label: 'PKCE required',
    judge: (s) =>
      s.pkceRequired === undefined
        ? { status: 'unknown', detail: 'isPkceRequired is not set where the settings were read' }
        : { status: s.pkceRequired ? 'met' : 'not met', detail: `isPkceRequired is ${String(s.pkceRequired)}` },
  },
  {
    id: 'refresh-token-rotation',
    label: 'Refresh token rotation',
    judge: (s) =>
      s.refreshTokenRotation === undefined
        ? { status: 'unknown', detail: 'isRefreshTokenRotationEnabled is not set where the settings were read' }
        : {
            status: s.refreshTokenRotation ? 'met' : 'not met',
            detail: `isRefreshTokenRotationEnabled is ${String(s.refreshTokenRotation)}`,
          },
  },
  {
    id: 'refresh-token-idle',
    label: 'Refresh token idle limit of 30 days or less',
    judge: (s) => {
      if (s.enforceRefreshTokenTtl === true) return { status: 'met', detail: 'isEnforceRefreshTokenTTL is true' };
      const v = s.refreshTokenValidity;
      if (s.refreshTokenPolicy === 'Zero')
        return { status: 'met', detail: 'refresh tokens are not issued for reuse (Zero)' };
      if (s.refreshTokenPolicy === 'SpecificInactivity' && v) {
        const hours = Number(v.period) * (MAX_IDLE_HOURS[v.unit] ?? Number.NaN);
        return {
          status: hours <= 30 * 24 ? 'met' : 'not met',
          detail: `expires after ${v.period} ${v.unit} of inactivity`,
        };
      }
      if (s.refreshTokenPolicy)
        return { status: 'not met', detail: `refresh token policy is ${s.refreshTokenPolicy}, with no idle limit` };
      return {
        status: 'unknown',
        detail: 'no refresh token policy in the project: each org sets it (default: valid 365 days)',
      };
    },
  },
];

const LOOPBACK = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i;

export function callbackFacts(s: AppSettings): CallbackFacts {
  const loopback = s.callbackUrls.filter((u) => LOOPBACK.test(u));
  return {
    urls: s.callbackUrls,
    client:
      s.consumerSecretOptional === true
        ? 'public'
        : s.consumerSecretOptional === false || s.globalSource
          ? 'confidential'
          : 'unknown',
    loopbackMixed: loopback.length > 0 && loopback.length < s.callbackUrls.length,
    insecure: s.callbackUrls.filter((u) => /^http:\/\//i.test(u) && !LOOPBACK.test(u)),
  };
}

/** Subject, issuer and expiry of the app's certificate; the element may hold the PEM body without its armour lines. */
export function certificateFacts(pem: string): CertificateFacts {
  const body = pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  try {
    const cert = new X509Certificate(
      `-----BEGIN CERTIFICATE-----\n${body.replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`,
    );
    return {
      subject: cert.subject.replace(/\n/g, ', '),
      issuer: cert.issuer.replace(/\n/g, ', '),
      validTo: new Date(cert.validTo).toISOString().slice(0, 10),
      fingerprint256: cert.fingerprint256,
      readable: true,
    };
  } catch {
    return { readable: false };
  }
}

/** The reason the project recorded for a rule and app: from the check's acknowledged finding, else from the entry itself. */
function justificationOf(
  rule: string | undefined,
  app: string,
  findings: Finding[],
  acks: Acknowledgement[],
): string | undefined {
  if (!rule) return undefined;
  const acknowledged = findings.find((f) => f.rule === rule && f.app === app && f.acknowledged);
  if (acknowledged) return acknowledged.acknowledged;
  return acks.find((a) => a.rule === rule && (a.app === undefined || a.app === app))?.reason;
}

/** Check rules whose findings mean the consumer secret or a key could leave the owning org. */
const SECRET_EXPOSING_RULES = ['secret-in-source', 'private-key', 'non-packageable', 'forceignore'];

/** Errors and warnings nobody acknowledged: what a reviewer raises. Infos are notes for the team, not for the review. */
function raisedByReviewer(f: Finding): boolean {
  return !f.acknowledged && f.severity !== 'info';
}

function open(f: Finding): OpenFinding {
  return { rule: f.rule, severity: f.severity, file: f.file, line: f.line, message: f.message, fix: f.fix };
}

export function appDisclosure(s: AppSettings, findings: Finding[], acks: Acknowledgement[]): AppDisclosure {
  const ofApp = findings.filter((f) => (s.kind === 'eca' ? f.app === s.name : f.file === s.file));
  const flows = FLOW_RULES.filter((r) => r.enabled(s)).map((r): FlowFact => ({
    id: r.id,
    label: r.label,
    verdict: r.verdict,
    guidance: r.guidance,
    rule: r.rule,
    justification: justificationOf(r.rule, s.name, ofApp, acks),
  }));
  const scopes = s.scopes.map((name): ScopeFact => {
    const rule: ScopeRule = SCOPE_RULES[name] ?? { verdict: 'fine' };
    return {
      name,
      meaning: scopeMeaning(name),
      ...rule,
      justification: justificationOf(rule.rule, s.name, ofApp, acks),
    };
  });
  return {
    name: s.name,
    kind: s.kind,
    label: s.label,
    description: s.description,
    contactEmail: s.contactEmail,
    file: s.file,
    packageDir: s.packageDir,
    distributionState: s.distributionState,
    orgScopedExternalApp: s.orgScopedExternalApp,
    globalSource: s.globalSource,
    policiesSource: s.policiesSource,
    controls: CONTROL_RULES.map((r) => ({ id: r.id, label: r.label, ...r.judge(s) })),
    flows,
    scopes,
    callbacks: callbackFacts(s),
    pkceRequired: s.pkceRequired,
    secretStorage: {
      exposedBy: [
        ...new Set(ofApp.filter((f) => !f.acknowledged && SECRET_EXPOSING_RULES.includes(f.rule)).map((f) => f.rule)),
      ],
    },
    secretRequired: {
      webServerFlow: s.consumerSecretOptional === undefined ? undefined : !s.consumerSecretOptional,
      refreshToken: s.secretRequiredForRefreshToken,
      tokenExchange: s.secretRequiredForTokenExchange,
    },
    refreshToken: {
      rotation: s.refreshTokenRotation,
      policy: s.refreshTokenPolicy,
      validity: s.refreshTokenValidity
        ? `${s.refreshTokenValidity.period} ${s.refreshTokenValidity.unit}`.trim()
        : undefined,
      enforceIdleTtl: s.enforceRefreshTokenTtl,
    },
    ipRelaxation: s.ipRelaxation,
    permittedUsers: { policy: s.permittedUsers, permissionSets: s.permissionSets, profiles: s.profiles },
    certificate: s.certificate ? certificateFacts(s.certificate) : undefined,
    consumerKey: s.consumerKey && s.globalSource ? { value: s.consumerKey, source: s.globalSource } : undefined,
    openFindings: ofApp.filter(raisedByReviewer).map(open),
    acknowledged: ofApp.filter((f) => f.acknowledged).map((f) => ({ rule: f.rule, reason: f.acknowledged! })),
  };
}

export type DisclosureOptions = {
  /** what the documents call the project: its package names */
  title: string;
  /** package directory path → its package and the base packages it extends */
  packages?: Map<string, { name?: string; extensionOf: string[] }>;
  date: Date;
  hubApps?: Map<string, HubApp>;
  devHub?: string;
};

/** The disclosure of every app the package carries, from the catalog and the findings of `check` over it. */
export function buildDisclosure(catalog: Catalog, findings: Finding[], options: DisclosureOptions): Disclosure {
  const settings = packagedAppSettings(catalog, options.hubApps);
  const apps = settings.map((s) => ({
    ...appDisclosure(s, findings, catalog.project.acknowledgements),
    package: s.packageDir ? options.packages?.get(s.packageDir) : undefined,
  }));
  const claimed = new Set(settings.map((s) => (s.kind === 'eca' ? `app:${s.name}` : `file:${s.file}`)));
  const projectFindings = findings
    .filter(
      (f) =>
        raisedByReviewer(f) && !(f.app && claimed.has(`app:${f.app}`)) && !(f.file && claimed.has(`file:${f.file}`)),
    )
    .map(open);
  return {
    project: options.title,
    namespace: catalog.project.namespace,
    date: options.date.toISOString().slice(0, 10),
    devHub: options.devHub,
    apps,
    projectFindings,
  };
}
