// The consistency report's audit entries (SPEC §14: every action audited like the workflow's). The
// consistencyReport field's refusal of an element no published resource carries has its `refused` entry,
// as the operator's refused `grant add` has; the command `govgraph consistency report` refused the same
// element with no entry, so a supervisor reading the log saw the operator's reports but not its refused
// ones. And an element asked in another case (`xz-yaks`, taken as XZ-YAKS) is named in the entry as the
// platform writes it, as the report's pairs name it, not as typed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { runGovgraph, storeOfCase, withSqliteStore } from './helpers/cli.ts';
import { startTestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/tibet-herding/${name}`, import.meta.url));
let dir: string;
let data: string;
let env: NodeJS.ProcessEnv;
const govgraph = (...args: string[]) => runGovgraph(args, { env });
const reports = async () => (await withSqliteStore(data, (s) => s.find(AUDIT_COLLECTION, {})))
  .map(fromRow)
  .filter((e) => e.action === 'consistencyReport')
  .map((e) => [e.kind, e.user, e.outcome, e.detail]);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-tibet-consistency-'));
  ({ data, env } = storeOfCase(dir, 'data', fixture('platform.yaml')));
  const imported = await govgraph('catalogue', 'import', fixture('police.yaml'), fixture('herding.yaml'), '--publish');
  expect(imported.code, imported.stderr).toBe(0);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('govgraph consistency report --element', () => {
  it('audits its refusal of an element no published resource carries, as the field does, and its report', async () => {
    const refused = await govgraph('consistency', 'report', '--element', 'XZ-HORSES');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('govgraph: --element XZ-HORSES: no published resource has an item of that data element; the elements published are: XZ-ID, XZ-YAKS');
    const run = await govgraph('consistency', 'report', '--element', 'xz-yaks');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('XZ-YAKS  540000-GAT-00001.yaks <> 540000-NMT-00001.yaks  on XZ-ID (idNumber = idNumber): 0 compared, 0 differ');
    expect(await reports()).toEqual([
      ['operator', 'operator', 'refused', 'BAD_USER_INPUT: consistencyReport is refused: no published resource has an item of data element XZ-HORSES.'],
      ['operator', 'operator', 'ok', 'consistency report for XZ-YAKS: 1 pair of resources compared'],
    ]);
  }, 60_000);
});

describe('the consistencyReport field', () => {
  it('names the element asked in another case as the platform writes it, in the report and its entry', async () => {
    const gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('herding.yaml')] });
    try {
      const supervisor = { dept: '540000-SJJ', roles: ['supervisor' as const] };
      const r = await gw.query(`{ consistencyReport(element: "xz-yaks") { element left right compared } }`, supervisor);
      expect(r.errors).toBeUndefined();
      expect(r.data!.consistencyReport).toEqual([{ element: 'XZ-YAKS', left: '540000-GAT-00001', right: '540000-NMT-00001', compared: 0 }]);
      const log = await gw.query(`{ auditLog(first: 5, filter: { kind: WORKFLOW }) { nodes { action detail } } }`, supervisor);
      expect(log.data!.auditLog.nodes).toContainEqual({ action: 'consistencyReport', detail: 'consistency report for XZ-YAKS: 1 pair of resources compared' });
    } finally {
      await gw.close();
    }
  }, 60_000);
});
