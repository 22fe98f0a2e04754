// codeSpaceOwner (src/catalogue/codes.ts), shared by the publication check and answerDemand: the department
// in whose code space a code lies, in any case, the longest code first, so that a department whose code is
// a prefix of another's (450000-GA, 450000-GAT) owns only codes after its own code and a dash.
import { expect, it } from 'vitest';
import { codeSpaceOwner } from '../src/catalogue/codes.ts';

const platform = { departments: [{ code: '450000-GAT' }, { code: '450000-GA' }, { code: '450000-GA-X' }] } as never;
const owner = (code: string) => (codeSpaceOwner(platform, code) as { code: string } | undefined)?.code;

it('names the department of the longest code whose space a code is in, in any case', () => {
  expect(owner('450000-GAT-009')).toBe('450000-GAT');
  expect(owner('450000-gat-009')).toBe('450000-GAT');
  expect(owner('450000-GA-009')).toBe('450000-GA');
  expect(owner('450000-ga-x-1')).toBe('450000-GA-X');
  expect(owner('450000-GATX-1')).toBeUndefined();
  expect(owner('450000-G-1')).toBeUndefined();
});
