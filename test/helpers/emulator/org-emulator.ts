/*
 * In-process fake Salesforce org (REST + SOAP Metadata API) on node:http, for tests.
 *
 * Behaviour follows /work/shared/reference/org-emulation.md: it answers exactly the calls that
 * @salesforce/core, jsforce and SDR make for auth, Dev Hub detection, listMetadata, retrieve and deploy.
 * Nothing here talks to the network beyond 127.0.0.1.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { RegistryAccess } from '@salesforce/source-deploy-retrieve';
import { XMLParser } from 'fast-xml-parser';
import JSZip from 'jszip';
import { answerPostureQuery, readPostureMetadata, type PostureData } from './posture.js';

// ---------------------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------------------

/** One metadata component. `type` = Metadata API type name, `xml` = file content (mdapi form = source form). */
export type Component = { type: string; fullName: string; xml: string };

export type FaultOp = 'retrieve' | 'checkRetrieveStatus' | 'listMetadata' | 'deploy' | 'checkDeployStatus' | 'rest';
export type FaultKind = 'soapFault' | 'serverError' | 'timeout' | 'brokenZip' | 'invalidSession' | 'notDone';

/**
 * A scripted failure. `times` = how many matching requests it affects (default: unlimited).
 * - soapFault: HTTP 500 SOAP Fault `sf:<faultCode ?? 'UNKNOWN_EXCEPTION'>` (REST: 500 JSON error).
 * - serverError: HTTP 500 with an HTML body.
 * - timeout: check*Status answers done=false; any other op holds the response for 60 s (released by stop()).
 * - brokenZip: checkRetrieveStatus returns a zipFile that is not a zip.
 * - invalidSession: SOAP fault `sf:INVALID_SESSION_ID` / REST 401 INVALID_SESSION_ID.
 * - notDone: check*Status answers done=false (only meaningful for the two check ops).
 */
export type Fault = { op: FaultOp; kind: FaultKind; times?: number; faultCode?: string; message?: string };

export type DeployProblem = {
  fileName: string;
  fullName: string;
  componentType: string;
  problem: string;
  problemType?: 'Error';
};

export type DeployValidator = (files: Map<string, string>, emu: OrgEmulator) => DeployProblem[];

export type EmulatorOptions = {
  /** 18-char org id, 00D… (alphanumeric only). */
  orgId: string;
  username: string;
  isDevHub: boolean;
  isScratch?: boolean;
  /** Only recorded (for registerOrg); the emulator does not contact the hub. */
  devHubUsername?: string;
  components?: Component[];
  /** Max API version of the org, `NN.0`. Default '66.0'. */
  apiVersion?: string;
  deployValidator?: DeployValidator;
  /** Hub only: records returned by ScratchOrgInfo queries. */
  scratchOrgs?: Array<{ orgId: string; username: string }>;
  /** Reject requests whose token is not this org's access token (default true). */
  checkToken?: boolean;
  /** Usernames of the org's users besides `username` (execution users for the client credentials flow). */
  users?: string[];
  /** Records behind the security-posture queries (posture.ts); without it those queries answer 404. */
  posture?: PostureData;
  /**
   * A long-lived org that owns what it is sent: a deployed ExtlClntAppGlobalOauthSettings gets a new OAuth consumer
   * (its own consumer key and secret) and the app's OAuth settings get the oauthLink to it, as Salesforce does.
   */
  issuesConsumers?: boolean;
  /**
   * A hostile org: entries every retrieve zip carries besides what was asked for, under the entry names given (paths
   * that climb out of the zip, names with escape codes), as no real org sends them.
   */
  extraZipEntries?: Record<string, string>;
};

export type RequestLog = {
  method: string;
  /** Path with leading slashes collapsed, plus the raw query string. */
  path: string;
  /** `req.url` as received (e.g. `//services/data` when the stored instanceUrl ends in a slash). */
  rawUrl: string;
  /** Decoded `q` parameter of REST queries. */
  query?: string;
  soapOp?: string;
  /** 0 while the response is pending (or was never sent). */
  status: number;
  /** Request body (SOAP envelopes). */
  body?: string;
  ms?: number;
};

export type TypeInfo = { name: string; directoryName: string; suffix: string };

// ---------------------------------------------------------------------------------------------------------------
// Registry helpers
// ---------------------------------------------------------------------------------------------------------------

const registry = new RegistryAccess();

/** Plain (non-folder, non-bundle, no child types) registry type with a directory and suffix, or undefined. */
export function typeInfo(typeName: string): TypeInfo | undefined {
  try {
    const t = registry.getTypeByName(typeName);
    if (!t.suffix || !t.directoryName) return undefined;
    return { name: t.name, directoryName: t.directoryName, suffix: t.suffix };
  } catch {
    return undefined;
  }
}

function plainTypeBySuffix(suffix: string): TypeInfo | undefined {
  const t = registry.getTypeBySuffix(suffix);
  if (!t?.suffix || !t.directoryName || t.inFolder === true || t.strategies || t.children) return undefined;
  return { name: t.name, directoryName: t.directoryName, suffix: t.suffix };
}

/** mdapi path of a component without root: `<directoryName>/<fullName>.<suffix>`. */
export function mdapiPath(c: { type: string; fullName: string }): string {
  const t = typeInfo(c.type);
  if (!t) throw new Error(`OrgEmulator: unsupported metadata type ${c.type}`);
  return `${t.directoryName}/${c.fullName}.${t.suffix}`;
}

/** Resolves `<dir>/<name>.<suffix>[-meta.xml]` (any leading folders) to a type + fullName, or undefined. */
export function componentForPath(filePath: string): { type: string; fullName: string } | undefined {
  const file = basename(filePath).replace(/-meta\.xml$/, '');
  const dot = file.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const t = plainTypeBySuffix(file.slice(dot + 1));
  if (!t) return undefined;
  if (basename(dirname(filePath)) !== t.directoryName) return undefined;
  return { type: t.name, fullName: file.slice(0, dot) };
}

/** Reads an mdapi- or source-format folder (`<dir>/…/<typeDir>/<name>.<suffix>[-meta.xml]`) into components. */
export async function componentsFromFolder(dir: string): Promise<Component[]> {
  const out = new Map<string, Component>();
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        await walk(p);
      } else if (e.isFile()) {
        const c = componentForPath(p);
        if (c) out.set(`${c.type}:${c.fullName}`, { ...c, xml: await readFile(p, 'utf8') });
      }
    }
  };
  await walk(dir);
  return [...out.values()];
}

/** Text of the first `<tag>…</tag>` in an XML string (simple regex; no entity decoding). */
export function xmlField(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return m ? m[1].trim() : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Small utilities
// ---------------------------------------------------------------------------------------------------------------

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const MD_NS = 'http://soap.sforce.com/2006/04/metadata';
const FIXED_DATE = '2026-01-01T00:00:00.000Z';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

type XmlValue = string | number | boolean | null | undefined | XmlObject | XmlValue[];
type XmlObject = { [k: string]: XmlValue };

/** Serialises a plain object into child elements (arrays repeat the element; keys keep insertion order). */
function toXml(obj: XmlObject): string {
  let out = '';
  for (const [k, v] of Object.entries(obj)) {
    const items = Array.isArray(v) ? v : [v];
    for (const item of items) {
      if (item === undefined) continue;
      if (item === null) out += `<${k} xsi:nil="true"/>`;
      else if (typeof item === 'object' && !Array.isArray(item)) out += `<${k}>${toXml(item)}</${k}>`;
      else out += `<${k}>${esc(String(item))}</${k}>`;
    }
  }
  return out;
}

const soapEnvelope = (inner: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_NS}" xmlns="${MD_NS}" ` +
  `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>${inner}</soapenv:Body></soapenv:Envelope>`;

const soapFaultXml = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="${SOAP_NS}" ` +
  `xmlns:sf="http://soap.sforce.com/2006/04/metadata"><soapenv:Body><soapenv:Fault>` +
  `<faultcode>sf:${esc(code)}</faultcode><faultstring>${esc(`${code}: ${message}`)}</faultstring>` +
  '</soapenv:Fault></soapenv:Body></soapenv:Envelope>';

const asArray = <T>(v: T | T[] | undefined | null): T[] =>
  v === undefined || v === null ? [] : Array.isArray(v) ? v : [v];
const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';

type Parsed = { [k: string]: unknown };
const isObj = (v: unknown): v is Parsed => typeof v === 'object' && v !== null && !Array.isArray(v);

const soapParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ['queries', 'types', 'members', 'packageNames'].includes(name),
});

type RetrieveJob = {
  id: string;
  types: Array<{ name: string; members: string[] }>;
  singlePackage: boolean;
  apiVersion: string;
};
type DeployJob = {
  id: string;
  files: Map<string, string>;
  problems: DeployProblem[];
  checkOnly: boolean;
  applied: boolean;
  existedBefore: Set<string>;
};
type ActiveFault = Fault & { remaining: number };

class HttpReply {
  public constructor(
    public status: number,
    public body: string,
    public contentType: string,
  ) {}
}
const json = (status: number, body: unknown): HttpReply =>
  new HttpReply(status, JSON.stringify(body), 'application/json;charset=UTF-8');
const xmlReply = (status: number, body: string): HttpReply => new HttpReply(status, body, 'text/xml;charset=UTF-8');
const htmlError = (): HttpReply =>
  new HttpReply(
    500,
    '<html><head><title>Error</title></head><body><h1>Internal Server Error</h1></body></html>',
    'text/html;charset=UTF-8',
  );
const HOLD = Symbol('hold');
type Handled = HttpReply | typeof HOLD;

const NOT_FOUND = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];

// ---------------------------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------------------------

export class OrgEmulator {
  public readonly requests: RequestLog[] = [];
  /** Key `${type}:${fullName}`. Tests may edit it directly. */
  public components = new Map<string, Component>();
  /** Files of the most recent deploy request (paths without root, e.g. `externalClientApps/X.eca`). */
  public lastDeployFiles?: Map<string, string>;
  /** File maps of every deploy that succeeded (and was not checkOnly), in order. */
  public deploys: Array<Map<string, string>> = [];
  public readonly accessToken: string;
  public readonly userId: string;
  public deployValidator?: DeployValidator;
  /** Security-posture records; tests edit them to flip a verdict. */
  public posture?: PostureData;

  private faults: ActiveFault[] = [];
  private readonly retrieveJobs = new Map<string, RetrieveJob>();
  private readonly deployJobs = new Map<string, DeployJob>();
  private readonly held = new Set<{ timer: NodeJS.Timeout; res: ServerResponse }>();
  private readonly ids = new Map<string, string>();
  private counter = 0;
  private baseUrl = '';

  private constructor(
    private readonly server: Server,
    public readonly options: EmulatorOptions,
  ) {
    if (!/^00D[A-Za-z0-9]{15}$/.test(options.orgId)) {
      throw new Error(`OrgEmulator: orgId must be an 18-char 00D… id, got ${options.orgId}`);
    }
    if (options.apiVersion !== undefined && !/^[1-9]\d\.0$/.test(options.apiVersion)) {
      throw new Error(
        `OrgEmulator: apiVersion must look like '66.0' (core only accepts NN.0), got ${options.apiVersion}`,
      );
    }
    this.accessToken = `${options.orgId}!FAKE.${randomBytes(12).toString('hex')}`;
    this.userId = `005${options.orgId.slice(3)}`;
    this.deployValidator = options.deployValidator;
    this.posture = options.posture;
    for (const c of options.components ?? []) this.putComponent(c);
  }

  public static async start(opts: EmulatorOptions): Promise<OrgEmulator> {
    const server = createServer();
    const emu = new OrgEmulator(server, opts);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      emu.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(err instanceof Error ? err.stack : err));
        }
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    emu.baseUrl = `http://127.0.0.1:${port}`;
    return emu;
  }

  /** `http://127.0.0.1:PORT` (no trailing slash, so jsforce URLs are clean). */
  public get instanceUrl(): string {
    return this.baseUrl;
  }
  public get orgId(): string {
    return this.options.orgId;
  }
  public get orgId15(): string {
    return this.options.orgId.slice(0, 15);
  }
  public get username(): string {
    return this.options.username;
  }
  public get apiVersion(): string {
    return this.options.apiVersion ?? '66.0';
  }
  public get isDevHub(): boolean {
    return this.options.isDevHub;
  }
  public get isScratch(): boolean {
    return this.options.isScratch ?? false;
  }
  /** Every username of the org: `username` plus `users`. */
  public get usernames(): string[] {
    return [this.options.username, ...(this.options.users ?? [])];
  }

  public addFault(f: Fault): void {
    this.faults.push({ ...f, remaining: f.times ?? Number.POSITIVE_INFINITY });
  }
  public clearFaults(): void {
    this.faults = [];
  }

  /** Adds or replaces a component (type name normalised through the SDR registry). */
  public putComponent(c: Component): void {
    const t = typeInfo(c.type);
    if (!t) throw new Error(`OrgEmulator: unsupported metadata type ${c.type}`);
    this.components.set(`${t.name}:${c.fullName}`, { type: t.name, fullName: c.fullName, xml: c.xml });
  }
  /** Consumers for the apps whose global settings were deployed: their key and secret, and the link in their OAuth settings. */
  private issueConsumers(deployed: Array<{ type: string; fullName: string; xml: string }>): void {
    for (const global of deployed.filter((d) => d.type === 'ExtlClntAppGlobalOauthSettings')) {
      const app = xmlField(global.xml, 'externalClientApplication');
      if (!app) continue;
      const digest = createHash('sha1').update(`${this.orgId}:${app}`).digest('hex');
      const consumerId = `888${this.orgId.slice(3, 5)}0000${digest.slice(0, 6).toUpperCase()}`;
      const withCredentials = global.xml
        .replace(/\s*<consumer(Key|Secret)>[^<]*<\/consumer(Key|Secret)>/g, '')
        .replace(
          '<externalClientApplication>',
          `<consumerKey>3MVG9EMULATED${digest.slice(0, 20)}</consumerKey>\n    <consumerSecret>EMULATEDHUBSECRET${digest.slice(20, 36).toUpperCase()}</consumerSecret>\n    <externalClientApplication>`,
        );
      this.putComponent({ type: global.type, fullName: global.fullName, xml: withCredentials });
      const settings = this.componentsOfType('ExtlClntAppOauthSettings').find(
        (c) => xmlField(c.xml, 'externalClientApplication') === app,
      );
      if (settings && !xmlField(settings.xml, 'oauthLink')) {
        const link = `<oauthLink>${this.orgId.slice(0, 15)}:${consumerId}</oauthLink>`;
        const xml = /<singleLogoutUrl>|<trustedIpRanges>/.test(settings.xml)
          ? settings.xml.replace(/(\s*)(<singleLogoutUrl>|<trustedIpRanges>)/, `$1${link}$1$2`)
          : settings.xml.replace(/(\s*)<\/ExtlClntAppOauthSettings>/, `\n    ${link}$1</ExtlClntAppOauthSettings>`);
        this.putComponent({ type: settings.type, fullName: settings.fullName, xml });
      }
    }
  }

  public getComponent(type: string, fullName: string): Component | undefined {
    return this.components.get(`${typeInfo(type)?.name ?? type}:${fullName}`);
  }
  public componentsOfType(type: string): Component[] {
    const name = typeInfo(type)?.name ?? type;
    return [...this.components.values()].filter((c) => c.type === name);
  }
  /** Requests whose SOAP operation is `op`. */
  public soapCalls(op: string): RequestLog[] {
    return this.requests.filter((r) => r.soapOp === op);
  }

  public async stop(): Promise<void> {
    for (const h of this.held) {
      clearTimeout(h.timer);
      h.res.destroy();
    }
    this.held.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  // -------------------------------------------------------------------------------------------------------------
  // Dispatch
  // -------------------------------------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    const raw = (req.url ?? '/').replace(/^\/{2,}/, '/');
    const url = new URL(raw, 'http://127.0.0.1');
    const body = await readBody(req);
    const method = req.method ?? 'GET';
    const entry: RequestLog = { method, path: url.pathname + url.search, rawUrl: req.url ?? '/', status: 0 };
    const q = url.searchParams.get('q');
    if (q !== null) entry.query = q;
    this.requests.push(entry);

    let result: Handled;
    try {
      if (method === 'POST' && /^\/services\/Soap\/m\/\d+\.\d+\/?$/.test(url.pathname)) {
        entry.body = body;
        result = await this.handleSoap(body, entry);
      } else {
        result = this.handleRest(method, url, req);
      }
    } catch (err) {
      // An emulator bug must not look like a retryable 5xx to jsforce (GET retries cost ~15 s).
      const message = `OrgEmulator internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
      result = entry.soapOp
        ? xmlReply(500, soapFaultXml('EMULATOR_ERROR', message))
        : json(400, [{ errorCode: 'EMULATOR_ERROR', message }]);
    }

    if (result === HOLD) {
      const h = {
        res,
        timer: setTimeout(() => {
          this.held.delete(h);
          send(res, entry, xmlReply(500, soapFaultXml('UNKNOWN_EXCEPTION', 'held request released')), started);
        }, 60_000).unref(),
      };
      this.held.add(h);
      return;
    }
    send(res, entry, result, started);
  }

  private takeFault(op: FaultOp, kinds: FaultKind[]): ActiveFault | undefined {
    const f = this.faults.find((x) => x.op === op && kinds.includes(x.kind) && x.remaining > 0);
    if (!f) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }

  // -------------------------------------------------------------------------------------------------------------
  // REST
  // -------------------------------------------------------------------------------------------------------------

  private handleRest(method: string, url: URL, req: IncomingMessage): Handled {
    const fault = this.takeFault('rest', ['soapFault', 'serverError', 'timeout', 'invalidSession']);
    if (fault) {
      switch (fault.kind) {
        case 'serverError':
          return htmlError();
        case 'timeout':
          return HOLD;
        case 'invalidSession':
          return json(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
        default:
          return json(500, [
            {
              errorCode: fault.faultCode ?? 'UNKNOWN_EXCEPTION',
              message: fault.message ?? 'An unexpected error occurred.',
            },
          ]);
      }
    }
    const auth = req.headers.authorization;
    if (this.options.checkToken !== false && auth !== undefined && auth !== `Bearer ${this.accessToken}`) {
      return json(401, [{ errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' }]);
    }
    if (method !== 'GET') return json(404, NOT_FOUND);

    const p = url.pathname.replace(/\/+$/, '');
    const v = this.apiVersion;
    if (p === '/services/oauth2/userinfo') {
      return json(200, {
        user_id: this.userId,
        organization_id: this.orgId,
        preferred_username: this.username,
        email: this.username,
        name: 'Emulated User',
        active: true,
        urls: {},
      });
    }
    if (p === '/services/data') {
      const max = Number.parseInt(v, 10);
      const versions: Array<{ label: string; url: string; version: string }> = [];
      for (let n = Math.max(max - 4, 10); n <= max; n++) {
        versions.push({ label: `Emulated ${n}`, url: `/services/data/v${n}.0`, version: `${n}.0` });
      }
      return json(200, versions);
    }
    let m = /^\/services\/data\/v(\d+\.\d+)$/.exec(p);
    if (m) {
      const base = `/services/data/v${m[1]}`;
      return json(200, {
        sobjects: `${base}/sobjects`,
        query: `${base}/query`,
        tooling: `${base}/tooling`,
        metadata: `${base}/metadata`,
      });
    }
    m = /^\/services\/data\/v\d+\.\d+\/sobjects\/User\/(\w+)$/.exec(p);
    if (m) {
      if (m[1] !== this.userId) return json(404, NOT_FOUND);
      return json(200, {
        attributes: { type: 'User', url: `/services/data/v${v}/sobjects/User/${this.userId}` },
        Id: this.userId,
        Username: this.username,
        Email: this.username,
      });
    }
    if (/^\/services\/data\/v\d+\.\d+\/tooling\/sobjects\/SourceMember\/describe$/.test(p)) {
      // Source tracking is off for every emulated org (see org-emulation.md §4.1, §7.5).
      return json(404, NOT_FOUND);
    }
    if (/^\/services\/data\/v\d+\.\d+\/query$/.test(p)) return this.query(url.searchParams.get('q') ?? '');
    if (/^\/services\/data\/v\d+\.\d+\/tooling\/query$/.test(p))
      return this.toolingQuery(url.searchParams.get('q') ?? '');
    return json(404, NOT_FOUND);
  }

  private query(soql: string): HttpReply {
    const from = /\bFROM\s+(\w+)/i.exec(soql)?.[1]?.toLowerCase();
    if (from === 'scratchorginfo') {
      if (!this.isDevHub) {
        return json(400, [
          {
            errorCode: 'INVALID_TYPE',
            message: `${soql.slice(0, 60)}\n       ^\nERROR at Row:1:Column:16\nsObject type 'ScratchOrgInfo' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
          },
        ]);
      }
      let rows = this.options.scratchOrgs ?? [];
      const where = /\bScratchOrg\s*=\s*'(\w+)'/i.exec(soql);
      if (where) {
        // Salesforce compares the 15-char id case-insensitively; core re-filters case-sensitively.
        const wanted = where[1].slice(0, 15).toLowerCase();
        rows = rows.filter((r) => r.orgId.slice(0, 15).toLowerCase() === wanted);
      }
      const limit = /\blimit\s+(\d+)/i.exec(soql);
      if (limit) rows = rows.slice(0, Number(limit[1]));
      const records = rows.map((r) => {
        const id = this.idFor('ScratchOrgInfo', r.orgId, '2SR');
        return {
          attributes: {
            type: 'ScratchOrgInfo',
            url: `/services/data/v${this.apiVersion}/sobjects/ScratchOrgInfo/${id}`,
          },
          Id: id,
          ScratchOrg: r.orgId.slice(0, 15),
          SignupUsername: r.username,
          Status: 'Active',
          ExpirationDate: '2099-12-31',
        };
      });
      return json(200, { totalSize: records.length, done: true, records });
    }
    if (from === 'organization') {
      const scratch = this.isScratch;
      return json(200, {
        totalSize: 1,
        done: true,
        records: [
          {
            attributes: {
              type: 'Organization',
              url: `/services/data/v${this.apiVersion}/sobjects/Organization/${this.orgId}`,
            },
            Id: this.orgId,
            Name: scratch ? 'Emulated Scratch Org' : 'Emulated Org',
            InstanceName: 'EMU1',
            IsSandbox: scratch,
            TrialExpirationDate: scratch ? '2099-12-31T00:00:00.000+0000' : null,
            NamespacePrefix: null,
            OrganizationType: 'Developer Edition',
          },
        ],
      });
    }
    const posture = this.posture && answerPostureQuery('data', soql, this.posture);
    if (posture) return json(posture.status, posture.body);
    return json(404, NOT_FOUND);
  }

  private toolingQuery(soql: string): HttpReply {
    const from = /\bFROM\s+(\w+)/i.exec(soql)?.[1]?.toLowerCase();
    const empty = (entity: string): HttpReply =>
      json(200, { size: 0, totalSize: 0, done: true, queryLocator: null, entityTypeName: entity, records: [] });
    if (from === 'sourcemember' && this.isScratch) return empty('SourceMember');
    if (from === 'package2' || from === 'package2version' || from === 'subscriberpackage') return empty(from);
    const posture = this.posture && answerPostureQuery('tooling', soql, this.posture);
    if (posture) return json(posture.status, posture.body);
    return json(404, NOT_FOUND);
  }

  // -------------------------------------------------------------------------------------------------------------
  // SOAP Metadata API
  // -------------------------------------------------------------------------------------------------------------

  private async handleSoap(body: string, entry: RequestLog): Promise<Handled> {
    let envelope: Parsed;
    try {
      envelope = soapParser.parse(body) as Parsed;
    } catch {
      return xmlReply(500, soapFaultXml('INVALID_XML', 'could not parse the SOAP envelope'));
    }
    const env = isObj(envelope.Envelope) ? envelope.Envelope : {};
    const bodyEl = isObj(env.Body) ? env.Body : {};
    const op = Object.keys(bodyEl)[0] ?? '';
    entry.soapOp = op;
    const args = isObj(bodyEl[op]) ? (bodyEl[op] as Parsed) : {};

    const faultOp: FaultOp | undefined = (
      ['retrieve', 'checkRetrieveStatus', 'listMetadata', 'deploy', 'checkDeployStatus'] as const
    ).find((o) => o === op);
    const isCheck = op === 'checkRetrieveStatus' || op === 'checkDeployStatus';
    let pendingFault: ActiveFault | undefined;
    if (faultOp) {
      const kinds: FaultKind[] = ['soapFault', 'serverError', 'invalidSession', 'timeout'];
      if (isCheck) kinds.push('notDone');
      if (op === 'checkRetrieveStatus') kinds.push('brokenZip');
      const f = this.takeFault(faultOp, kinds);
      if (f) {
        if (f.kind === 'soapFault') {
          return xmlReply(
            500,
            soapFaultXml(f.faultCode ?? 'UNKNOWN_EXCEPTION', f.message ?? 'An unexpected error occurred.'),
          );
        }
        if (f.kind === 'serverError') return htmlError();
        if (f.kind === 'invalidSession') {
          return xmlReply(
            500,
            soapFaultXml('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session'),
          );
        }
        if (f.kind === 'timeout' && !isCheck) return HOLD;
        pendingFault = f; // timeout/notDone on check ops, brokenZip
      }
    }

    const header = isObj(env.Header) ? env.Header : {};
    const sessionHeader = isObj(header.SessionHeader) ? header.SessionHeader : {};
    if (this.options.checkToken !== false && str(sessionHeader.sessionId) !== this.accessToken) {
      return xmlReply(
        500,
        soapFaultXml('INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session'),
      );
    }

    const ok = (results: XmlObject[] | XmlObject): HttpReply => {
      const inner = asArray(results)
        .map((r) => `<result>${toXml(r)}</result>`)
        .join('');
      return xmlReply(200, soapEnvelope(`<${op}Response>${inner}</${op}Response>`));
    };

    switch (op) {
      case 'listMetadata':
        return ok(this.listMetadata(args));
      case 'retrieve':
        return ok(this.retrieve(args));
      case 'checkRetrieveStatus': {
        const r = await this.checkRetrieveStatus(args, pendingFault);
        return r instanceof HttpReply ? r : ok(r);
      }
      case 'deploy': {
        const r = await this.deploy(args);
        return r instanceof HttpReply ? r : ok(r);
      }
      case 'checkDeployStatus': {
        const r = this.checkDeployStatus(args, pendingFault);
        return r instanceof HttpReply ? r : ok(r);
      }
      case 'describeMetadata':
        return ok(this.describeMetadata());
      case 'readMetadata': {
        const names = asArray(args.fullNames as string | string[] | undefined).map(str);
        const read = this.posture && readPostureMetadata(str(args.type), names, this.posture);
        if (read) return ok(read as XmlObject);
        return xmlReply(500, soapFaultXml('INVALID_TYPE', `readMetadata of ${str(args.type)} is not emulated`));
      }
      default:
        return xmlReply(500, soapFaultXml('INVALID_OPERATION', `operation ${op} is not emulated`));
    }
  }

  private fileProperties(c: Component, root: string): XmlObject {
    return {
      createdById: this.userId,
      createdByName: 'Emulated User',
      createdDate: FIXED_DATE,
      fileName: `${root}${mdapiPath(c)}`,
      fullName: c.fullName,
      id: this.idFor(c.type, c.fullName),
      lastModifiedById: this.userId,
      lastModifiedByName: 'Emulated User',
      lastModifiedDate: FIXED_DATE,
      manageableState: 'unmanaged',
      type: c.type,
    };
  }

  private listMetadata(args: Parsed): XmlObject[] {
    const out: XmlObject[] = [];
    for (const q of asArray(args.queries as Parsed | Parsed[] | undefined)) {
      if (!isObj(q)) continue;
      const type = typeInfo(str(q.type))?.name;
      if (!type) continue;
      for (const c of this.componentsOfType(type)) out.push(this.fileProperties(c, ''));
    }
    return out;
  }

  private retrieve(args: Parsed): XmlObject {
    const request = isObj(args.request) ? args.request : {};
    const unpackaged = isObj(request.unpackaged) ? request.unpackaged : {};
    const types = asArray(unpackaged.types as Parsed | Parsed[] | undefined)
      .filter(isObj)
      .map((t) => ({ name: str(t.name), members: asArray(t.members as string | string[] | undefined).map(str) }));
    const id = this.newId('09S');
    this.retrieveJobs.set(id, {
      id,
      types,
      singlePackage: str(request.singlePackage) === 'true',
      apiVersion: str(request.apiVersion) || str(unpackaged.version) || this.apiVersion,
    });
    return { done: false, id, state: 'Queued' };
  }

  private async checkRetrieveStatus(args: Parsed, fault: ActiveFault | undefined): Promise<XmlObject | HttpReply> {
    const id = str(args.asyncProcessId);
    const job = this.retrieveJobs.get(id);
    if (!job) return xmlReply(500, soapFaultXml('INVALID_ID_FIELD', `invalid retrieve id ${id}`));
    if (fault && (fault.kind === 'timeout' || fault.kind === 'notDone')) {
      return { done: false, id, status: 'InProgress', success: false };
    }
    const root = job.singlePackage ? '' : 'unpackaged/';
    const found = new Map<string, Component>();
    const messages: XmlObject[] = [];
    for (const t of job.types) {
      const type = typeInfo(t.name)?.name;
      for (const member of t.members) {
        if (type && member === '*') {
          for (const c of this.componentsOfType(type)) found.set(`${c.type}:${c.fullName}`, c);
          continue;
        }
        const c = type ? this.components.get(`${type}:${member}`) : undefined;
        if (c) found.set(`${c.type}:${c.fullName}`, c);
        else {
          messages.push({
            fileName: `${root}package.xml`,
            problem: `Entity of type '${t.name}' named '${member}' cannot be found`,
          });
        }
      }
    }
    const comps = [...found.values()].sort((a, b) => mdapiPath(a).localeCompare(mdapiPath(b)));
    const zip = new JSZip();
    zip.file(`${root}package.xml`, packageXml(comps, job.apiVersion));
    for (const c of comps) zip.file(`${root}${mdapiPath(c)}`, c.xml);
    for (const [entry, text] of Object.entries(this.options.extraZipEntries ?? {})) {
      zip.file(entry, text, { createFolders: false });
    }
    const zipFile =
      fault?.kind === 'brokenZip'
        ? Buffer.from('this is not a zip file, the emulator was told to break it').toString('base64')
        : await zip.generateAsync({ type: 'base64', compression: 'DEFLATE' });
    const packageProps: XmlObject = {
      createdById: this.userId,
      createdByName: 'Emulated User',
      createdDate: FIXED_DATE,
      fileName: `${root}package.xml`,
      fullName: `${root}package.xml`,
      id: '',
      lastModifiedById: this.userId,
      lastModifiedByName: 'Emulated User',
      lastModifiedDate: FIXED_DATE,
      manageableState: 'unmanaged',
      type: 'Package',
    };
    return {
      done: true,
      fileProperties: [...comps.map((c) => this.fileProperties(c, root)), packageProps],
      id,
      messages,
      status: 'Succeeded',
      success: true,
      zipFile,
    };
  }

  private async deploy(args: Parsed): Promise<XmlObject | HttpReply> {
    const b64 = str(args.ZipFile);
    const options = isObj(args.DeployOptions) ? args.DeployOptions : {};
    let zip: JSZip;
    try {
      zip = await JSZip.loadAsync(Buffer.from(b64, 'base64'));
    } catch (err) {
      return xmlReply(500, soapFaultXml('INVALID_ZIP', `Error reading the zip file: ${String(err)}`));
    }
    const entries = Object.values(zip.files).filter((f) => !f.dir);
    // SDR sends no root folder (singlePackage=true); tolerate one (e.g. `unpackaged/package.xml`) anyway.
    const pkg = entries.find((f) => /^([^/]+\/)?package\.xml$/.test(f.name));
    const prefix = pkg ? pkg.name.slice(0, -'package.xml'.length) : '';
    const files = new Map<string, string>();
    for (const f of entries) {
      const name = prefix && f.name.startsWith(prefix) ? f.name.slice(prefix.length) : f.name;
      files.set(name, await f.async('string'));
    }
    this.lastDeployFiles = files;
    const problems = this.deployValidator ? this.deployValidator(files, this) : [];
    const id = this.newId('0Af');
    this.deployJobs.set(id, {
      id,
      files,
      problems,
      checkOnly: str(options.checkOnly) === 'true',
      applied: false,
      existedBefore: new Set(this.components.keys()),
    });
    return { done: false, id, state: 'Queued' };
  }

  private checkDeployStatus(args: Parsed, fault: ActiveFault | undefined): XmlObject | HttpReply {
    const id = str(args.asyncProcessId);
    const job = this.deployJobs.get(id);
    if (!job) return xmlReply(500, soapFaultXml('INVALID_ID_FIELD', `invalid deploy id ${id}`));
    const common = {
      checkOnly: job.checkOnly,
      createdBy: this.userId,
      createdByName: 'Emulated User',
      createdDate: FIXED_DATE,
    };
    const comps: Array<{ path: string; type: string; fullName: string; xml: string }> = [];
    for (const [path, xml] of job.files) {
      const c = componentForPath(path);
      if (c) comps.push({ path, xml, ...c });
    }
    if (fault && (fault.kind === 'timeout' || fault.kind === 'notDone')) {
      return {
        ...common,
        done: false,
        id,
        ignoreWarnings: false,
        lastModifiedDate: FIXED_DATE,
        numberComponentErrors: 0,
        numberComponentsDeployed: 0,
        numberComponentsTotal: comps.length,
        numberTestErrors: 0,
        numberTestsCompleted: 0,
        numberTestsTotal: 0,
        rollbackOnError: true,
        runTestsEnabled: false,
        startDate: FIXED_DATE,
        status: 'InProgress',
        success: false,
      };
    }
    const failed = job.problems.length > 0;
    if (!failed && !job.checkOnly && !job.applied) {
      for (const c of comps) this.putComponent({ type: c.type, fullName: c.fullName, xml: c.xml });
      if (this.options.issuesConsumers && !this.isScratch) this.issueConsumers(comps);
      this.deploys.push(job.files);
    }
    job.applied = true;
    const failedKeys = new Set(
      job.problems.map((p) => `${typeInfo(p.componentType)?.name ?? p.componentType}:${p.fullName}`),
    );
    const componentSuccesses: XmlObject[] = comps
      .filter((c) => !failedKeys.has(`${c.type}:${c.fullName}`))
      .map((c) => {
        const existed = job.existedBefore.has(`${c.type}:${c.fullName}`);
        return {
          changed: existed,
          componentType: c.type,
          created: !existed,
          createdDate: FIXED_DATE,
          deleted: false,
          fileName: c.path,
          fullName: c.fullName,
          id: this.idFor(c.type, c.fullName),
          success: true,
        };
      });
    componentSuccesses.push({
      changed: true,
      componentType: '',
      created: false,
      createdDate: FIXED_DATE,
      deleted: false,
      fileName: 'package.xml',
      fullName: 'package.xml',
      success: true,
    });
    const componentFailures: XmlObject[] = job.problems.map((p) => ({
      changed: false,
      componentType: p.componentType,
      created: false,
      createdDate: FIXED_DATE,
      deleted: false,
      fileName: p.fileName,
      fullName: p.fullName,
      problem: p.problem,
      problemType: p.problemType ?? 'Error',
      success: false,
    }));
    return {
      ...common,
      completedDate: FIXED_DATE,
      details: {
        componentFailures,
        componentSuccesses,
        runTestResult: { numFailures: 0, numTestsRun: 0, totalTime: 0 },
      },
      done: true,
      id,
      ignoreWarnings: false,
      lastModifiedDate: FIXED_DATE,
      numberComponentErrors: job.problems.length,
      numberComponentsDeployed: failed ? 0 : comps.length,
      numberComponentsTotal: comps.length,
      numberTestErrors: 0,
      numberTestsCompleted: 0,
      numberTestsTotal: 0,
      rollbackOnError: true,
      runTestsEnabled: false,
      startDate: FIXED_DATE,
      status: failed ? 'Failed' : 'Succeeded',
      success: !failed,
    };
  }

  private describeMetadata(): XmlObject {
    const types = Object.values(registry.getRegistry().types)
      .filter(
        (t) => /^(ExternalClientApplication|ExtlClntApp\w+|ConnectedApp)$/.test(t.name) && t.suffix && t.directoryName,
      )
      .map((t) => ({
        directoryName: t.directoryName,
        inFolder: false,
        metaFile: false,
        suffix: t.suffix ?? '',
        xmlName: t.name,
      }));
    return { metadataObjects: types, organizationNamespace: '', partialSaveAllowed: true, testRequired: false };
  }

  // -------------------------------------------------------------------------------------------------------------

  private newId(prefix: string): string {
    this.counter += 1;
    return `${prefix}${String(this.counter).padStart(12, '0')}AAA`;
  }

  /** Stable 18-char id per key. */
  private idFor(type: string, fullName: string, prefix = '0Ha'): string {
    const key = `${type}:${fullName}`;
    let id = this.ids.get(key);
    if (!id) {
      id = this.newId(type === 'ExternalClientApplication' ? '0xI' : prefix);
      this.ids.set(key, id);
    }
    return id;
  }
}

function packageXml(comps: Component[], version: string): string {
  const byType = new Map<string, string[]>();
  for (const c of comps) byType.set(c.type, [...(byType.get(c.type) ?? []), c.fullName]);
  const types = [...byType.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, members]) =>
        `    <types>\n${members
          .sort()
          .map((m) => `        <members>${esc(m)}</members>\n`)
          .join('')}        <name>${name}</name>\n    </types>\n`,
    )
    .join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Package xmlns="${MD_NS}">\n${types}    <version>${version}</version>\n</Package>\n`;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, entry: RequestLog, reply: HttpReply, started: number): void {
  entry.status = reply.status;
  entry.ms = Date.now() - started;
  if (res.destroyed) return;
  res.writeHead(reply.status, { 'content-type': reply.contentType });
  res.end(reply.body);
}

// ---------------------------------------------------------------------------------------------------------------
// Built-in validator: what a real scratch org says about an ECA deploy
// ---------------------------------------------------------------------------------------------------------------

const PLUGIN_LINK_TAG = 'externalClientApplication';

/**
 * Mimics a (scratch) org rejecting an ECA deploy, judged against `hub` (the source org that owns the apps):
 * - ExtlClntAppOauthSettings `<oauthLink>` whose org part (first 15 chars) is not the hub, or whose consumer id
 *   differs from the hub's own OAuth settings for that app → "…OAuth link field has incorrect information."
 * - same, but the hub's header for the app is `Local` → "…doesn't have distribution state PACKAGED."
 * - header whose orgScopedExternalApp is not `<00D id>:<its own name>` → format error.
 * - any ExtlClntAppGlobalOauthSettings when the target is a scratch org → rejected.
 * - a plugin file whose `<externalClientApplication>` names no header in the deploy or the org → INVALID_CROSS_REFERENCE_KEY.
 * - ExtlClntAppOauthConfigurablePolicies whose `<clientCredentialsFlowUser>` is not a username of the org
 *   → "Enter a valid execution user for the OAuth client credentials flow." (eca-domain.md, clientCredentialsFlowUser).
 */
export function scratchDeployValidator(hub: OrgEmulator): DeployValidator {
  return (files, emu) => {
    const problems: DeployProblem[] = [];
    const deployed: Array<{ path: string; type: string; fullName: string; xml: string }> = [];
    for (const [path, xml] of files) {
      const c = componentForPath(path);
      if (c) deployed.push({ path, xml, ...c });
    }
    const headersInDeploy = new Set(
      deployed.filter((d) => d.type === 'ExternalClientApplication').map((d) => d.fullName),
    );
    const problem = (d: { path: string; type: string; fullName: string }, text: string): void => {
      problems.push({
        fileName: d.path,
        fullName: d.fullName,
        componentType: d.type,
        problem: text,
        problemType: 'Error',
      });
    };

    for (const d of deployed) {
      const app = xmlField(d.xml, PLUGIN_LINK_TAG);
      if (d.type === 'ExternalClientApplication') {
        const scoped = xmlField(d.xml, 'orgScopedExternalApp');
        if (scoped !== undefined) {
          const m = /^(00D[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?):(.+)$/.exec(scoped);
          if (!m || m[2] !== d.fullName) {
            problem(
              d,
              'The Org Scoped External Client App must be in the format DeveloperOrganizationId:ExternalClientAppDeveloperName',
            );
          }
        }
        continue;
      }
      if (app !== undefined && !headersInDeploy.has(app) && !emu.getComponent('ExternalClientApplication', app)) {
        problem(d, 'INVALID_CROSS_REFERENCE_KEY: invalid cross reference id');
        continue;
      }
      if (d.type === 'ExtlClntAppOauthConfigurablePolicies') {
        const runAs = xmlField(d.xml, 'clientCredentialsFlowUser');
        if (
          runAs !== undefined &&
          runAs !== '' &&
          !emu.usernames.some((u) => u.toLowerCase() === runAs.toLowerCase())
        ) {
          problem(d, 'Enter a valid execution user for the OAuth client credentials flow.');
        }
        continue;
      }
      if (d.type === 'ExtlClntAppGlobalOauthSettings' && emu.isScratch) {
        problem(d, 'Salesforce rejects packaged External Client App global OAuth settings in ephemeral orgs.');
        continue;
      }
      if (d.type === 'ExtlClntAppOauthSettings') {
        const link = xmlField(d.xml, 'oauthLink');
        if (link === undefined || link === '') continue;
        const [orgPart = '', consumer = ''] = link.split(':');
        const hubSettings = hub
          .componentsOfType('ExtlClntAppOauthSettings')
          .find((c) => xmlField(c.xml, PLUGIN_LINK_TAG) === app);
        const hubConsumer = hubSettings ? xmlField(hubSettings.xml, 'oauthLink')?.split(':')[1] : undefined;
        if (
          orgPart.slice(0, 15) !== hub.orgId15 ||
          hubConsumer === undefined ||
          consumer.slice(0, 15) !== hubConsumer.slice(0, 15)
        ) {
          problem(d, 'Deployment failed because the OAuth link field has incorrect information.');
          continue;
        }
        const hubHeader = app ? hub.getComponent('ExternalClientApplication', app) : undefined;
        if (hubHeader && xmlField(hubHeader.xml, 'distributionState') === 'Local') {
          problem(
            d,
            "We couldn't update your OAuth link because the source external client app doesn't have distribution state PACKAGED.",
          );
        }
      }
    }
    return problems;
  };
}
