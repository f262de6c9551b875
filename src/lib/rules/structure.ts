import {
  Catalog,
  CatalogFile,
  componentName,
  entersPackage,
  mdapiCopiesBesideTwin,
  namespaceOf,
  scopeOf,
} from '../catalog.js';
import {
  APP_LINK_ELEMENT,
  SAML_POLICIES_TYPE,
  APP_POLICIES_TYPE,
  OAUTH_SETTINGS_TYPE,
  sourceFileName,
} from '../family.js';
import {
  hasSchema,
  validateAgainstSchema,
  SchemaIssue,
  SchemaIssueKind,
  oauthScopeNames,
  schemaVersion,
  SCHEMA_VERSIONS,
} from '../schema.js';
import { child, childText } from '../xml.js';
import { Finding, Rule, Severity, finding } from './rule.js';
import { packagedHeaders } from './checklist.js';

/** What a deploy or a package build would trip on besides the checklist. */

const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

const ecaFiles = (catalog: Catalog): CatalogFile[] => catalog.files.filter((f) => f.kind === 'eca');

export const xmlMalformed: Rule = {
  id: 'xml-malformed',
  severity: 'error',
  judges: ['package'],
  check: (catalog) =>
    catalog.files
      .filter((f) => f.kind !== 'key' && f.readError)
      .map((f) => finding(xmlMalformed, 'unreadable', { file: f, line: f.readError!.line }, [f.readError!.message])),
};

export const xmlRoot: Rule = {
  id: 'xml-root',
  severity: 'error',
  judges: ['package'],
  check: (catalog) =>
    ecaFiles(catalog).flatMap((f) => {
      if (!f.doc || !f.type) return [];
      const root = f.doc.root;
      if (root.name !== f.type.name)
        return [finding(xmlRoot, 'wrongRoot', { file: f, element: root }, [root.name, f.type.name])];
      // the namespace the root's own prefix (or the default namespace) is bound to, not whichever xmlns comes first
      const qname = /^<([^\s/>]+)/.exec(f.doc.text.slice(root.start))?.[1] ?? root.name;
      const prefix = qname.includes(':') ? qname.slice(0, qname.indexOf(':')) : undefined;
      const ns = root.attributes[prefix ? `xmlns:${prefix}` : 'xmlns'];
      if (ns !== METADATA_NAMESPACE)
        return [finding(xmlRoot, 'namespace', { file: f, element: root }, [ns ?? '(none)', METADATA_NAMESPACE])];
      return [];
    }),
};

/**
 * Elements that Metadata API versions before the oldest schema (v66) carried and v66 dropped (eca-domain.md 1.4): a
 * project still on such a version may use them.
 */
const OLDER_VERSION_ELEMENTS: Record<string, string[]> = {
  ExtlClntAppOauthConfigurablePolicies: ['isNamedUserJwtEnabled'],
};

const issuesByFile = new WeakMap<CatalogFile, SchemaIssue[]>();

/** Each file is validated once, against the schema of the project's sourceApiVersion, whichever rule asks first. */
function schemaIssues(catalog: Catalog, f: CatalogFile): SchemaIssue[] {
  const cached = issuesByFile.get(f);
  if (cached) return cached;
  const version = catalog.project.sourceApiVersion;
  const older =
    version !== undefined &&
    schemaVersion(version) === SCHEMA_VERSIONS[0] &&
    Number(version) < Number(SCHEMA_VERSIONS[0]);
  const tolerated = older ? (OLDER_VERSION_ELEMENTS[f.type!.name] ?? []) : [];
  const issues = validateAgainstSchema(f.type!.name, f.doc!.root, version).filter(
    (i) => !(i.kind === 'unknown-element' && tolerated.includes(i.element)),
  );
  issuesByFile.set(f, issues);
  return issues;
}

/** One kind of schema issue as a rule; each file is validated once for all four (see schemaIssues). */
function schemaRule({
  id,
  kind,
  severity = 'error',
}: {
  id: string;
  kind: SchemaIssueKind;
  severity?: Severity;
}): Rule {
  const rule: Rule = {
    id,
    severity,
    // what a package build reads: a schema slip in a retrieve folder or a source-org copy fails no build
    judges: ['package'],
    check: (catalog) =>
      ecaFiles(catalog).flatMap((f) => {
        if (
          !f.doc ||
          !f.type ||
          f.doc.root.name !== f.type.name ||
          !hasSchema(f.type.name, catalog.project.sourceApiVersion)
        )
          return [];
        return schemaIssues(catalog, f)
          .filter((issue) => issue.kind === kind)
          .map((issue) => ({
            rule: id,
            severity: rule.severity,
            app: f.app,
            file: f.path,
            line: issue.line,
            message: issue.message,
            fix: issue.fix,
          }));
      }),
  };
  return rule;
}

export const schemaUnknownElement = schemaRule({ id: 'schema-unknown-element', kind: 'unknown-element' });
/**
 * A warning, not an error: real hand-written files that deployed use other orders (Flowdometer's deploy package puts
 * label first), and no Metadata API error for element order is on record; sorted order is only the safe choice.
 */
export const schemaOrder = schemaRule({ id: 'schema-order', kind: 'order', severity: 'warning' });
export const schemaRepeated = schemaRule({ id: 'schema-repeated', kind: 'repeated' });
export const schemaValue = schemaRule({ id: 'schema-value', kind: 'value' });
export const schemaRequired = schemaRule({ id: 'schema-required', kind: 'required' });

export const orphanPlugin: Rule = {
  id: 'orphan-plugin',
  severity: 'error',
  judges: ['package'],
  check: (catalog) => {
    const headers = catalog.files.filter((f) => f.type?.role === 'header' && f.app);
    const headersInPackages = new Set(headers.filter(entersPackage).map((f) => f.app!));
    const hiddenHeaders = new Map(headers.filter((f) => scopeOf(f) === 'hidden').map((f) => [f.app!, f]));
    return ecaFiles(catalog)
      .filter((f) => f.doc && f.type && f.type.role !== 'header' && entersPackage(f))
      .flatMap((f) => {
        if (!f.app) return [finding(orphanPlugin, 'noLink', { file: f }, [APP_LINK_ELEMENT])];
        if (headersInPackages.has(f.app)) return [];
        const foreign = namespaceOf(f.app);
        const bare = foreign ? f.app.slice(foreign.length + 2) : undefined;
        if (foreign && bare && headersInPackages.has(bare)) {
          const ours = catalog.project.namespace ?? 'none';
          const where = { file: f, element: child(f.doc!.root, APP_LINK_ELEMENT) };
          return [finding(orphanPlugin, 'otherNamespace', where, [f.app, foreign, ours], [bare])];
        }
        const hidden = hiddenHeaders.get(f.app);
        const line = hidden ? catalog.hiddenBy?.(hidden.fullPath) : undefined;
        if (hidden && line) {
          const where = { file: f, element: child(f.doc!.root, APP_LINK_ELEMENT) };
          const tokens = [f.app, hidden.path, String(line.line), line.pattern];
          return [finding(orphanPlugin, 'headerHidden', where, tokens, [String(line.line), line.pattern])];
        }
        return [finding(orphanPlugin, 'noHeader', { file: f, element: child(f.doc!.root, APP_LINK_ELEMENT) }, [f.app])];
      });
  },
};

/** Types of which an app can have only one file. */
const ONE_PER_APP = new Set([
  'ExternalClientApplication',
  OAUTH_SETTINGS_TYPE,
  'ExtlClntAppGlobalOauthSettings',
  APP_POLICIES_TYPE,
  'ExtlClntAppOauthConfigurablePolicies',
]);

export const duplicate: Rule = {
  id: 'duplicate',
  severity: 'error',
  judges: ['package'],
  check: (catalog) => {
    const findings: Finding[] = [];
    const byComponent = new Map<string, CatalogFile[]>();
    const byAppType = new Map<string, CatalogFile[]>();
    for (const f of ecaFiles(catalog).filter(entersPackage)) {
      // a metadata-format copy beside its source twin is mdapi-copy's finding; counting it here would name the
      // source file as the one to drop
      if (!f.type || f.form === 'mdapi') continue;
      const component = `${f.type.name}:${f.fullName}`;
      byComponent.set(component, [...(byComponent.get(component) ?? []), f]);
      if (f.app && ONE_PER_APP.has(f.type.name) && f.type.role !== 'header') {
        const key = `${f.type.name}:${f.app}`;
        byAppType.set(key, [...(byAppType.get(key) ?? []), f]);
      }
    }
    for (const [component, files] of byComponent) {
      if (files.length < 2) continue;
      for (const f of files.slice(1))
        findings.push(finding(duplicate, 'component', { file: f }, [component, files[0].path]));
    }
    for (const [key, files] of byAppType) {
      if (files.length < 2 || new Set(files.map((f) => f.fullName)).size < files.length) continue;
      for (const f of files.slice(1))
        findings.push(finding(duplicate, 'perApp', { file: f }, [key.split(':')[0], f.app!, files[0].path]));
    }
    return findings;
  },
};

/** Runtime OAuth scope strings people write, and the metadata enum name the field wants. */
const RUNTIME_SCOPES: Record<string, string> = {
  api: 'Api',
  web: 'Web',
  full: 'Full',
  refresh_token: 'RefreshToken',
  offline_access: 'OfflineAccess',
  openid: 'OpenID',
  id: 'Basic',
  profile: 'Profile',
  email: 'Email',
  address: 'Address',
  phone: 'Phone',
  chatter_api: 'Chatter',
  visualforce: 'CustomApplications',
  custom_permissions: 'CustomPermissions',
  wave_api: 'Wave',
  eclair_api: 'Eclair',
  pardot_api: 'Pardot',
  lightning: 'Lightning',
  content: 'Content',
  chatbot_api: 'Chatbot',
  mcp_api: 'MCP',
  sfap_api: 'SFAP',
  einstein_gpt_api: 'EinsteinGPT',
  pwdless_login_api: 'PwdlessLogin',
  interaction_api: 'Interaction',
  cdp_ingest_api: 'CDPIngest',
  cdp_profile_api: 'CDPProfile',
  cdp_query_api: 'CDPQuery',
};

export function scopeTokens(value: string): string[] {
  return value
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function suggestedScope(token: string, apiVersion?: string): string | undefined {
  return (
    RUNTIME_SCOPES[token.toLowerCase()] ??
    oauthScopeNames(apiVersion).find((n) => n.toLowerCase() === token.toLowerCase())
  );
}

export const oauthScopes: Rule = {
  id: 'oauth-scopes',
  severity: 'error',
  judges: ['package'],
  check: (catalog) =>
    ecaFiles(catalog)
      .filter((f) => f.type?.name === OAUTH_SETTINGS_TYPE && f.doc)
      .flatMap((f) => {
        const el = child(f.doc!.root, 'commaSeparatedOauthScopes');
        if (!el) return [];
        const version = catalog.project.sourceApiVersion;
        const wrong = scopeTokens(el.text).filter((t) => !oauthScopeNames(version).includes(t));
        if (wrong.length === 0) return [];
        const fixed = scopeTokens(el.text).map((t) => suggestedScope(t, version) ?? t);
        const unique = [...new Set(fixed)].join(', ');
        return [finding(oauthScopes, 'notEnumNames', { file: f, element: el }, [wrong.join(', ')], [unique])];
      }),
};

export const samlNotPackageable: Rule = {
  id: 'saml',
  severity: 'error',
  judges: ['package'],
  check: (catalog) =>
    [...catalog.apps.values()].flatMap((app) => {
      const header = packagedHeaders(app)[0];
      if (!header) return [];
      const saml = app.plugins.find(
        (p) =>
          p.type?.name === SAML_POLICIES_TYPE ||
          (p.type?.name === APP_POLICIES_TYPE && p.doc && childText(p.doc.root, 'isSamlPluginEnabled') === 'true'),
      );
      return saml ? [finding(samlNotPackageable, 'enabled', { file: header, app: app.name }, [saml.path])] : [];
    }),
};

export const mdapiCopy: Rule = {
  id: 'mdapi-copy',
  severity: 'warning',
  judges: ['package'],
  check: (catalog) => {
    const packaged = ecaFiles(catalog).filter(entersPackage);
    const besideTwin = mdapiCopiesBesideTwin(packaged);
    return packaged
      .filter((f) => f.form === 'mdapi')
      .map((f) => {
        const source = sourceFileName(f.type!, componentName(f.fullName));
        const variant = besideTwin.has(f) ? 'inPackage' : 'only';
        return finding(mdapiCopy, variant, { file: f }, [`${f.type!.name} ${componentName(f.fullName)}`], [source]);
      });
  },
};

export const settingsUnconfirmed: Rule = {
  id: 'settings-unconfirmed',
  severity: 'warning',
  judges: ['package'],
  check: (catalog) =>
    ecaFiles(catalog)
      .filter((f) => f.type?.packageable === 'unconfirmed' && entersPackage(f))
      .map((f) => finding(settingsUnconfirmed, 'inPackage', { file: f }, [f.type!.name])),
};

export const outsidePackage: Rule = {
  id: 'outside-package',
  severity: 'info',
  judges: ['outside'],
  check: (catalog) =>
    ecaFiles(catalog)
      .filter((f) => !f.packageDir)
      .map((f) => finding(outsidePackage, 'notInPackageDir', { file: f }, [f.type!.name])),
};

export const STRUCTURE_RULES: Rule[] = [
  xmlMalformed,
  xmlRoot,
  schemaUnknownElement,
  schemaOrder,
  schemaRepeated,
  schemaValue,
  schemaRequired,
  orphanPlugin,
  duplicate,
  oauthScopes,
  samlNotPackageable,
  mdapiCopy,
  settingsUnconfirmed,
  outsidePackage,
];
