// Two data imports of one resource at once (two operators, or a retried command beside the first), on a
// platform of its own (test/fixtures/quality): both read the confirmed objection before either marks it,
// and both find its record's item changed. One marks it CORRECTED. The other's audit entry, written
// before its mark as every entry is (fail-closed), said "corrected" too, and nothing said its mark found
// the objection already marked: the log held two corrections of one objection. The loser now follows its
// entry with a refused one saying it was not done, as a workflow action that loses the store's race does,
// so the log holds one "ok" without a "refused" after it per correction made.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf, type Resource } from '../src/model/catalogue.ts';
import { and, eq } from '../src/store/port.ts';
import { importCorrecting } from '../src/workflow/objections.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const PLATE = 'LU-C24680';

let gw: TestGateway;
let vehicles: Resource;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')] });
  vehicles = (await publishedCatalogues(gw.store)).find((c) => c.id === 'QT-GAT')!.resources[1];
  await gw.store.insert(collectionOf(vehicles), [{ plateNo: PLATE, colour: 'red' }]);
}, 30_000);
afterAll(() => gw?.close());

describe('two imports at once that both correct a confirmed objection', () => {
  it('mark it once, and the log says the other did not', async () => {
    const raised = await gw.query(`mutation($input: ObjectionInput!) { raiseObjection(input: $input) { id } }`, {
      dept: '370000-MZT', roles: ['applicant'], purpose: 'licence-review',
      variables: { input: { resource: vehicles.code, key: PLATE, item: 'colour', reason: 'It is blue' } },
    });
    const id = raised.data!.raiseObjection.id as string;
    await gw.query(`mutation($input: ObjectionAnswerInput!) { answerObjection(input: $input) { status } }`,
      { dept: '370000-GAT', roles: ['approver'], variables: { input: { id, decision: 'CONFIRM' } } });
    // Enough records that the second import reads the objections while the first is still writing.
    const file = join(gw.dataDir, 'vehicles.jsonl');
    const lines = [{ plateNo: PLATE, colour: 'blue' }, ...Array.from({ length: 5000 }, (_, i) => ({ plateNo: `LU-X${i}`, colour: 'grey' }))];
    writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const env = { store: gw.store, now: new Date() };
    const [first, second] = await Promise.all(['first', 'second'].map((requestId) => importCorrecting(env, { user: 'operator', requestId }, vehicles, file)));
    const marked = [first, second].map((r) => r.corrected.map((o) => o.id));
    expect(marked.flat()).toEqual([id]);

    const entries = await gw.store.find(AUDIT_COLLECTION, { filter: and(eq('action', 'correctObjection')), sort: [{ field: 'seq', direction: 'asc' }] });
    const about = entries.filter((e) => String(e.detail).includes(id));
    const done = (requestId: string) => {
      const mine = about.filter((e) => e.requestId === requestId).map((e) => e.outcome);
      return mine.includes('ok') && !mine.includes('refused');
    };
    expect(['first', 'second'].filter(done)).toEqual([marked[0].length ? 'first' : 'second']);
    const refused = about.filter((e) => e.outcome === 'refused');
    for (const e of refused) expect(String(e.detail)).toMatch(/not done: CONFLICT: another import marked/);
  });
});
