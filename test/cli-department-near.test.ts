// `govgraph token --dept` and `schema print --dept` with a code in another case or with spaces around it
// (a script's `--dept "$DEPT "`): refused, as the gateway refuses such a token's `dept`, but the refusal
// printed the code bare, `Department 510000-GAT  is not a department of the platform ...; its departments
// are: ..., 510000-GAT, ...`: the operator read their own code in the list they were told it is not in.
import { describe, expect, it } from 'vitest';
import { unknownDepartmentMessage } from '../src/cli/options.ts';
import { sichuanPlatform } from './helpers/sichuan.ts';

const platform = sichuanPlatform('Sichuan test platform');
const FILE = '/srv/sc/platform.yaml';

describe('the refusal of a --dept code the platform file lacks', () => {
  it('a code it lacks altogether: the code as typed and the departments', () => {
    expect(unknownDepartmentMessage('510000-XX', FILE, platform)).toBe(
      `Department 510000-XX is not a department of the platform (${FILE}); its departments are: 510000-DSJ, 510000-GAT, 510100-GAJ`,
    );
  });

  for (const [name, typed, shown] of [
    ['a trailing space', '510000-GAT ', '"510000-GAT "'],
    ['a leading space', ' 510000-GAT', '" 510000-GAT"'],
    ['another case', '510000-gat', '510000-gat'],
    ['another case and a tab', '510000-gat\t', '"510000-gat\\t"'],
  ] as const) {
    it(`${name}: the code quoted where it holds spaces, and the department it nearly names`, () => {
      expect(unknownDepartmentMessage(typed, FILE, platform)).toBe(
        `Department ${shown} is not a department of the platform (${FILE}); codes are matched exactly (case and spaces too, as the gateway matches a token's dept): did you mean 510000-GAT?`,
      );
    });
  }
});
