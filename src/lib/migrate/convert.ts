import { PRIVATE_KEY_BLOCK, isSecretElementName, secretElements } from '../secrets.js';
import {
  APP_POLICIES_TYPE,
  GLOBAL_OAUTH_TYPE,
  HEADER_TYPE,
  OAUTH_POLICIES_TYPE,
  OAUTH_SETTINGS_TYPE,
  SAML_POLICIES_TYPE,
} from '../family.js';
import { COMPLEX_TYPES, ROOT_TYPES, SIMPLE_TYPES, type SchemaElement } from '../schema.generated.js';
import { escapeText, type XmlElement } from '../xml.js';
import {
  CANVAS_SETTINGS_TYPE,
  MIGRATED_TYPES,
  ORG_FLOW_SETTINGS,
  mappingRow,
  mapsBelow,
  type MappingRow,
  type MigratedType,
  type Target,
} from './mapping.js';

/**
 * A ConnectedApp document in, the files of a new External Client App out (generated fresh, elements in the XSD's
 * sequence), with a report of what each element became. Pure: no file system, no org. Values never enter the report,
 * so a secret cannot leak through it; secret elements and private keys are never copied anywhere.
 */

export type MappingStatus = 'carried' | 'not-carried' | 'blocking';

export type MappingEntry = {
  /** element path in the ConnectedApp ('oauthConfig/scopes'), or the org setting that blocks */
  from: string;
  /** 1-based line in the ConnectedApp file (of the first element when it repeats) */
  line: number;
  /** set when the entry is about another file than the Connected App's (an org setting) */
  file?: string;
  status: MappingStatus;
  /** 'ExtlClntAppGlobalOauthSettings.idTokenConfig.idTokenValidityInMinutes' */
  to: string[];
  /** why it is not carried or blocks, or what to know about the carried value */
  reason?: string;
  /** how many elements the entry covers, when more than one */
  count?: number;
};

export type ConvertedFile = {
  type: MigratedType;
  fullName: string;
  text: string;
  /** may travel in a 2GP package (header, OAuth settings, canvas settings of an app that is not SAML-enabled) */
  packageable: boolean;
};

export type DistributionState = 'Local' | 'Packaged';

export type AppConversion = {
  app: string;
  distributionState: DistributionState;
  /** why the header is Local, and what remains to make it Packaged */
  localReasons: string[];
  files: ConvertedFile[];
  mapping: MappingEntry[];
  /** the app cannot be migrated as it is: see the entries whose status is 'blocking' */
  blocked: boolean;
};

/** An org-wide flow switch found on in the project (OauthOidcSettings): every OAuth app of the project is blocked. */
export type OrgFlowOn = { setting: string; file: string; line: number };

export type ConvertOptions = {
  /** writes the header Packaged, with orgScopedExternalApp <id>:<app> */
  devHubOrgId?: string;
  orgFlowsOn?: OrgFlowOn[];
  /** the Dev Hub's link to the consumer it issued for the app, once it owns the app */
  oauthLink?: string;
};

export const METADATA_NAMESPACE = 'http://soap.sforce.com/2006/04/metadata';

/** Developer-name rules of the ECA generator in @salesforce/templates (eca-domain.md 1.1). */
const DEVELOPER_NAME = /^[A-Za-z](?!.*__)[A-Za-z0-9_]{0,79}$/;

const PLUGIN_TRIGGER: Record<MigratedType, string> = {
  [HEADER_TYPE]: '',
  [OAUTH_SETTINGS_TYPE]: 'oauthConfig',
  [GLOBAL_OAUTH_TYPE]: 'oauthConfig',
  [OAUTH_POLICIES_TYPE]: 'oauthConfig',
  [CANVAS_SETTINGS_TYPE]: 'canvasConfig or canvas',
  [SAML_POLICIES_TYPE]: 'samlConfig',
  [APP_POLICIES_TYPE]: 'oauthConfig, canvasConfig, samlConfig or startUrl',
};

type Node = { name: string; text?: string; children: Node[] };

class ConversionError extends Error {}

/** One target document being built: values are checked against the XSD type of their element as they are set. */
class TargetDoc {
  public readonly root: Node;
  private readonly setBy = new Map<string, string>();

  public constructor(public readonly type: MigratedType) {
    this.root = { name: type, children: [] };
  }

  public set(path: string, value: string, from: string): void {
    const segments = path.split('/');
    let parent = this.root;
    let complex = ROOT_TYPES[this.type];
    for (const [i, name] of segments.entries()) {
      const decl = declOf(complex, name);
      if (i === segments.length - 1) {
        const problem = valueProblem(decl.type, value);
        if (problem) throw new ConversionError(problem);
        const earlier = this.setBy.get(path);
        if (earlier !== undefined && decl.max !== 'unbounded') {
          throw new ConversionError(`${this.type}.${path} is already set from ${earlier}`);
        }
        this.setBy.set(path, from);
        parent.children.push({ name, text: value, children: [] });
        return;
      }
      let next = parent.children.find((c) => c.name === name);
      if (!next) {
        next = { name, children: [] };
        parent.children.push(next);
      }
      parent = next;
      complex = decl.type;
    }
  }

  public addRecord(path: string, fields: Array<[string, string]>): void {
    const decl = declOf(ROOT_TYPES[this.type], path);
    const record: Node = { name: path, children: [] };
    for (const [name, value] of fields) {
      const problem = valueProblem(declOf(decl.type, name).type, value);
      if (problem) throw new ConversionError(`${name} ${problem}`);
      record.children.push({ name, text: value, children: [] });
    }
    const missing = COMPLEX_TYPES[decl.type].filter((e) => e.min > 0 && !fields.some(([n]) => n === e.name));
    if (missing.length)
      throw new ConversionError(`a record without ${missing.map((m) => m.name).join(', ')} cannot be carried`);
    this.root.children.push(record);
  }

  /** the required elements the document still lacks */
  public missing(): string[] {
    return missingRequired(ROOT_TYPES[this.type], this.root);
  }

  public text(): string {
    const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<${this.type} xmlns="${METADATA_NAMESPACE}">`];
    render(ROOT_TYPES[this.type], this.root, '    ', lines);
    lines.push(`</${this.type}>`, '');
    return lines.join('\n');
  }
}

function declOf(complexType: string, name: string): SchemaElement {
  const decl = COMPLEX_TYPES[complexType]?.find((e) => e.name === name);
  if (!decl) throw new Error(`${name} is not an element of ${complexType}`);
  return decl;
}

function missingRequired(complexType: string, node: Node): string[] {
  const elements = COMPLEX_TYPES[complexType];
  const own = elements.filter((e) => e.min > 0 && !node.children.some((c) => c.name === e.name)).map((e) => e.name);
  const nested = node.children.flatMap((c) => {
    const decl = elements.find((e) => e.name === c.name);
    return decl && Object.hasOwn(COMPLEX_TYPES, decl.type)
      ? missingRequired(decl.type, c).map((m) => `${c.name}.${m}`)
      : [];
  });
  return [...own, ...nested];
}

/** Children in the XSD's sequence (repeated elements keep their order), four spaces a level, as Salesforce writes. */
function render(complexType: string, node: Node, indent: string, lines: string[]): void {
  const elements = COMPLEX_TYPES[complexType];
  const rank = (name: string): number => elements.findIndex((e) => e.name === name);
  const sorted = [...node.children].sort((a, b) => rank(a.name) - rank(b.name));
  for (const child of sorted) {
    const decl = elements[rank(child.name)];
    if (child.text !== undefined) {
      lines.push(`${indent}<${child.name}>${escapeText(child.text)}</${child.name}>`);
    } else {
      lines.push(`${indent}<${child.name}>`);
      render(decl.type, child, indent + '    ', lines);
      lines.push(`${indent}</${child.name}>`);
    }
  }
}

function valueProblem(type: string, value: string): string | undefined {
  if (type === 'boolean') return value === 'true' || value === 'false' ? undefined : 'is not true or false';
  if (type === 'int') return /^[+-]?\d{1,9}$/.test(value) ? undefined : 'is not a whole number';
  const allowed = Object.hasOwn(SIMPLE_TYPES, type) ? SIMPLE_TYPES[type] : undefined;
  if (allowed && !allowed.includes(value)) return `is not one of ${allowed.join(', ')}`;
  return undefined;
}

/** Trimmed text with CR and CRLF line ends made LF (files edited on Windows carry them inside values). */
function valueOf(el: XmlElement): string {
  return el.text.replace(/\r\n?/g, '\n').trim();
}

function targetName(t: Target): string {
  return `${t.type}.${t.path.replace(/\//g, '.')}`;
}

const REFRESH_UNITS: Record<string, string> = { hours: 'Hours', days: 'Days', months: 'Months' };
const REFRESH_POLICIES: Record<string, string> = {
  zero: 'Zero',
  infinite: 'Infinite',
  specific_lifetime: 'SpecificLifetime',
  specificlifetime: 'SpecificLifetime',
  specific_inactivity: 'SpecificInactivity',
  specificinactivity: 'SpecificInactivity',
};

/** `specific_lifetime:3:DAYS` → SpecificLifetime, 3, Days; `zero` / `infinite` alone. */
export function parseRefreshTokenPolicy(value: string): { type: string; period?: string; unit?: string } | undefined {
  const [policy, period, unit, ...rest] = value.split(':').map((p) => p.trim());
  const type = REFRESH_POLICIES[policy.toLowerCase()];
  if (!type || rest.length) return undefined;
  if (type === 'Zero' || type === 'Infinite') return period === undefined ? { type } : undefined;
  const unitName = REFRESH_UNITS[(unit ?? '').toLowerCase()];
  if (!/^\d{1,9}$/.test(period ?? '') || !unitName) return undefined;
  return { type, period, unit: unitName };
}

function enumValue(row: MappingRow, target: Target, value: string): string {
  const convert = row.convert as Extract<MappingRow['convert'], { kind: 'enum' }>;
  const lower = value.toLowerCase();
  const decl = declOfPath(target);
  const allowed = convert.values ?? (Object.hasOwn(SIMPLE_TYPES, decl.type) ? SIMPLE_TYPES[decl.type] : []);
  const found = convert.aliases?.[lower] ?? allowed.find((v) => v.toLowerCase() === lower);
  if (!found || !allowed.includes(found)) throw new ConversionError(`is not one of ${allowed.join(', ')}`);
  return found;
}

function declOfPath(target: Target): SchemaElement {
  let complex = ROOT_TYPES[target.type];
  let decl: SchemaElement | undefined;
  for (const name of target.path.split('/')) {
    decl = declOf(complex, name);
    complex = decl.type;
  }
  return decl!;
}

type Group = { path: string; elements: XmlElement[] };

/** The mapped elements of the document by path, in document order; unmapped and secret ones are reported at once. */
function collect(root: XmlElement, entries: MappingEntry[]): Group[] {
  const groups = new Map<string, Group>();
  const secrets = new Set(secretElements(root, 'ConnectedApp').map((s) => s.element));
  const visit = (el: XmlElement, prefix: string): void => {
    for (const child of el.children) {
      const path = prefix ? `${prefix}/${child.name}` : child.name;
      if (PRIVATE_KEY_BLOCK.test(child.text) && child.children.length === 0) {
        entries.push(notCarried(path, child, 'it holds a private key, which is never carried'));
      } else if (isSecretElementName(child.name) || secrets.has(child)) {
        entries.push(notCarried(path, child, mappingRow(path)?.why ?? 'it holds a secret, which is never carried'));
      } else if (mappingRow(path)) {
        const group = groups.get(path) ?? { path, elements: [] };
        group.elements.push(child);
        groups.set(path, group);
      } else if (mapsBelow(path)) {
        visit(child, path);
      } else {
        entries.push(notCarried(path, child, 'not an element of ConnectedApp in Metadata API v66'));
      }
    }
  };
  visit(root, '');
  return [...groups.values()];
}

function notCarried(from: string, el: XmlElement, reason: string): MappingEntry {
  return { from, line: el.line, status: 'not-carried', to: [], reason };
}

/** Applies one mapping row to the elements found at its path. */
function applyRow(row: MappingRow, group: Group, docs: Map<MigratedType, TargetDoc>): MappingEntry[] {
  const first = group.elements[0];
  const count = group.elements.length > 1 ? { count: group.elements.length } : {};
  const entry = (status: MappingStatus, to: string[], reason?: string): MappingEntry => ({
    from: row.from,
    line: first.line,
    status,
    to,
    ...(reason ? { reason } : {}),
    ...count,
  });
  const values = group.elements.map(valueOf);
  if (!row.convert) {
    if (row.refuseWhenTrue) {
      return values.includes('true')
        ? [entry('blocking', [], row.why)]
        : [entry('not-carried', [], 'off, as External Client Apps leave it')];
    }
    return [entry('not-carried', [], row.why)];
  }
  if (values.every((v) => v === '') && group.elements.every((e) => e.children.length === 0)) {
    return [entry('not-carried', [], 'empty')];
  }
  const targets = row.to.filter((t) => docs.has(t.type));
  if (targets.length === 0) {
    const needs = [...new Set(row.to.map((t) => PLUGIN_TRIGGER[t.type]))].join(' or ');
    return [entry('not-carried', [], `the Connected App has no ${needs} for it to apply to`)];
  }
  const carriedTo = targets.map(targetName);
  const problems: MappingEntry[] = [];
  const withWhy = (problem: string): string =>
    row.why && row.convert?.kind !== 'copy' ? `${problem}; ${row.why}` : problem;
  const attempt = (el: XmlElement | undefined, work: () => void): boolean => {
    try {
      work();
      return true;
    } catch (error) {
      if (!(error instanceof ConversionError)) throw error;
      problems.push({
        ...entry('not-carried', [], withWhy(`the value ${error.message}`)),
        ...(el ? { line: el.line, count: undefined } : {}),
      });
      return false;
    }
  };
  const convert = row.convert;
  let carried = 0;
  switch (convert.kind) {
    case 'copy':
    case 'lines':
    case 'enum':
    case 'split':
      for (const el of group.elements) {
        const raw = valueOf(el);
        if (raw === '') continue;
        const ok = attempt(el, () => {
          for (const target of targets) {
            const doc = docs.get(target.type)!;
            if (convert.kind === 'lines') {
              doc.set(
                target.path,
                raw
                  .split('\n')
                  .map((l) => l.trim())
                  .filter(Boolean)
                  .join('\n'),
                row.from,
              );
            } else if (convert.kind === 'enum') {
              doc.set(target.path, enumValue(row, target, raw), row.from);
            } else if (convert.kind === 'split') {
              for (const part of raw
                .split(/[,;]/)
                .map((p) => p.trim())
                .filter(Boolean))
                doc.set(target.path, part, row.from);
            } else {
              doc.set(target.path, raw, row.from);
            }
          }
        });
        if (ok) carried++;
      }
      break;
    case 'join': {
      const parts = values.filter(Boolean);
      const separator = convert.separator.trim();
      if (parts.some((p) => p.includes(separator))) {
        return [
          entry('not-carried', [], `a name holds "${separator}", which a ${separator}-separated list cannot carry`),
        ];
      }
      if (
        attempt(undefined, () =>
          targets.forEach((t) => docs.get(t.type)!.set(t.path, parts.join(convert.separator), row.from)),
        )
      )
        carried = 1;
      break;
    }
    case 'records':
      for (const el of group.elements) {
        const unknown = el.children.filter((c) => !Object.hasOwn(convert.children, c.name));
        if (unknown.length) {
          problems.push({
            ...entry('not-carried', [], `${unknown.map((u) => u.name).join(', ')} has no counterpart`),
            line: el.line,
            count: undefined,
          });
          continue;
        }
        const fields = el.children
          .map((c): [string, string] => [convert.children[c.name], valueOf(c)])
          .filter(([, v]) => v !== '');
        if (attempt(el, () => targets.forEach((t) => docs.get(t.type)!.addRecord(t.path, fields)))) carried++;
      }
      break;
    case 'permittedUsers':
      if (
        attempt(first, () => {
          const value = { true: 'AdminApprovedPreAuthorized', false: 'AllSelfAuthorized' }[values[0]];
          if (!value) throw new ConversionError('is not true or false');
          targets.forEach((t) => docs.get(t.type)!.set(t.path, value, row.from));
        })
      )
        carried = 1;
      break;
    case 'refreshTokenPolicy':
      if (
        attempt(first, () => {
          const parsed = parseRefreshTokenPolicy(values[0]);
          if (!parsed)
            throw new ConversionError('is not zero, infinite, specific_lifetime:N:UNIT or specific_inactivity:N:UNIT');
          const doc = docs.get(OAUTH_POLICIES_TYPE)!;
          doc.set('refreshTokenPolicyType', parsed.type, row.from);
          if (parsed.period) doc.set('refreshTokenValidityPeriod', parsed.period, row.from);
          if (parsed.unit) doc.set('refreshTokenValidityUnit', parsed.unit, row.from);
        })
      )
        carried = 1;
      break;
    case 'startUrl':
      if (
        attempt(first, () => {
          const doc = docs.get(APP_POLICIES_TYPE)!;
          doc.set('startPage', 'Custom', row.from);
          doc.set('startUrl', values[0], row.from);
        })
      )
        carried = 1;
      break;
  }
  if (carried === 0) return problems;
  return [entry('carried', carriedTo, row.why), ...problems];
}

/** Converts one ConnectedApp document (its root element) named `app` into the files of an External Client App. */
export function convertConnectedApp(app: string, root: XmlElement, options: ConvertOptions = {}): AppConversion {
  if (root.name !== 'ConnectedApp') {
    throw new Error(`the root element is <${root.name}>, not <ConnectedApp>`);
  }
  const mapping: MappingEntry[] = [];
  const has = (name: string): boolean => root.children.some((c) => c.name === name);
  const hasValue = (name: string): boolean => root.children.some((c) => c.name === name && valueOf(c) !== '');
  const oauth = has('oauthConfig');
  const canvas = has('canvasConfig') || has('canvas');
  const saml = has('samlConfig');

  const produced: MigratedType[] = [HEADER_TYPE];
  if (oauth) produced.push(OAUTH_SETTINGS_TYPE, GLOBAL_OAUTH_TYPE, OAUTH_POLICIES_TYPE);
  if (canvas) produced.push(CANVAS_SETTINGS_TYPE);
  if (saml) produced.push(SAML_POLICIES_TYPE);
  if (oauth || canvas || saml || hasValue('startUrl')) produced.push(APP_POLICIES_TYPE);
  const docs = new Map<MigratedType, TargetDoc>(produced.map((type) => [type, new TargetDoc(type)]));

  const label = root.children.find((c) => c.name === 'label');
  for (const [type, doc] of docs) {
    if (type === HEADER_TYPE) continue;
    doc.set('externalClientApplication', app, 'the app name');
    if (label && valueOf(label)) doc.set('label', valueOf(label), 'label');
  }
  const policies = docs.get(APP_POLICIES_TYPE);
  if (policies) {
    policies.set('isEnabled', 'true', 'the app');
    if (oauth) policies.set('isOauthPluginEnabled', 'true', 'oauthConfig');
    if (canvas) policies.set('isCanvasPluginEnabled', 'true', 'canvasConfig');
    if (saml) policies.set('isSamlPluginEnabled', 'true', 'samlConfig');
  }

  for (const group of collect(root, mapping)) mapping.push(...applyRow(mappingRow(group.path)!, group, docs));

  if (!DEVELOPER_NAME.test(app) || app.endsWith('_')) {
    mapping.push({
      from: 'fullName',
      line: root.line,
      status: 'blocking',
      to: [],
      reason: `${app} is not a valid External Client App developer name (letters, digits and underscores, starting with a letter, at most 80 characters, no "__", not ending in "_"): rename the Connected App file and migrate again`,
    });
  }
  if (oauth) {
    for (const flow of options.orgFlowsOn ?? []) {
      const known = ORG_FLOW_SETTINGS.find((s) => s.setting === flow.setting);
      if (known) {
        mapping.push({
          from: `OauthOidcSettings.${flow.setting}`,
          file: flow.file,
          line: flow.line,
          status: 'blocking',
          to: [],
          reason: known.why,
        });
      }
    }
  }

  // a document that misses a required element is not written; what was meant for it is reported as not carried
  for (const [type, doc] of [...docs]) {
    const missing = doc.missing();
    if (missing.length === 0) continue;
    docs.delete(type);
    const why = `${type} needs ${missing.join(', ')}, which the Connected App does not give, so it is not written`;
    for (const entry of mapping) {
      const kept = entry.to.filter((t) => !t.startsWith(`${type}.`));
      if (kept.length === entry.to.length) continue;
      entry.to = kept;
      if (kept.length === 0 && entry.status === 'carried') {
        entry.status = 'not-carried';
        entry.reason = why;
      }
    }
  }

  const localReasons: string[] = [];
  if (saml) {
    localReasons.push(
      'SAML-enabled External Client Apps cannot be packaged: the app migrates as a Local app, usable only in the org it is deployed to, and all its files stay out of the package directories',
    );
  } else if (!options.devHubOrgId) {
    localReasons.push(
      'no Dev Hub was named: run again with --dev-hub-org-id (or --target-dev-hub), or run "sf eca prepare" once the app is in the Dev Hub, to make the header Packaged',
    );
  }
  const distributionState: DistributionState = localReasons.length ? 'Local' : 'Packaged';
  const header = docs.get(HEADER_TYPE)!;
  header.set('distributionState', distributionState, 'migration');
  if (distributionState === 'Packaged')
    header.set('orgScopedExternalApp', `${options.devHubOrgId}:${app}`, '--dev-hub-org-id');

  const settings = docs.get(OAUTH_SETTINGS_TYPE);
  if (settings && options.oauthLink && distributionState === 'Packaged')
    settings.set('oauthLink', options.oauthLink, 'the Dev Hub');

  const files = [...docs.values()].map((doc): ConvertedFile => ({
    type: doc.type,
    fullName: `${app}${MIGRATED_TYPES[doc.type].memberSuffix}`,
    text: doc.text(),
    packageable: MIGRATED_TYPES[doc.type].packageable && !saml,
  }));
  mapping.sort((a, b) => (a.file ? 1 : 0) - (b.file ? 1 : 0) || a.line - b.line);
  return {
    app,
    distributionState,
    localReasons,
    files,
    mapping,
    blocked: mapping.some((m) => m.status === 'blocking'),
  };
}
