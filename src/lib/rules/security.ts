import { Catalog, CatalogFile, withoutMdapiTwins } from '../catalog.js';
import { GLOBAL_OAUTH_TYPE, OAUTH_POLICIES_TYPE, OAUTH_SETTINGS_TYPE } from '../family.js';
import { child, childText } from '../xml.js';
import { Finding, Rule, RuleContext, finding, EVERY_SCOPE } from './rule.js';
import { scopeTokens } from './structure.js';

/** AppExchange security-review rules that the metadata can answer (eca-domain.md section 5). */

/** Global OAuth settings in the project and, when the command read the Dev Hub, the Dev Hub's own in memory. */
function globalSettings(catalog: Catalog, context: RuleContext): CatalogFile[] {
  const local = withoutMdapiTwins(catalog.files.filter((f) => f.type?.name === GLOBAL_OAUTH_TYPE && f.doc));
  const fromHub = [...(context.hubApps?.values() ?? [])].flatMap((a) =>
    a.globalSettings?.doc ? [a.globalSettings] : [],
  );
  return [...local, ...fromHub];
}

/**
 * A rule on one boolean or enum element of a settings type (the global settings unless `type` says otherwise):
 * `bad` says which values the security review rejects.
 */
function flagRule(
  { id, severity }: Pick<Rule, 'id' | 'severity'>,
  element: string,
  bad: (value: string | undefined) => boolean,
  type = GLOBAL_OAUTH_TYPE,
): Rule {
  const rule: Rule = {
    id,
    severity,
    judges: EVERY_SCOPE,
    check: (catalog, context) =>
      (type === GLOBAL_OAUTH_TYPE
        ? globalSettings(catalog, context)
        : withoutMdapiTwins(catalog.files.filter((f) => f.type?.name === type && f.doc))
      )
        .filter((f) => bad(childText(f.doc!.root, element)))
        .map((f) => finding(rule, 'flag', { file: f, element: child(f.doc!.root, element) }, [element])),
  };
  return rule;
}

const on = (value: string | undefined): boolean => value === 'true';
const off = (value: string | undefined): boolean => value === 'false';
const notOn = (value: string | undefined): boolean => value !== 'true';
const infinite = (value: string | undefined): boolean => value === 'Infinite';

const deviceFlow = flagRule({ id: 'device-flow', severity: 'error' }, 'isDeviceFlowEnabled', on);
const pkce = flagRule({ id: 'pkce', severity: 'error' }, 'isPkceRequired', off);
const rotation = flagRule(
  { id: 'refresh-token-rotation', severity: 'warning' },
  'isRefreshTokenRotationEnabled',
  notOn,
);
const credentials = flagRule({ id: 'client-credentials', severity: 'warning' }, 'isClientCredentialsFlowEnabled', on);
const tokenExchange = flagRule({ id: 'token-exchange', severity: 'warning' }, 'isTokenExchangeEnabled', on);
const codeCredentials = flagRule({ id: 'code-credentials', severity: 'warning' }, 'isCodeCredFlowEnabled', on);
const tokenPolicy = flagRule(
  { id: 'refresh-token-policy', severity: 'warning' },
  'refreshTokenPolicyType',
  infinite,
  OAUTH_POLICIES_TYPE,
);

/** A warning when OAuth settings, wherever they sit, ask for a scope the security review questions. */
function scopeRule({ id, scope }: { id: string; scope: string }): Rule {
  const rule: Rule = {
    id,
    severity: 'warning',
    judges: EVERY_SCOPE,
    check: (catalog) =>
      withoutMdapiTwins(catalog.files.filter((f) => f.type?.name === OAUTH_SETTINGS_TYPE && f.doc)).flatMap((f) => {
        const el = child(f.doc!.root, 'commaSeparatedOauthScopes');
        return el && scopeTokens(el.text).includes(scope) ? [finding(rule, 'present', { file: f, element: el })] : [];
      }),
  };
  return rule;
}

export const fullScope = scopeRule({ id: 'scope-full', scope: 'Full' });
export const webScope = scopeRule({ id: 'scope-web', scope: 'Web' });

const LOOPBACK = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/|$)/i;

function callbackUrls(f: CatalogFile): { el: NonNullable<ReturnType<typeof child>>; urls: string[] } | undefined {
  const el = child(f.doc!.root, 'callbackUrl');
  return el
    ? {
        el,
        urls: el.text
          .split(/\r?\n/)
          .map((u) => u.trim())
          .filter(Boolean),
      }
    : undefined;
}

export const callbackInsecure: Rule = {
  id: 'callback-insecure',
  severity: 'error',
  judges: EVERY_SCOPE,
  check: (catalog, context) =>
    globalSettings(catalog, context).flatMap((f) => {
      const found = callbackUrls(f);
      const bad = found?.urls.filter((u) => u.toLowerCase().startsWith('http://') && !LOOPBACK.test(u)) ?? [];
      return bad.length ? [finding(callbackInsecure, 'http', { file: f, element: found!.el }, [bad.join(', ')])] : [];
    }),
};

export const callbackLocalhost: Rule = {
  id: 'callback-localhost',
  severity: 'warning',
  judges: EVERY_SCOPE,
  check: (catalog, context) =>
    globalSettings(catalog, context).flatMap((f): Finding[] => {
      const found = callbackUrls(f);
      if (!found) return [];
      if (found.urls.some((u) => /[,;]\s*https?:/.test(u)))
        return [finding(callbackLocalhost, 'separator', { file: f, element: found.el })];
      const local = found.urls.filter((u) => LOOPBACK.test(u) || /^https?:\/\/(localhost|127\.0\.0\.1)/i.test(u));
      return local.length && local.length < found.urls.length
        ? [finding(callbackLocalhost, 'mixed', { file: f, element: found.el })]
        : [];
    }),
};

export const SECURITY_RULES: Rule[] = [
  fullScope,
  webScope,
  deviceFlow,
  pkce,
  rotation,
  credentials,
  tokenExchange,
  codeCredentials,
  tokenPolicy,
  callbackInsecure,
  callbackLocalhost,
];
