import type { Connection } from '@salesforce/core';

/**
 * The Dev Hub's posture as the security review judges it (issue 12, eca-domain.md section 5): read-only queries
 * (SOQL, Tooling, one Metadata API read), nothing changed. Each check answers one line of the guidance, says
 * where in Setup it is fixed, and flips with the org's data. A check whose object the org does not expose, or
 * that the user may not read, is `unknown` with the reason, never a silent pass.
 */

export type PostureVerdict = 'pass' | 'fail' | 'unknown';

export type PostureResult = {
  id: string;
  title: string;
  verdict: PostureVerdict;
  /** the line of the guidance the check answers */
  guidance: string;
  /** where in Setup it is fixed */
  setup: string;
  details: string[];
};

export type Posture = { devHub: string; checks: PostureResult[] };

export type PostureContext = { conn: Connection; namespace?: string };

type Outcome = { verdict: PostureVerdict; details: string[] };

export type PostureCheck = {
  id: string;
  title: string;
  guidance: string;
  setup: string;
  run: (context: PostureContext) => Promise<Outcome>;
};

type Row = Record<string, unknown>;

async function soql(conn: Connection, query: string): Promise<Row[]> {
  const result = await conn.query<Row>(query, { autoFetch: true, maxFetch: 50_000 });
  return result.records;
}

async function tooling(conn: Connection, query: string): Promise<Row[]> {
  const result = await conn.tooling.query<Row>(query, { autoFetch: true, maxFetch: 50_000 });
  return result.records;
}

/** `a.b.c` of a record whose relationships come back as nested objects. */
function field(row: Row, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((value, key) => (value && typeof value === 'object' ? (value as Row)[key] : undefined), row);
}

const str = (value: unknown): string => (value === null || value === undefined ? '' : String(value));
const yes = (value: unknown): boolean => value === true || value === 'true';

function asArray<T>(value: T | T[] | undefined | null): T[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export const useAnyApiClient: PostureCheck = {
  id: 'hub-use-any-api-client',
  title: 'Use Any API Client',
  guidance: 'No user of the Dev Hub or the namespace org holds the "Use Any API Client" permission.',
  setup:
    'Setup > Users > Profiles and Setup > Users > Permission Sets > System Permissions: clear "Use Any API Client".',
  run: async ({ conn }) => {
    const rows = await soql(
      conn,
      'SELECT Assignee.Username, PermissionSet.Name, PermissionSet.IsOwnedByProfile, PermissionSet.Profile.Name FROM PermissionSetAssignment WHERE PermissionSet.PermissionsUseAnyApiClient = true AND Assignee.IsActive = true',
    );
    const details = rows
      .map((r) => {
        const through = yes(field(r, 'PermissionSet.IsOwnedByProfile'))
          ? `profile ${str(field(r, 'PermissionSet.Profile.Name'))}`
          : `permission set ${str(field(r, 'PermissionSet.Name'))}`;
        return `${str(field(r, 'Assignee.Username'))} (through ${through})`;
      })
      .sort();
    return { verdict: details.length ? 'fail' : 'pass', details };
  },
};

/** Methods that count as a second factor; a verified mobile number (SMS) does not. */
const MFA_METHODS = ['HasSalesforceAuthenticator', 'HasTotp', 'HasU2F', 'HasSecurityKey', 'HasBuiltInAuthenticator'];

export const mfaForEveryUser: PostureCheck = {
  id: 'hub-mfa',
  title: 'Multi-factor authentication',
  guidance: 'Every user signs in with multi-factor authentication.',
  setup:
    'Setup > Identity Verification: require MFA for all direct UI logins; each user registers a verification method (Setup > Users > the user > Multi-Factor Authentication). Users who sign in through SSO satisfy it at the identity provider.',
  run: async ({ conn }) => {
    const users = await soql(conn, "SELECT Id, Username FROM User WHERE IsActive = true AND UserType = 'Standard'");
    const methods = await soql(conn, `SELECT UserId, ${MFA_METHODS.join(', ')} FROM TwoFactorMethodsInfo`);
    const withMfa = new Set(
      methods.filter((m) => MFA_METHODS.some((name) => yes(m[name]))).map((m) => str(m.UserId).slice(0, 15)),
    );
    const without = users
      .filter((u) => !withMfa.has(str(u.Id).slice(0, 15)))
      .map((u) => `${str(u.Username)} has no verification method registered`);
    return { verdict: without.length ? 'fail' : 'pass', details: without.sort() };
  },
};

const EVERY_IPV4 = (start: string, end: string): boolean => start === '0.0.0.0' && end === '255.255.255.255';

export const ipAllowlist: PostureCheck = {
  id: 'hub-ip-ranges',
  title: 'IP allowlisting',
  guidance: 'Logins to the Dev Hub are restricted to known IP ranges (IP allowlisting).',
  setup:
    'Setup > Users > Profiles > the profile > Login IP Ranges; trusted ranges under Setup > Security > Network Access.',
  run: async ({ conn }) => {
    const login = await soql(conn, 'SELECT Profile.Name, StartAddress, EndAddress FROM LoginIpRange');
    const settings = (await conn.metadata.read('SecuritySettings', 'Security')) as unknown as Row;
    const trusted = asArray(field(settings, 'networkAccess.ipRanges') as Row | Row[] | undefined);
    const details = [
      ...login.map(
        (r) => `login range ${str(r.StartAddress)}–${str(r.EndAddress)} on profile ${str(field(r, 'Profile.Name'))}`,
      ),
      ...trusted.map(
        (r) => `trusted range ${str(r.start)}–${str(r.end)}${r.description ? ` (${str(r.description)})` : ''}`,
      ),
    ];
    const open = [
      ...login.map((r) => [str(r.StartAddress), str(r.EndAddress)]),
      ...trusted.map((r) => [str(r.start), str(r.end)]),
    ].some(([s, e]) => EVERY_IPV4(s, e));
    if (login.length === 0) details.unshift('no profile has login IP ranges: users may sign in from any address');
    if (open) details.unshift('a range covers every IPv4 address, which allows everything');
    return { verdict: login.length > 0 && !open ? 'pass' : 'fail', details };
  },
};

/** Installed from another publisher: a namespace that is not the ISV's own. */
function foreign(namespace: unknown, own: string | undefined): boolean {
  const ns = str(namespace);
  return ns !== '' && ns.toLowerCase() !== (own ?? '').toLowerCase();
}

export const foreignApps: PostureCheck = {
  id: 'hub-foreign-apps',
  title: 'Apps the ISV does not own',
  guidance: 'No untrusted Connected App or External Client App is installed in the Dev Hub.',
  setup:
    'Setup > Apps > Connected Apps > Connected Apps OAuth Usage (block or uninstall) and Setup > Apps > External Client Apps > External Client App Manager; uninstall the package that brought an app you do not trust (Setup > Apps > Packaging > Installed Packages).',
  run: async ({ conn, namespace }) => {
    const ecas = await tooling(
      conn,
      'SELECT DeveloperName, MasterLabel, NamespacePrefix, ManageableState FROM ExternalClientApplication',
    );
    const cas = await soql(
      conn,
      "SELECT Name, Label, NamespacePrefix FROM AppMenuItem WHERE Type = 'ConnectedApplication'",
    );
    const details = [
      ...ecas
        .filter((r) => foreign(r.NamespacePrefix, namespace))
        .map(
          (r) =>
            `External Client App ${str(r.MasterLabel) || str(r.DeveloperName)} (namespace ${str(r.NamespacePrefix)})`,
        ),
      ...cas
        .filter((r) => foreign(r.NamespacePrefix, namespace))
        .map((r) => `Connected App ${str(r.Label) || str(r.Name)} (namespace ${str(r.NamespacePrefix)})`),
    ].sort();
    return { verdict: details.length ? 'fail' : 'pass', details };
  },
};

export const guestSites: PostureCheck = {
  id: 'hub-guest-sites',
  title: 'Sites with guest access',
  guidance: 'No active site of the Dev Hub allows guest (unauthenticated) access.',
  setup:
    'Setup > User Interface > Sites and Domains > Sites (deactivate the site), or Setup > Digital Experiences > All Sites.',
  run: async ({ conn }) => {
    const sites = await soql(
      conn,
      "SELECT Name, MasterLabel, SiteType, GuestUser.IsActive FROM Site WHERE Status = 'Active'",
    );
    const details = sites
      .filter((s) => yes(field(s, 'GuestUser.IsActive')))
      .map((s) => `${str(s.MasterLabel) || str(s.Name)} (${str(s.SiteType)}) is active with an active guest user`);
    return { verdict: details.length ? 'fail' : 'pass', details };
  },
};

export const secretAccess: PostureCheck = {
  id: 'hub-secret-access',
  title: 'Consumer secrets through the API',
  guidance: 'Consumer secrets cannot be read through the REST API (REST API Secret Masking).',
  setup:
    'Setup > Apps > External Client Apps > Settings: clear "Allow access to External Client App consumer secrets via REST API".',
  run: async ({ conn }) => {
    const rows = await tooling(
      conn,
      'SELECT IsClientSecretInRestApiAccessEnabled, IsConsumerSecretApiAccessEnabled FROM ExternalClientAppSettings',
    );
    const rest = rows.some((r) => yes(r.IsClientSecretInRestApiAccessEnabled));
    const metadata = rows.some((r) => yes(r.IsConsumerSecretApiAccessEnabled));
    const details = [
      ...(rest ? ['consumer secrets are readable through the REST API'] : []),
      ...(metadata
        ? [
            'consumer secrets are readable through the Metadata API (deprecated setting; turn it off unless a deploy needs it)',
          ]
        : []),
    ];
    return { verdict: rest ? 'fail' : 'pass', details };
  },
};

/** Every posture check, in the order the packet lists them. */
export const POSTURE_CHECKS: readonly PostureCheck[] = [
  useAnyApiClient,
  mfaForEveryUser,
  ipAllowlist,
  foreignApps,
  guestSites,
  secretAccess,
];

/**
 * An expired session or an org that cannot be reached ends the run: every later query would fail the same way (and
 * jsforce retries each unreachable GET for about 15 s).
 */
function endsTheRun(error: unknown): boolean {
  const e = error as { errorCode?: string; name?: string; message?: string; code?: string };
  return /INVALID_SESSION_ID|invalid_grant|expired access\/refresh token|ECONNREFUSED|ENOTFOUND|ETIMEDOUT|fetch failed/i.test(
    `${e.errorCode ?? ''} ${e.name ?? ''} ${e.code ?? ''} ${e.message ?? ''}`,
  );
}

export async function readPosture(
  context: PostureContext,
  checks: readonly PostureCheck[] = POSTURE_CHECKS,
): Promise<Posture> {
  const results: PostureResult[] = [];
  for (const check of checks) {
    let outcome: Outcome;
    try {
      outcome = await check.run(context);
    } catch (error) {
      if (endsTheRun(error)) {
        const { orgError } = await import('../org.js');
        throw orgError(error, context.conn);
      }
      const e = error as { errorCode?: string; message?: string };
      const reason = `${e.errorCode ? `${e.errorCode}: ` : ''}${(e.message ?? String(error)).split('\n')[0]}`;
      outcome = { verdict: 'unknown', details: [`could not be read: ${reason}`] };
    }
    results.push({ id: check.id, title: check.title, guidance: check.guidance, setup: check.setup, ...outcome });
  }
  return { devHub: context.conn.getUsername() ?? '', checks: results };
}
