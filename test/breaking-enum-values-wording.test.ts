// The BREAKING_CHANGE warning of an enum item that loses values, on Fujian's population register
// (test/fixtures/fujian-siming/register.yaml): one value taken away read "loses the values divorced".
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Catalogue } from '../src/model/catalogue.ts';
import { breakingChanges } from '../src/workflow/warnings/breaking-changes.ts';

const register = (): Catalogue => parse(readFileSync(fileURLToPath(new URL('./fixtures/fujian-siming/register.yaml', import.meta.url)), 'utf8')) as Catalogue;

/** The register with its marital item's values set to `values`. */
function withMarital(values: string[]): Catalogue {
  const next = register();
  const marital = next.resources[0]!.items.find((i) => i.name === 'marital')!;
  marital.values = values;
  return next;
}

describe('an enum item that loses values', () => {
  const current = withMarital(['single', 'married', 'divorced', 'widowed']);
  const messages = (next: Catalogue) => breakingChanges(current, next, new Map()).map((w) => w.message);

  it('names one value in the singular', () => {
    expect(messages(withMarital(['single', 'married', 'widowed']))).toEqual(['Item marital of 350000-PS7-101 is retyped: loses the value divorced']);
  });

  it('names several in the plural', () => {
    expect(messages(withMarital(['single', 'married']))).toEqual(['Item marital of 350000-PS7-101 is retyped: loses the values divorced, widowed']);
  });
});
