// Identifiers that do not show what they hold (src/model/identifier-text.ts): a department code, a user,
// a role, a resource, an item, a purpose or a row holding U+202E, U+200B, U+FEFF, U+2066 or written other
// than in NFC reads as another one in the audit log, `platform status` or a grant's listing. Each entry
// point refuses it with `path: message` naming the code point, never stripping it: a token's claims
// (UNAUTHENTICATED, as any bad token), `govgraph token`'s and a workflow command's flags, the GraphQL
// workflow's arguments, `grant add`, and a platform file's codes. Free text is kept as sent and escaped
// where a command prints it (src/cli/terminal.ts). On a Macao platform of the test's own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRANTS } from '../src/access/grants.ts';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform, validatePlatform } from '../src/catalogue/platform.ts';
import { parseDocuments } from '../src/catalogue/read.ts';
import { terminalText } from '../src/cli/terminal.ts';
import { storedSecret } from '../src/identity/secret.ts';
import { TOKEN_MESSAGE } from '../src/identity/verify.ts';
import { identifierFault } from '../src/model/identifier-text.ts';
import { eq } from '../src/store/port.ts';
import { SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const FIXTURE = new URL('./fixtures/macao-invisible/', import.meta.url).pathname;
const PLATFORM = join(FIXTURE, 'platform.yaml');
const CATALOGUE = join(FIXTURE, 'health.yaml');
const BIRTHS = '820000-WJW-00001';
const WELFARE = { dept: '820000-MZ', roles: ['applicant' as const] };
const HEALTH = { dept: '820000-WJW', roles: ['approver' as const] };
const REQUEST = `mutation($input: SharingRequestInput!) { requestSharing(input: $input) { id status } }`;
const DECIDE = `mutation($input: SharingDecisionInput!) { decideSharingRequest(input: $input) { id status } }`;
const births = { resource: BIRTHS, items: ['weightGrams'], purposes: ['welfare-review'], justification: 'Family allowance review' };

const ZWSP = 'holds U+200B ZERO WIDTH SPACE';
const RLO = 'holds U+202E RIGHT-TO-LEFT OVERRIDE';
const BOM = 'holds U+FEFF ZERO WIDTH NO-BREAK SPACE';
const LRI = 'holds U+2066 LEFT-TO-RIGHT ISOLATE';
const NOT_NFC = 'is not in Unicode normalization form NFC from U+0301';

describe('identifierFault: the one check every entry point asks', () => {
  it.each([
    ['820000-M\u200bZ', `${ZWSP} (character 9)`],
    ['clerk\u202enimda', `${RLO} (character 6)`],
    ['\ufeff820000-MZ', `${BOM} (character 1)`],
    ['welfare\u2066-review', `${LRI} (character 8)`],
    ['tag\u{E0001}', 'holds U+E0001 (a format character) (character 4)'],
    ['Jose\u0301', `${NOT_NFC} (character 5)`],
    ['\u212b', 'is not in Unicode normalization form NFC from U+212B (character 1)'],
    // Default-ignorable, not Cf: drawn as nothing all the same.
    ['li\u034fwei', 'holds U+034F COMBINING GRAPHEME JOINER (character 3)'],
    ['820000-MZ\ufe0f', 'holds U+FE0F VARIATION SELECTOR-16 (character 10)'],
    ['820000-M\u180bZ', 'holds U+180B (an invisible character) (character 9)'],
  ])('%j: %s', (text, said) => {
    expect(identifierFault(text)).toContain(said);
    expect(identifierFault(text)).not.toContain(text);
  });

  it('takes what shows as it is: codes, NFC Latin, Chinese', () => {
    for (const text of ['820000-MZ', 'José Márquez', '澳门社会工作局 clerk', 'welfare-review']) expect(identifierFault(text)).toBeNull();
  });
});

describe('tokens, GraphQL arguments and commands', () => {
  let gw: TestGateway;
  let secret: Uint8Array;
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-invisible-'));
  const data = join(dir, 'data');
  const govgraph = (...args: string[]) => runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: PLATFORM }) });

  beforeAll(async () => {
    gw = await startTestGateway({ platformFile: PLATFORM, catalogueFiles: [CATALOGUE] });
    secret = await storedSecret(gw.store);
    await withSqliteStore(data, (store) => importCatalogueFiles(store, loadPlatform(PLATFORM), [CATALOGUE], { publish: true }));
  }, 60_000);
  afterAll(async () => {
    await gw?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ dept: '820000-MZ', roles: ['applicant'], ...claims }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(secret);

  it.each([
    ['a sub with a right-to-left override', { sub: 'clerk\u202enimda' }],
    ['a sub with a zero-width space inside', { sub: 'li\u200bwei' }],
    ['a sub not in NFC', { sub: 'Jose\u0301' }],
    ['a sub with a combining grapheme joiner', { sub: 'li\u034fwei' }],
    ['a dept with a zero-width space', { sub: 'clerk', dept: '820000-M\u200bZ' }],
    ['a dept after a byte order mark', { sub: 'clerk', dept: '\ufeff820000-MZ' }],
    ['a role with an isolate', { sub: 'clerk', roles: ['applicant\u2066'] }],
  ])('a token with %s is refused as a bad token, its claim not repeated', async (_name, claims) => {
    const r = await gw.query('{ __typename }', { token: await sign(claims) });
    expect(r.status).toBe(401);
    expect(r.errors!.map((e) => [e.extensions?.code, e.message])).toEqual([['UNAUTHENTICATED', TOKEN_MESSAGE]]);
  });

  it('a token whose claims show what they hold is taken', async () => {
    const r = await gw.query('{ __typename }', { token: await sign({ sub: 'José 澳门 clerk' }) });
    expect([r.status, r.data]).toEqual([200, { __typename: 'Query' }]);
  });

  it.each([
    // Sent as UTF-8 bytes, as a client sends them (Node reads a header's bytes as Latin-1).
    ['U+200B after a listed purpose', Buffer.from('welfare-review\u200b').toString('latin1'), `${ZWSP} (character 15)`],
    // Bytes that are no UTF-8: a C1 control (CSI) as Latin-1 reads it.
    ['a C1 control', 'welfare\u009breview', 'holds U+009B (a control character) (character 8)'],
  ])('an x-purpose holding %s is refused naming the code point; neither the answer nor the entry holds it', async (_name, purpose, said) => {
    const r = await gw.query('query Probe { __typename }', { ...WELFARE, purpose });
    expect(r.errors!.map((e) => [e.extensions?.code, e.message])).toEqual([['BAD_USER_INPUT', expect.stringContaining(`The purpose in the \`x-purpose\` header ${said}`)]]);
    const entries = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('operationName', 'Probe') })).map(fromRow);
    expect(entries.at(-1)!.detail).toContain(said);
    expect(JSON.stringify(entries)).not.toMatch(/[\u200b\u009b]/);
  });

  it('requestSharing refuses a resource, an item and a purpose that hold hidden characters, at their paths; nothing stored', async () => {
    const input = { ...births, resource: '820000-WJW-0000\u200b1', items: ['weight\u202eGrams'], purposes: ['welfare-review\ufeff'] };
    const r = await gw.query(REQUEST, { ...WELFARE, variables: { input } });
    expect(r.errors!.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    expect(r.errors![0].extensions!.problems).toEqual([
      { path: 'resource', message: expect.stringContaining(`${ZWSP} (character 16)`) as string },
      { path: 'items[0]', message: expect.stringContaining(`${RLO} (character 7)`) as string },
      { path: 'purposes[0]', message: expect.stringContaining(`${BOM} (character 15)`) as string },
    ]);
    expect(r.errors![0].message).toMatch(/^requestSharing is refused: an identifier must show every character it holds\./);
    expect(await gw.store.count(SHARING_REQUESTS)).toBe(0);
    // The refusal's entry says which code point, never the text itself.
    const [entry] = (await gw.store.find(AUDIT_COLLECTION, { filter: eq('action', 'requestSharing') })).map(fromRow).filter((e) => e.outcome === 'refused');
    expect(entry!.detail).toContain('U+202E');
    expect(JSON.stringify(entry)).not.toMatch(/[\u200b\u202e\ufeff]/);
  });

  it("a demand's wanted items are free text, named as no catalogue names them yet: a Persian U+200C and NFD are kept", async () => {
    const DEMAND = `mutation($input: DemandInput!) { requestData(input: $input) { items provider } }`;
    const items = ['نام\u200cخانوادگی', 'Jose\u0301 numbers'];
    const input = { title: 'Family names', description: 'Welfare files', items, purposes: ['welfare-review'], provider: '820000-WJW' };
    const r = await gw.query(DEMAND, { ...WELFARE, variables: { input } });
    expect([r.errors, r.data]).toEqual([undefined, { requestData: { items, provider: '820000-WJW' } }]);
  });

  it('decideSharingRequest refuses rows holding a hidden character, and the request stays pending', async () => {
    const asked = await gw.query(REQUEST, { ...WELFARE, variables: { input: births } });
    const id = asked.data!.requestSharing.id as string;
    const r = await gw.query(DECIDE, { ...HEALTH, variables: { input: { id, decision: 'APPROVE', rows: ['820000\u200b'] } } });
    expect(r.errors![0].extensions!.problems).toEqual([{ path: 'rows[0]', message: expect.stringContaining(`${ZWSP} (character 7)`) as string }]);
    expect((await gw.store.find(SHARING_REQUESTS, { filter: eq('id', id) }))[0]!.status).toBe('pending');
  });

  it('`govgraph token` refuses a --user, --dept or --roles that holds one, naming the code point', async () => {
    for (const [args, said] of [
      [['--dept', '820000-MZ', '--user', 'clerk\u202enimda'], `govgraph: --user: ${RLO} (character 6)`],
      [['--dept', '820000-MZ', '--user', '\ufeffclerk'], `govgraph: --user: ${BOM} (character 1)`],
      [['--dept', '820000-M\u200bZ'], `govgraph: --dept: ${ZWSP} (character 9)`],
      // Through the one check (requireShownCode), as every other command: the character counted without the blanks around the code (h200).
      [['--dept', ' 820000-M\u200bZ'], `govgraph: --dept: ${ZWSP} (character 9)`],
      [['--dept', '820000-MZ', '--roles', 'applicant,\ufeffsupervisor'], `govgraph: --roles: ${BOM} (character 1)`],
    ] as const) {
      const r = await govgraph('token', ...args);
      expect([r.code, r.stdout, r.stderr.split('\n').find((l) => l.startsWith('govgraph: --'))?.slice(0, said.length)]).toEqual([1, '', said]);
    }
  }, 60_000);

  it('`schema print --dept` says the code holds one, not that it is unknown (it reads as a listed one)', async () => {
    const r = await govgraph('schema', 'print', '--dept', '820000-M\u200bZ');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`govgraph: Department "820000-M\\u200bZ" ${ZWSP} (character 9)`);
  }, 60_000);

  it('a workflow command refuses a --dept or --user that holds one', async () => {
    const before = await withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION));
    const dept = await govgraph('request', 'decide', 'no-such-request', '--dept', '820000-WJ\u2066W', '--reject', '--reason', 'no');
    expect(dept.stderr).toContain(`govgraph: --dept: ${LRI} (character 10)`);
    const user = await govgraph('request', 'decide', 'no-such-request', '--dept', '820000-WJW', '--reject', '--reason', 'no', '--user', 'Jose\u0301');
    expect(user.stderr).toContain(`govgraph: --user: ${NOT_NFC} (character 5)`);
    expect([dept.code, user.code]).toEqual([1, 1]);
    expect(await withSqliteStore(data, (s) => s.count(AUDIT_COLLECTION))).toBe(before);
  }, 60_000);

  it.each([
    [['request', 'list', '--dept', '820000-M\u200bZ'], `--dept: ${ZWSP} (character 9)`],
    [['grant', 'list', '--resource', '820000-WJW-0000\u200b1'], `--resource: ${ZWSP} (character 16)`],
    [['grant', 'list', '--requester', '\ufeff820000-MZ'], `--requester: ${BOM} (character 1)`],
    [['data', 'import', CATALOGUE, '--resource', '820000-WJW-0000\u200b1'], `--resource: ${ZWSP} (character 16)`],
  ])("%j: a code holding one is said to, not quoted among the codes it reads as, nor trimmed away", async (args, said) => {
    const r = await govgraph(...args);
    expect([r.code, r.stderr.split('\n').find((l) => l.startsWith('govgraph: --'))?.slice(0, said.length + 10)]).toEqual([1, `govgraph: ${said}`]);
  }, 60_000);

  it('`grant add` refuses a --requester or --rows that holds one, and stores no grant', async () => {
    const grant = (...more: string[]) => govgraph('grant', 'add', '--resource', BIRTHS, '--items', 'weightGrams', '--purposes', 'welfare-review', ...more);
    const requester = await grant('--requester', '820000-M\u202eZ');
    expect(requester.stderr).toContain(`requester: ${RLO} (character 9)`);
    const rows = await grant('--requester', '820000-MZ', '--rows', '820000\u200b');
    expect(rows.stderr).toContain(`rows[0]: ${ZWSP} (character 7)`);
    expect([requester.code, rows.code]).toEqual([1, 1]);
    expect(await withSqliteStore(data, (s) => s.count(GRANTS))).toBe(0);
  }, 60_000);

  it('`grant list` shows a grant stored before the check, whose maker holds U+202E, with the character escaped', async () => {
    const made = new Date().toISOString();
    await withSqliteStore(data, (s) => s.insert(GRANTS, [{
      id: 'old-grant', requester: '820000-MZ', resource: BIRTHS, items: JSON.stringify(['weightGrams']), purposes: JSON.stringify(['welfare-review']),
      unmasked: JSON.stringify([]), rows: null, from: made, until: null, revokedAt: null, revokedBy: null, createdAt: made, createdBy: 'clerk\u202enimda', requestId: null,
    }]));
    const r = await govgraph('grant', 'list');
    expect(r.stdout).toContain('(by clerk\\u202enimda, ');
    expect(r.stdout).not.toContain('\u202e');
    await withSqliteStore(data, (s) => s.delete(GRANTS, eq('id', 'old-grant')));
  }, 60_000);
});

describe('documents and terminal output', () => {
  it("a platform file's code that holds a hidden character or is not NFC is refused naming the code point", () => {
    const text = (code: string, purpose: string) =>
      `platform: { region: "820000", level: province, name: Macao, competentDepartment: "820000-SJJ" }
purposes: [{ code: "${purpose}", name: Welfare review }]
departments:
  - { code: "820000-SJJ", name: Macao Data Bureau, graphqlName: moData, level: province, region: "820000" }
  - { code: "${code}", name: Macao Social Welfare Bureau, graphqlName: moWelfare, level: province, region: "820000" }
connected: []
`;
    const problems = validatePlatform(parseDocuments(text('820000-M\u200bZ', 'welfare-re\u0301view'), 'mo.yaml')[0]).problems;
    const code = problems.find((p) => p.path === 'departments[1].code' && p.message.includes('valid department code'));
    expect(code?.message).toContain(`"820000-M\\u200bZ" is not a valid department code`);
    expect(code?.message).toContain(`${ZWSP} (character 9)`);
    expect(problems.find((p) => p.path === 'purposes[0].code')?.message).toContain(`${NOT_NFC} (character 11)`);
    expect(JSON.stringify(problems)).not.toContain('\u200b');
  });

  it('free text printed on a terminal shows its format characters as escapes', () => {
    expect(terminalText('by 820000-M\u200bZ: weight\ufeff wrong \u2066x\u2069 tag\u{E0001}')).toBe('by 820000-M\\u200bZ: weight\\ufeff wrong \\u2066x\\u2069 tag\\u{e0001}');
  });
});
