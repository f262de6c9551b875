import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check, loadCatalog } from '../../src/lib/check.js';
import { tempDir } from '../helpers/temp.js';

const PEM = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';

describe('the project-wide secrets scan', () => {
  it('finds secrets and keys in .env, JSON, YAML, properties, certificates, big key files and metadata-format files', async () => {
    const dir = tempDir('eca-scan-');
    writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app' }] }));
    mkdirSync(join(dir, 'force-app/main/default'), { recursive: true });
    mkdirSync(join(dir, 'config'));
    mkdirSync(join(dir, 'mdapi/connectedApps'), { recursive: true });
    writeFileSync(join(dir, '.env'), 'SF_USERNAME=dev@example.com\nCONSUMER_SECRET=9F8E7D6C5B4A3210\n');
    writeFileSync(join(dir, 'config/app.json'), '{\n  "clientSecret": "abcDEF123456ghi"\n}\n');
    writeFileSync(join(dir, 'config/app.yaml'), 'oauth:\n  client_secret: s3cr3tValue99\n');
    writeFileSync(join(dir, 'config/db.properties'), 'db.password=hunter2hunter2\n');
    writeFileSync(join(dir, 'config/server.crt'), PEM);
    writeFileSync(
      join(dir, 'config/team.asc'),
      '-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF\n-----END PGP PRIVATE KEY BLOCK-----\n',
    );
    writeFileSync(join(dir, 'config/big.key'), PEM + 'x'.repeat(64) + '\n'.repeat((300 * 1024) / 65));
    writeFileSync(
      join(dir, 'mdapi/connectedApps/Old.connectedApp'),
      '<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">\n<oauthConfig>\n<<<<<<< HEAD\n<consumerSecret>AAAA1111BBBB2222</consumerSecret>\n=======\n<consumerSecret>CCCC3333DDDD4444</consumerSecret>\n>>>>>>> theirs\n</oauthConfig>\n</ConnectedApp>\n',
    );
    writeFileSync(
      join(dir, 'config/template.json'),
      '{ "consumerSecret": "{SECRET}", "password": "${DB_PASSWORD}" }\n',
    );
    const result = check(await loadCatalog(dir), { failOn: 'error', context: {} });
    const scan = result.findings
      .filter((f) => ['secret-in-file', 'private-key', 'secret-placeholder'].includes(f.rule))
      .map((f) => `${f.severity} ${f.rule} ${f.file}:${f.line}`)
      .sort();
    expect(scan).toEqual([
      'error private-key config/big.key:1',
      'error secret-in-file .env:2',
      'error secret-in-file config/app.json:2',
      'error secret-in-file config/app.yaml:2',
      'error secret-in-file config/db.properties:1',
      'error secret-in-file config/server.crt:1',
      'error secret-in-file config/team.asc:1',
      'error secret-in-file mdapi/connectedApps/Old.connectedApp:4',
      'error secret-in-file mdapi/connectedApps/Old.connectedApp:6',
      'info secret-placeholder config/template.json:1',
    ]);
    expect(JSON.stringify(result)).not.toMatch(/9F8E7D|abcDEF|s3cr3t|hunter2|AAAA1111|CCCC3333/);
  });

  it('reports a template placeholder in a ConnectedApp as info, not as a committed secret', async () => {
    const dir = tempDir('eca-scan-');
    writeFileSync(join(dir, 'sfdx-project.json'), JSON.stringify({ packageDirectories: [{ path: 'force-app' }] }));
    mkdirSync(join(dir, 'scripts/templates'), { recursive: true });
    mkdirSync(join(dir, 'force-app'), { recursive: true });
    writeFileSync(
      join(dir, 'scripts/templates/slackApp.connectedApp-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<ConnectedApp xmlns="http://soap.sforce.com/2006/04/metadata">\n    <label>x</label>\n    <oauthConfig>\n        <consumerSecret>{SECRET}</consumerSecret>\n    </oauthConfig>\n</ConnectedApp>\n',
    );
    const result = check(await loadCatalog(dir), { failOn: 'error', context: {} });
    expect(
      result.findings.filter((f) => f.rule.startsWith('secret-')).map((f) => `${f.severity} ${f.rule} ${f.line}`),
    ).toEqual(['info secret-placeholder 5']);
  });
});
