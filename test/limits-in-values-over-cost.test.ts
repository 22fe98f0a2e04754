// A platform file whose limits admit an `in` the cost never lets through: `maxCost: 5000` beside the default
// `filter.maxInValues: 10000`. Each value of an `in` counts one toward maxCost, so an `in` of 5,000 values
// passed the filter's bound and was refused as too complex; `platform validate` said ok and `serve` started
// without a word, and the operator learnt of it from a department's failing requests. Now both say which
// setting to raise, with the figure the gateway itself holds to (measured here: the largest `in` it runs).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { spawnServe, waitReady } from './helpers/served.ts';

const fixture = (name: string) => new URL(`./fixtures/gansu-clients/${name}`, import.meta.url).pathname;
const NOTE =
  'limits.filter.maxInValues (10000) admits more values in one in than limits.maxCost (5000) leaves room for: each value counts one field value, ' +
  'so an in of more than 4996 values is refused with QUERY_TOO_COMPLEX (limit maxCost) even in a list of one; ' +
  'raise limits.maxCost to at least 10004, or lower limits.filter.maxInValues to 4996';

let dir: string;
let tight: string;
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-in-over-cost-'));
  tight = join(dir, 'platform.yaml');
  writeFileSync(tight, `${readFileSync(fixture('platform.yaml'), 'utf8')}\nlimits:\n  maxCost: 5000\n`);
  env = cliEnv({ GOVGRAPH_PLATFORM: tight, GOVGRAPH_DATA_DIR: join(dir, 'data') });
  const imported = await runGovgraph(['catalogue', 'import', fixture('police.yaml'), '--publish'], { env });
  expect(imported.code, imported.stderr).toBe(0);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('limits.filter.maxInValues over what limits.maxCost leaves room for', () => {
  it('platform validate notes it after its ok line, and says nothing of it under the defaults', async () => {
    const run = await runGovgraph(['platform', 'validate'], { env });
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([expect.stringMatching(/: ok \(/), `${tight}: note: ${NOTE}`]);
    const plain = await runGovgraph(['platform', 'validate', '--platform', fixture('platform.yaml')], { env });
    expect(plain.code).toBe(0);
    expect(plain.stdout).not.toContain('note:');
  });

  it('serve warns at its start, and runs an in of as many values as the note says, refusing one more', async () => {
    const gateway = await spawnServe([], env);
    try {
      expect(gateway.output()).toContain(`govgraph: warning: ${tight}: ${NOTE}`);
      const url = `http://127.0.0.1:${gateway.port}`;
      await waitReady(url);
      const token = (await runGovgraph(['token', '--dept', '620000-GAT'], { env })).stdout.trim();
      const ask = async (n: number) => {
        const divisions = Array.from({ length: n }, (_, i) => `62${String(i).padStart(4, '0')}`);
        const query = 'query($l: [String!]) { gsPolice { residents(first: 1, filter: { division: { in: $l } }) { nodes { birthDate } } } }';
        const res = await fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'x-purpose': 'subsistence-allowance', 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables: { l: divisions } }),
        });
        return (await res.json()) as { data?: unknown; errors?: { extensions: { code: string; limit?: string } }[] };
      };
      const within = await ask(4996);
      expect(within.errors).toBeUndefined();
      const over = await ask(4997);
      expect(over.errors?.[0].extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'maxCost' });
    } finally {
      gateway.child.kill('SIGKILL');
      await gateway.exited;
    }
  }, 120_000);
});
