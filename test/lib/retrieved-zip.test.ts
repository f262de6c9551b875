import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import { readRetrievedZip } from '../../src/lib/retrieved-zip.js';
import { isDeveloperName, printable } from '../../src/lib/names.js';
import { connectedAppOfFile, typeOfFile } from '../../src/lib/family.js';

async function zipOf(entries: Record<string, string>): Promise<string> {
  const zip = new JSZip();
  for (const [name, text] of Object.entries(entries)) zip.file(name, text, { createFolders: false });
  return zip.generateAsync({ type: 'base64' });
}

describe('readRetrievedZip', () => {
  it('reads ECA files in memory and leaves out entries that climb out or carry names no org allows', async () => {
    const read = await readRetrievedZip(
      await zipOf({
        'package.xml': '<Package/>',
        'externalClientApps/Good_App.eca': '<ExternalClientApplication/>',
        '../../outside/Evil.eca': '<ExternalClientApplication/>',
        '/etc/Abs.eca': '<ExternalClientApplication/>',
        'extlClntAppGlobalOauthSets\\..\\Back.ecaGlblOauth': '<x/>',
        'externalClientApps/Bad\u001b[32mName.eca': '<ExternalClientApplication/>',
        'externalClientApps/Two__Underscores_.eca': '<ExternalClientApplication/>',
      }),
      typeOfFile,
    );
    expect(read.files.map((f) => [f.entry, f.type.name, f.fullName, f.bytes.toString()])).toEqual([
      ['externalClientApps/Good_App.eca', 'ExternalClientApplication', 'Good_App', '<ExternalClientApplication/>'],
    ]);
    expect(read.refused.map((r) => `${r.reason} ${r.entry}`).sort()).toEqual([
      'name externalClientApps/Bad\u001b[32mName.eca',
      'name externalClientApps/Two__Underscores_.eca',
      'path ../../outside/Evil.eca',
      'path /etc/Abs.eca',
      'path extlClntAppGlobalOauthSets\\..\\Back.ecaGlblOauth',
    ]);
  });

  it('keeps what the classifier keeps (Connected Apps for migrate) with the same checks on paths and names', async () => {
    const read = await readRetrievedZip(
      await zipOf({
        'package.xml': '<Package/>',
        'connectedApps/Prod_Api.connectedApp': '<ConnectedApp/>',
        'externalClientApps/Good_App.eca': '<ExternalClientApplication/>',
        '../../../../climbed.connectedApp': '<ConnectedApp/>',
        'connectedApps/Esc\u001b[2JApp.connectedApp': '<ConnectedApp/>',
      }),
      connectedAppOfFile,
    );
    expect(read.files.map((f) => [f.entry, f.fullName, f.form, f.bytes.toString()])).toEqual([
      ['connectedApps/Prod_Api.connectedApp', 'Prod_Api', 'mdapi', '<ConnectedApp/>'],
    ]);
    expect(read.refused.map((r) => `${r.reason} ${r.entry}`).sort()).toEqual([
      'name connectedApps/Esc\u001b[2JApp.connectedApp',
      'path ../../../../climbed.connectedApp',
    ]);
  });

  it('fails on a response that is not a zip', async () => {
    await expect(readRetrievedZip(Buffer.from('not a zip').toString('base64'), typeOfFile)).rejects.toThrow(/zip/i);
  });
});

describe('developer names and printable text', () => {
  it('accepts the Metadata API developer names and nothing a path or a terminal could misread', () => {
    for (const ok of ['A', 'Acme_Connector', 'ns__Acme_App', 'a1b2']) expect(isDeveloperName(ok), ok).toBe(true);
    for (const bad of ['', '1abc', 'a__b__c', 'a_', 'a..b', '../x', 'a/b', 'a b', 'a\u001b[2Jb', 'x'.repeat(235)]) {
      expect(isDeveloperName(bad), bad).toBe(false);
    }
  });

  it('shows control characters and bidirectional overrides as escapes, keeping tabs and line ends', () => {
    expect(printable('gate \u001b[32mpassed\u001b[0m\r\n\tok\u202e')).toBe(
      'gate \\u{1b}[32mpassed\\u{1b}[0m\r\n\tok\\u{202e}',
    );
  });
});
