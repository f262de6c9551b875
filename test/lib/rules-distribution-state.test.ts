import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/lib/check.js';
import { runRules } from '../../src/lib/rules/index.js';
import { writeProject } from '../org/support.js';

/** distributionState takes four values in the WSDL; only Packaged makes a package source. */

const header = (state: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<ExternalClientApplication xmlns="http://soap.sforce.com/2006/04/metadata">
    <distributionState>${state}</distributionState>
    <label>App</label>
    <orgScopedExternalApp>00D5g00000ABCDE:App</orgScopedExternalApp>
</ExternalClientApplication>
`;

async function findings(state: string): Promise<Array<{ rule: string; message: string }>> {
  const root = writeProject({
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }] }),
    'force-app/main/default/externalClientApps/App.eca-meta.xml': header(state),
  });
  return runRules(await loadCatalog(root), {}).filter(
    (f) => f.rule.startsWith('distribution-state') || f.rule === 'schema-value',
  );
}

describe('distributionState Managed and AutoInstalled', () => {
  it.each(['Managed', 'AutoInstalled'])(
    '%s is a valid value, but the state of an installed copy, not a source',
    async (state) => {
      expect(await findings(state)).toEqual([
        expect.objectContaining({
          rule: 'distribution-state',
          message: `distributionState is ${state}, the state Salesforce gives an installed or Salesforce-managed copy; the source of a package must be Packaged`,
        }),
      ]);
    },
  );

  it('Packaged passes', async () => {
    expect(await findings('Packaged')).toEqual([]);
  });
});
