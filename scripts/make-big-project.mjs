#!/usr/bin/env node
/*
 * Generates a large Salesforce DX project for `npm run bench`:
 *   node scripts/make-big-project.mjs <dir> [--files 20000] [--apps 200] [--dev-hub-org-id 00D5g00000BENCH] [--force]
 *
 * <dir>/force-app/main/default holds exactly --files metadata files of ordinary types (ApexClass .cls + -meta.xml
 * pairs, ApexTrigger pairs, CustomObject with CustomField files, Layouts, PermissionSets) plus --apps External Client
 * Apps (header + OAuth settings each, distributionState Packaged, orgScopedExternalApp and oauthLink naming one fake
 * Dev Hub), and a .forceignore that keeps non-packageable ECA folders out, so that
 * `sf eca check --dev-hub-org-id <id>` passes. A stamp file records the parameters; an existing project with the same
 * stamp is kept (pass --force to rebuild). Prints one JSON line describing the project.
 *
 * --unprepared makes the apps as a developer has them before `sf eca prepare`: headers Local and not yet tied to the
 * Dev Hub, each app's global OAuth settings (with a consumer secret) inside the package directory, no .forceignore.
 * `sf eca prepare --no-retrieve --dev-hub-org-id <id>` then rewrites every header and moves every global settings
 * file out: 2 changes per app, plus the .forceignore (the apply that the bench and the fault-injection test use).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const GENERATOR_VERSION = 1;
export const DEFAULT_DEV_HUB_ORG_ID = '00D5g00000BENCH';
const API = '64.0';
const NS = 'http://soap.sforce.com/2006/04/metadata';
const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';

function parseArgs(argv) {
  const opts = {
    dir: undefined,
    files: 20000,
    apps: 200,
    devHubOrgId: DEFAULT_DEV_HUB_ORG_ID,
    force: false,
    unprepared: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--files') opts.files = Number(argv[++i]);
    else if (a === '--apps') opts.apps = Number(argv[++i]);
    else if (a === '--dev-hub-org-id') opts.devHubOrgId = argv[++i];
    else if (a === '--force') opts.force = true;
    else if (a === '--unprepared') opts.unprepared = true;
    else if (a === '--help' || a === '-h') opts.help = true;
    else if (!opts.dir) opts.dir = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  return opts;
}

const pad = (n, w = 5) => String(n).padStart(w, '0');

/** 12 alphanumerics for the body of a fake 15-character id. */
const idBody = (prefix, n) => (prefix + pad(n, 12 - prefix.length)).slice(0, 12);

function apexClass(name, i) {
  const body = `public with sharing class ${name} {
    public class Result {
        public Boolean ok;
        public String message;
        public Result(Boolean ok, String message) { this.ok = ok; this.message = message; }
    }

    /** Generated for the sf-plugin-eca benchmark (#${i}). */
    public static Result run(List<Id> recordIds) {
        if (recordIds == null || recordIds.isEmpty()) {
            return new Result(false, 'nothing to do');
        }
        Map<Id, Account> accounts = new Map<Id, Account>([SELECT Id, Name FROM Account WHERE Id IN :recordIds]);
        for (Account a : accounts.values()) {
            a.Description = '${name} ' + System.now();
        }
        update accounts.values();
        return new Result(true, accounts.size() + ' updated');
    }
}
`;
  const meta = `${XML}<ApexClass xmlns="${NS}">\n    <apiVersion>${API}</apiVersion>\n    <status>Active</status>\n</ApexClass>\n`;
  return [body, meta];
}

function apexTrigger(name) {
  const body = `trigger ${name} on Account (before insert, before update) {
    for (Account a : Trigger.new) {
        if (a.Name != null) a.Name = a.Name.trim();
    }
}
`;
  const meta = `${XML}<ApexTrigger xmlns="${NS}">\n    <apiVersion>${API}</apiVersion>\n    <status>Active</status>\n</ApexTrigger>\n`;
  return [body, meta];
}

function customObject(name, label) {
  return `${XML}<CustomObject xmlns="${NS}">
    <deploymentStatus>Deployed</deploymentStatus>
    <enableActivities>false</enableActivities>
    <enableReports>true</enableReports>
    <enableSearch>true</enableSearch>
    <label>${label}</label>
    <nameField>
        <label>${label} Name</label>
        <type>Text</type>
    </nameField>
    <pluralLabel>${label}s</pluralLabel>
    <sharingModel>ReadWrite</sharingModel>
</CustomObject>
`;
}

function customField(name, i) {
  const kinds = [
    '        <length>255</length>\n        <type>Text</type>',
    '        <precision>18</precision>\n        <scale>2</scale>\n        <type>Number</type>',
    '        <defaultValue>false</defaultValue>\n        <type>Checkbox</type>',
    '        <type>Date</type>',
  ];
  return `${XML}<CustomField xmlns="${NS}">
    <fullName>${name}</fullName>
    <externalId>false</externalId>
    <label>${name.replace(/__c$/, '').replace(/_/g, ' ')}</label>
    <required>false</required>
${kinds[i % kinds.length]}
</CustomField>
`;
}

function layout(label) {
  return `${XML}<Layout xmlns="${NS}">
    <layoutSections>
        <customLabel>false</customLabel>
        <detailHeading>false</detailHeading>
        <editHeading>true</editHeading>
        <label>${label} Information</label>
        <layoutColumns>
            <layoutItems>
                <behavior>Required</behavior>
                <field>Name</field>
            </layoutItems>
        </layoutColumns>
        <style>OneColumn</style>
    </layoutSections>
    <showEmailCheckbox>false</showEmailCheckbox>
    <showHighlightsPanel>false</showHighlightsPanel>
    <showInteractionLogPanel>false</showInteractionLogPanel>
    <showRunAssignmentRulesCheckbox>false</showRunAssignmentRulesCheckbox>
    <showSubmitAndAttachButton>false</showSubmitAndAttachButton>
</Layout>
`;
}

function permissionSet(name, object) {
  return `${XML}<PermissionSet xmlns="${NS}">
    <hasActivationRequired>false</hasActivationRequired>
    <label>${name.replace(/_/g, ' ')}</label>
    <objectPermissions>
        <allowCreate>true</allowCreate>
        <allowDelete>false</allowDelete>
        <allowEdit>true</allowEdit>
        <allowRead>true</allowRead>
        <modifyAllRecords>false</modifyAllRecords>
        <object>${object}</object>
        <viewAllRecords>false</viewAllRecords>
    </objectPermissions>
</PermissionSet>
`;
}

export function ecaHeader(app, devHubOrgId) {
  return `${XML}<ExternalClientApplication xmlns="${NS}">
    <contactEmail>bench@example.com</contactEmail>
    <description>Benchmark app ${app}</description>
    <distributionState>Packaged</distributionState>
    <isProtected>false</isProtected>
    <label>${app.replace(/_/g, ' ')}</label>
    <orgScopedExternalApp>${devHubOrgId}:${app}</orgScopedExternalApp>
</ExternalClientApplication>
`;
}

export function unpreparedHeader(app) {
  return `${XML}<ExternalClientApplication xmlns="${NS}">
    <contactEmail>bench@example.com</contactEmail>
    <description>Benchmark app ${app}</description>
    <distributionState>Local</distributionState>
    <isProtected>false</isProtected>
    <label>${app.replace(/_/g, ' ')}</label>
</ExternalClientApplication>
`;
}

export function globalOauthSettings(app, n) {
  return `${XML}<ExtlClntAppGlobalOauthSettings xmlns="${NS}">
    <callbackUrl>https://bench.example.com/callback</callbackUrl>
    <consumerKey>3MVG9bench${pad(n)}</consumerKey>
    <consumerSecret>BENCHSECRET${pad(n)}</consumerSecret>
    <externalClientApplication>${app}</externalClientApplication>
    <isPkceRequired>true</isPkceRequired>
    <label>${app.replace(/_/g, ' ')}</label>
</ExtlClntAppGlobalOauthSettings>
`;
}

export function ecaOauthSettings(app, devHubOrgId, n) {
  return `${XML}<ExtlClntAppOauthSettings xmlns="${NS}">
    <commaSeparatedOauthScopes>Api, RefreshToken, OpenID</commaSeparatedOauthScopes>
    <externalClientApplication>${app}</externalClientApplication>
    <isFirstPartyAppEnabled>false</isFirstPartyAppEnabled>
    <label>${app.replace(/_/g, ' ')} OAuth</label>
    <oauthLink>${devHubOrgId}:888${idBody('5g0B', n)}</oauthLink>
</ExtlClntAppOauthSettings>
`;
}

export const FORCEIGNORE = `# sf-plugin-eca: keep External Client App files that must not be packaged out of package versions
**/extlClntAppGlobalOauthSets/**
**/extlClntAppOauthPolicies/**
**/extlClntAppOauthSecuritySettings/**
# end sf-plugin-eca
`;

/** Splits `files` ordinary metadata files over the types; every count is exact. */
export function plan(files) {
  const objects = Math.max(1, Math.round(files / 100)); // 1 % objects, 1 % layouts, 1 % permission sets
  const layouts = objects;
  const permsets = objects;
  const triggerFiles = 2 * Math.round(files / 40); // 5 %
  let rest = files - objects - layouts - permsets - triggerFiles;
  const classFiles = 2 * Math.floor((rest * 0.49) / 2);
  rest -= classFiles;
  const fields = rest; // about 47 per object
  return { objects, layouts, permsets, triggers: triggerFiles / 2, classes: classFiles / 2, fields };
}

export async function makeBigProject(dirArg, options = {}) {
  const o = {
    files: 20000,
    apps: 200,
    devHubOrgId: DEFAULT_DEV_HUB_ORG_ID,
    force: false,
    unprepared: false,
    ...options,
  };
  const dir = resolve(dirArg);
  const stampFile = join(dir, '.bench-project.json');
  const wanted = {
    generator: GENERATOR_VERSION,
    files: o.files,
    apps: o.apps,
    devHubOrgId: o.devHubOrgId,
    ...(o.unprepared ? { unprepared: true } : {}),
  };
  if (!o.force && existsSync(stampFile)) {
    const stamp = JSON.parse(await readFile(stampFile, 'utf8'));
    if (
      JSON.stringify({ ...stamp, counts: undefined, ms: undefined }) ===
      JSON.stringify({ ...wanted, counts: undefined, ms: undefined })
    ) {
      return { dir, cached: true, ...stamp };
    }
  }
  const started = performance.now();
  await rm(dir, { recursive: true, force: true });
  const base = join(dir, 'force-app', 'main', 'default');
  const p = plan(o.files);
  const writes = [];
  const put = (rel, text) => writes.push([join(base, rel), text]);

  for (let i = 0; i < p.classes; i++) {
    const name = `BenchService${pad(i)}`;
    const [body, meta] = apexClass(name, i);
    put(`classes/${name}.cls`, body);
    put(`classes/${name}.cls-meta.xml`, meta);
  }
  for (let i = 0; i < p.triggers; i++) {
    const name = `BenchTrigger${pad(i)}`;
    const [body, meta] = apexTrigger(name);
    put(`triggers/${name}.trigger`, body);
    put(`triggers/${name}.trigger-meta.xml`, meta);
  }
  let field = 0;
  for (let i = 0; i < p.objects; i++) {
    const object = `Bench_Object_${pad(i, 3)}__c`;
    const label = `Bench Object ${pad(i, 3)}`;
    put(`objects/${object}/${object}.object-meta.xml`, customObject(object, label));
    const perObject = Math.floor(p.fields / p.objects) + (i < p.fields % p.objects ? 1 : 0);
    for (let f = 0; f < perObject; f++, field++) {
      const name = `Bench_Field_${pad(f, 3)}__c`;
      put(`objects/${object}/fields/${name}.field-meta.xml`, customField(name, field));
    }
    put(`layouts/${object}-${label} Layout.layout-meta.xml`, layout(label));
    put(
      `permissionsets/Bench_Access_${pad(i, 3)}.permissionset-meta.xml`,
      permissionSet(`Bench_Access_${pad(i, 3)}`, object),
    );
  }
  const ordinary = writes.length;
  if (ordinary !== o.files) throw new Error(`internal: planned ${ordinary} files, wanted ${o.files}`);
  const apps = [];
  for (let i = 0; i < o.apps; i++) {
    const app = `Bench_App_${pad(i, 3)}`;
    apps.push(app);
    put(`externalClientApps/${app}.eca-meta.xml`, o.unprepared ? unpreparedHeader(app) : ecaHeader(app, o.devHubOrgId));
    put(`extlClntAppOauthSettings/${app}_oauth.ecaOauth-meta.xml`, ecaOauthSettings(app, o.devHubOrgId, i));
    if (o.unprepared) put(`extlClntAppGlobalOauthSets/${app}_glbl.ecaGlblOauth-meta.xml`, globalOauthSettings(app, i));
  }

  const dirs = new Set(writes.map(([f]) => f.slice(0, f.lastIndexOf('/'))));
  for (const d of dirs) await mkdir(d, { recursive: true });
  for (let i = 0; i < writes.length; i += 256) {
    await Promise.all(writes.slice(i, i + 256).map(([f, t]) => writeFile(f, t)));
  }
  await writeFile(
    join(dir, 'sfdx-project.json'),
    JSON.stringify(
      {
        packageDirectories: [{ path: 'force-app', default: true }],
        name: 'bench-big',
        namespace: '',
        sourceApiVersion: API,
      },
      null,
      2,
    ) + '\n',
  );
  if (!o.unprepared) await writeFile(join(dir, '.forceignore'), FORCEIGNORE);
  const ecaFiles = (o.unprepared ? 3 : 2) * o.apps;
  const counts = { ...p, ordinaryFiles: ordinary, ecaApps: o.apps, ecaFiles, totalFiles: writes.length };
  const stamp = { ...wanted, counts, ms: Math.round(performance.now() - started) };
  await writeFile(stampFile, JSON.stringify(stamp, null, 2) + '\n');
  return { dir, cached: false, ...stamp };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.help || !opts.dir) {
    console.error(
      'usage: node scripts/make-big-project.mjs <dir> [--files 20000] [--apps 200] [--dev-hub-org-id 00D…] [--unprepared] [--force]',
    );
    process.exit(opts.help ? 0 : 2);
  }
  const result = await makeBigProject(opts.dir, opts);
  console.log(JSON.stringify(result));
}
