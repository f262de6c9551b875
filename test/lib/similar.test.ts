import { describe, expect, it } from 'vitest';
import { closestNames, lookAlikes, unknownNames } from '../../src/lib/similar.js';

describe('closestNames', () => {
  it('ranks a truncation or extension first, then by edit distance', () => {
    expect(closestNames('isProtect', ['label', 'isProtected', 'iconUrl', 'infoUrl'])).toEqual([
      'isProtected',
      'iconUrl',
      'infoUrl',
    ]);
  });
});

describe('unknownNames', () => {
  const apps = ['Acme_Connector', 'Acme_Billing', 'Contoso_Sync'];

  it('names the apps a mistyped --name could mean, a wrong case first', () => {
    expect(unknownNames(['acme_connector'], apps)).toEqual([
      { name: 'acme_connector', lookAlikes: ['Acme_Connector'] },
    ]);
    expect(unknownNames(['Acme_Conector'], apps)).toEqual([{ name: 'Acme_Conector', lookAlikes: ['Acme_Connector'] }]);
  });

  it('offers nothing when no app looks alike, and passes names that exist', () => {
    expect(unknownNames(['NoSuchApp', 'Contoso_Sync'], apps)).toEqual([{ name: 'NoSuchApp', lookAlikes: [] }]);
    expect(unknownNames(['Contoso_Sync'], apps)).toEqual([]);
  });

  it('keeps only close guesses', () => {
    expect(lookAlikes('Acme', apps)).toEqual(['Acme_Billing', 'Acme_Connector']);
  });
});
