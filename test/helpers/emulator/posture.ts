/*
 * The security posture of an emulated Dev Hub: the records behind the read-only queries of src/lib/review/posture.ts
 * (SOQL and Tooling queries, one Metadata API readMetadata), answered with the shapes a real org returns
 * (relationship fields as nested objects, `attributes` on each record, INVALID_TYPE for an object the org does
 * not expose). Kept apart from org-emulator.ts, which only routes to it. Tests edit `emulator.posture` to flip a
 * verdict.
 */

export type PosturePermissionSet = {
  name: string;
  useAnyApiClient: boolean;
  /** set for the permission set a profile owns */
  profile?: string;
};

export type PostureUser = {
  username: string;
  active?: boolean;
  /** 'Standard' by default; guest and portal users are other types */
  type?: string;
  /** registered verification methods, TwoFactorMethodsInfo field names (HasTotp, HasSalesforceAuthenticator, …) */
  mfa?: string[];
  /** permission sets (by name, profile-owned ones included) assigned to the user */
  permissionSets?: string[];
};

export type PostureData = {
  permissionSets: PosturePermissionSet[];
  users: PostureUser[];
  loginIpRanges: Array<{ profile: string; start: string; end: string }>;
  trustedIpRanges: Array<{ start: string; end: string; description?: string }>;
  externalClientApps: Array<{
    developerName: string;
    label?: string;
    namespace?: string | null;
    manageableState?: string;
  }>;
  connectedApps: Array<{ name: string; label?: string; namespace?: string | null }>;
  sites: Array<{
    name: string;
    label?: string;
    siteType?: string;
    status: 'Active' | 'Inactive';
    guestUserActive: boolean;
  }>;
  externalClientAppSettings: { restSecretAccess: boolean; metadataSecretAccess: boolean };
  /** sObjects the user may not read: queries on them fail as a real org fails them */
  unreadable?: string[];
};

/** A Dev Hub that passes every posture check. */
export function hardenedPosture(): PostureData {
  return {
    permissionSets: [
      { name: 'X00ex000000001', useAnyApiClient: false, profile: 'System Administrator' },
      { name: 'Release_Manager', useAnyApiClient: false },
    ],
    users: [
      { username: 'admin@hub.example', mfa: ['HasSalesforceAuthenticator'], permissionSets: ['X00ex000000001'] },
      { username: 'release@hub.example', mfa: ['HasTotp'], permissionSets: ['X00ex000000001', 'Release_Manager'] },
      { username: 'former@hub.example', active: false, permissionSets: ['X00ex000000001'] },
      { username: 'site-guest@hub.example', type: 'Guest' },
    ],
    loginIpRanges: [{ profile: 'System Administrator', start: '203.0.113.0', end: '203.0.113.255' }],
    trustedIpRanges: [{ start: '198.51.100.0', end: '198.51.100.255', description: 'office' }],
    externalClientApps: [
      { developerName: 'Acme_Connector', label: 'Acme Connector', namespace: null, manageableState: 'unmanaged' },
    ],
    connectedApps: [{ name: 'Acme_Legacy', label: 'Acme Legacy', namespace: null }],
    sites: [{ name: 'Docs', label: 'Docs', siteType: 'Visualforce', status: 'Inactive', guestUserActive: true }],
    externalClientAppSettings: { restSecretAccess: false, metadataSecretAccess: false },
  };
}

type Reply = { status: number; body: unknown };

const ID_PREFIX: Record<string, string> = { User: '005', PermissionSet: '0PS', Profile: '00e', Site: '0DM' };

function recordId(type: string, key: string): string {
  let hash = 0;
  for (const ch of `${type}:${key}`) hash = (hash * 31 + ch.charCodeAt(0)) >>> 0;
  return `${ID_PREFIX[type] ?? '0XX'}${hash.toString(36).toUpperCase().padStart(12, '0').slice(-12)}AAA`;
}

function record(type: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { attributes: { type }, ...fields };
}

function result(entity: string, records: unknown[], tooling: boolean): Reply {
  const body = tooling
    ? {
        size: records.length,
        totalSize: records.length,
        done: true,
        queryLocator: null,
        entityTypeName: entity,
        records,
      }
    : { totalSize: records.length, done: true, records };
  return { status: 200, body };
}

/** `Field = true|false|'text'` conditions of the WHERE clause, by field path (case-insensitive). */
function conditions(soql: string): Map<string, string> {
  const where = /\bWHERE\b([\s\S]*?)(\bORDER\b|\bLIMIT\b|$)/i.exec(soql)?.[1] ?? '';
  const found = new Map<string, string>();
  for (const m of where.matchAll(/([\w.]+)\s*=\s*('([^']*)'|\w+)/g))
    found.set(m[1].toLowerCase(), m[3] ?? m[2].toLowerCase());
  return found;
}

function holds(where: Map<string, string>, field: string, value: string | boolean): boolean {
  const wanted = where.get(field.toLowerCase());
  return wanted === undefined || wanted === String(value);
}

/** The answer to a query on one of the posture objects, or undefined when the query is about something else. */
export function answerPostureQuery(api: 'data' | 'tooling', soql: string, data: PostureData): Reply | undefined {
  const entity = /\bFROM\s+(\w+)/i.exec(soql)?.[1];
  if (!entity) return undefined;
  const where = conditions(soql);
  if (data.unreadable?.some((u) => u.toLowerCase() === entity.toLowerCase())) {
    return {
      status: 400,
      body: [
        {
          errorCode: 'INVALID_TYPE',
          message: `sObject type '${entity}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.`,
        },
      ],
    };
  }
  const tooling = api === 'tooling';
  switch (`${api}:${entity.toLowerCase()}`) {
    case 'data:permissionsetassignment': {
      const sets = new Map(data.permissionSets.map((p) => [p.name, p]));
      const rows = data.users.flatMap((u) =>
        (u.permissionSets ?? []).flatMap((name) => {
          const set = sets.get(name);
          if (!set) return [];
          if (!holds(where, 'PermissionSet.PermissionsUseAnyApiClient', set.useAnyApiClient)) return [];
          if (!holds(where, 'Assignee.IsActive', u.active !== false)) return [];
          return [
            record('PermissionSetAssignment', {
              Assignee: record('User', { Username: u.username }),
              PermissionSet: record('PermissionSet', {
                Name: set.name,
                IsOwnedByProfile: set.profile !== undefined,
                Profile: set.profile ? record('Profile', { Name: set.profile }) : null,
              }),
            }),
          ];
        }),
      );
      return result('PermissionSetAssignment', rows, tooling);
    }
    case 'data:user': {
      const rows = data.users
        .filter((u) => holds(where, 'IsActive', u.active !== false) && holds(where, 'UserType', u.type ?? 'Standard'))
        .map((u) => record('User', { Id: recordId('User', u.username), Username: u.username }));
      return result('User', rows, tooling);
    }
    case 'data:twofactormethodsinfo': {
      const methods = [
        'HasSalesforceAuthenticator',
        'HasTotp',
        'HasU2F',
        'HasSecurityKey',
        'HasBuiltInAuthenticator',
        'HasVerifiedMobileNumber',
      ];
      const rows = data.users.map((u) =>
        record('TwoFactorMethodsInfo', {
          UserId: recordId('User', u.username),
          ...Object.fromEntries(methods.map((m) => [m, (u.mfa ?? []).includes(m)])),
        }),
      );
      return result('TwoFactorMethodsInfo', rows, tooling);
    }
    case 'data:loginiprange':
      return result(
        'LoginIpRange',
        data.loginIpRanges.map((r) =>
          record('LoginIpRange', {
            Profile: record('Profile', { Name: r.profile }),
            StartAddress: r.start,
            EndAddress: r.end,
          }),
        ),
        tooling,
      );
    case 'tooling:externalclientapplication':
      return result(
        'ExternalClientApplication',
        data.externalClientApps.map((a) =>
          record('ExternalClientApplication', {
            DeveloperName: a.developerName,
            MasterLabel: a.label ?? a.developerName,
            NamespacePrefix: a.namespace ?? null,
            ManageableState: a.manageableState ?? (a.namespace ? 'installed' : 'unmanaged'),
          }),
        ),
        tooling,
      );
    case 'data:appmenuitem':
      return result(
        'AppMenuItem',
        data.connectedApps
          .filter(() => holds(where, 'Type', 'ConnectedApplication'))
          .map((a) =>
            record('AppMenuItem', { Name: a.name, Label: a.label ?? a.name, NamespacePrefix: a.namespace ?? null }),
          ),
        tooling,
      );
    case 'data:site':
      return result(
        'Site',
        data.sites
          .filter((s) => holds(where, 'Status', s.status))
          .map((s) =>
            record('Site', {
              Name: s.name,
              MasterLabel: s.label ?? s.name,
              SiteType: s.siteType ?? 'ChatterNetwork',
              GuestUser: record('User', { IsActive: s.guestUserActive }),
            }),
          ),
        tooling,
      );
    case 'tooling:externalclientappsettings':
      return result(
        'ExternalClientAppSettings',
        [
          record('ExternalClientAppSettings', {
            IsClientSecretInRestApiAccessEnabled: data.externalClientAppSettings.restSecretAccess,
            IsConsumerSecretApiAccessEnabled: data.externalClientAppSettings.metadataSecretAccess,
          }),
        ],
        tooling,
      );
    default:
      return undefined;
  }
}

/** `readMetadata` of `SecuritySettings:Security`: the trusted IP ranges (Network Access). Undefined for anything else. */
export function readPostureMetadata(
  type: string,
  fullNames: string[],
  data: PostureData,
): Record<string, unknown> | undefined {
  if (type !== 'SecuritySettings' || !fullNames.includes('Security')) return undefined;
  return {
    records: {
      fullName: 'Security',
      networkAccess: data.trustedIpRanges.length
        ? {
            ipRanges: data.trustedIpRanges.map((r) => ({
              ...(r.description ? { description: r.description } : {}),
              end: r.end,
              start: r.start,
            })),
          }
        : {},
    },
  };
}
