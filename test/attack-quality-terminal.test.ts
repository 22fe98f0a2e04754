// Hostile text in objections and demands (SPEC §14) reaching the operator's terminal. An applicant of
// any department writes an objection's reason or a demand's title; `govgraph objection list` and
// `govgraph demand list` print them, one entry a line, for the operator. Printed raw, ESC sequences in
// them act on the terminal (clear the screen, set the clipboard with OSC 52, rewrite the line) and a
// newline prints a forged entry of the list (here an objection "REJECTED" that is OPEN). Every control
// character must come out as a visible escape, one entry one line (src/cli/terminal.ts).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { collectionOf } from '../src/model/catalogue.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/quality/${name}`, import.meta.url));
const PLATFORM = fixture('platform.yaml');
const PLATE = 'LU-A12345';
const APPLICANT = { dept: '370000-MZT', roles: ['applicant' as const], purpose: 'licence-review' };

const FORGED = '00000000-0000-0000-0000-000000000000  REJECTED  due 2026-01-01  370000-GAT-02 "LU-A12345" colour  by 370000-GAT: settled';
// Clipboard (OSC 52), screen clear, carriage return and line erase, a forged line, a bidi override, a C1 CSI.
const REASON = `colour is wrong\u001b]52;c;cm0gLXJmIH4=\u0007\u001b[2J\r\u001b[2K\n${FORGED}\u202e\u009b31m`;
const TITLE = `Parking permits\r\u001b[2K\n${FORGED}`;

/** Every control character a terminal acts on (C0 but the line ends, DEL, C1), and the bidi controls. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: PLATFORM, catalogueFiles: [fixture('police.yaml'), fixture('health.yaml')] });
  const vehicles = (await publishedCatalogues(gw.store)).find((c) => c.id === 'QT-GAT')!.resources[1];
  await gw.store.insert(collectionOf(vehicles), [{ plateNo: PLATE, colour: 'red' }]);
  const raised = await gw.query(`mutation($input: ObjectionInput!) { raiseObjection(input: $input) { status reason } }`,
    { ...APPLICANT, variables: { input: { resource: '370000-GAT-02', key: PLATE, item: 'colour', reason: REASON, proposedValue: 'blue' } } });
  expect(raised.errors).toBeUndefined();
  expect(raised.data!.raiseObjection).toEqual({ status: 'OPEN', reason: REASON }); // kept as written
  const filed = await gw.query(`mutation($input: DemandInput!) { requestData(input: $input) { status title } }`, {
    ...APPLICANT,
    variables: { input: { title: TITLE, description: 'For licence review', items: ['permit number'], purposes: ['licence-review'], provider: '370000-WJW' } },
  });
  expect(filed.errors).toBeUndefined();
  expect(filed.data!.requestData).toEqual({ status: 'OPEN', title: TITLE });
}, 60_000);
afterAll(() => gw?.close());

const govgraph = (...args: string[]) => runGovgraph([...args, '--platform', PLATFORM, '--data', gw.dataDir], { env: cliEnv(), timeout: 60_000 });

describe('the operator\'s lists print a department\'s text with its control characters escaped', () => {
  it('objection list: one line for the one objection, its reason\'s escapes visible, nothing a terminal acts on', async () => {
    const r = await govgraph('objection', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^[0-9a-f-]{36} {2}OPEN {2}due \d{4}-\d{2}-\d{2} {2}370000-GAT-02 "LU-A12345" colour {2}by 370000-MZT: colour is wrong/);
    expect(lines[0]).toContain('\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u001b[2J\\r\\u001b[2K\\n00000000-0000');
    expect(lines[0]).toContain('settled\\u202e\\u009b31m');
    expect(r.stdout).not.toMatch(CONTROL);
  }, 60_000);

  it('demand list: one line for the one demand, its title\'s escapes visible', async () => {
    const r = await govgraph('demand', 'list');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ {2}370000-MZT -> 370000-WJW: Parking permits\\r\\u001b\[2K\\n00000000-0000/);
    expect(r.stdout).not.toMatch(CONTROL);
  }, 60_000);
});
