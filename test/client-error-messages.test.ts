// docs/typed-clients.md lists the messages a department developer meets, each with what to do. They were
// spread over README.md, access-rules.md and operations.md, shown on the demo's resources, and some not at
// all (an expired token's, `first` over the page maximum, a document not trusted): a Gansu developer
// (620100-MZJ, test/fixtures/gansu-clients) who met them had nothing to look up. This test provokes each on
// a Gansu gateway and holds the list to the product, both ways: every message met matches a documented
// one of its code (`<...>` standing for the values of the request), and every documented one is met.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { SignJWT } from 'jose';
import { addGrant } from '../src/access/grants/adding.ts';
import { signToken } from '../src/identity/token.ts';
import { importRecords } from '../src/records/import.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { errorOf, trickleBodies } from './helpers/trickled-bodies.ts';
import { eventually } from './helpers/eventually.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/gansu-clients/${name}`, import.meta.url));
const dept = '620100-MZJ';
const purpose = 'subsistence-allowance';
const ENTERPRISES = 'query LanzhouEnterprises { gsMarket { enterprises(first: 2) { nodes { name } } } }';

/** A documented message: its code and its text, `<...>` standing for a value of the request. */
interface Documented { code: string; template: string; pattern: RegExp; status?: number }

/**
 * The list under "The messages you meet" in docs/typed-clients.md: lines `` - `CODE` ... ``message``... ``,
 * each double-backtick span of an entry one message of its code.
 */
function documentedMessages(): Documented[] {
  const doc = readFileSync(join(root, 'docs', 'typed-clients.md'), 'utf8');
  const start = doc.indexOf('#### The messages you meet');
  if (start < 0) throw new Error('docs/typed-clients.md has no "#### The messages you meet"');
  const section = doc.slice(start, doc.indexOf('\n#', start + 10));
  const items = section.split('\n- ').slice(1).map((item) => item.replace(/\s*\n\s*/g, ' '));
  return items.flatMap((item) => {
    const code = /^`([A-Z_]+)`/.exec(item)?.[1];
    const templates = [...item.matchAll(/`` (.+?) ``/g)].map((m) => m[1]!);
    // The HTTP status the entry names, "(HTTP 401, ...)"; none named: 200, the error beside data.
    const status = Number(/^`[A-Z_]+` \(HTTP (\d{3})/.exec(item)?.[1] ?? 200);
    if (!code || !templates.length) throw new Error(`docs/typed-clients.md: an entry without a code or a message: ${item.slice(0, 120)}`);
    return templates.map((template) => {
      const pattern = new RegExp(`^${template.split(/<[^<>]+>/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+?')}$`);
      return { code, template, pattern, status };
    });
  });
}

interface Met { code: string; message: string; how: string; status: number }

const dirs: string[] = [];
const gateways: TestGateway[] = [];
const met: Met[] = [];
afterAll(async () => {
  for (const gw of gateways) await gw.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function gansu(platformFile: string, opts: Partial<Parameters<typeof startTestGateway>[0]> = {}): Promise<TestGateway> {
  const gw = await startTestGateway({ platformFile, catalogueFiles: [fixture('police.yaml'), fixture('market.yaml')], ...opts });
  gateways.push(gw);
  const resources = (await publishedCatalogues(gw.store)).flatMap((c) => c.resources);
  await importRecords(gw.store, resources.find((r) => r.code === '620000-SCJG-00001')!, fixture('enterprises.jsonl'));
  return gw;
}

/** Sends `query` and notes each error it answers with. */
async function meet(gw: TestGateway, how: string, query: string, q: Parameters<TestGateway['query']>[1] = {}): Promise<void> {
  const answer = await gw.query(query, { dept, ...q });
  expect(answer.errors?.length, `${how}: ${JSON.stringify(answer)}`).toBeGreaterThan(0);
  for (const e of answer.errors ?? []) met.push({ code: String(e.extensions?.code), message: e.message, how, status: answer.status });
}

beforeAll(async () => {
  const gw = await gansu(fixture('platform.yaml'));
  const secret = gw.gateway.secret;
  const forged = await signToken(new TextEncoder().encode('not the platform secret, 32 bytes!'), { dept, user: 'dev', roles: [], ttl: '1h' });
  // Past its exp and the 30 s of tolerance for clocks: a real HS256 token with the platform's secret.
  const now = Math.floor(Date.now() / 1000);
  const expired = await new SignJWT({ dept, roles: [] }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('dev').setIssuedAt(now - 3600).setExpirationTime(now - 60).sign(secret);
  const unlisted = await signToken(secret, { dept: '620200-MZJ', user: 'dev', roles: [], ttl: '1h' });
  const list = '{ gsMarket { enterprises(first: 1) { nodes { name } } } }';
  await meet(gw, 'no token', list, { token: null, purpose });
  await meet(gw, 'a forged token', list, { token: forged, purpose });
  await meet(gw, "a department the platform file does not list", list, { token: unlisted, purpose });
  await meet(gw, 'an unknown purpose', list, { purpose: 'subsistence' });
  // Sent as its UTF-8 bytes, as a client's header is (fetch takes a header value as Latin-1 characters).
  await meet(gw, 'a purpose holding a hidden character', list, { purpose: Buffer.from(`${purpose}\u200b`).toString('latin1') });
  await meet(gw, 'no purpose', list);
  await meet(gw, 'an item not shared', '{ gsMarket { enterprises(first: 1) { nodes { name taxArrears } } } }', { purpose });
  await meet(gw, 'an item offered by download only', '{ gsMarket { enterprises(first: 1) { nodes { name annualReport } } } }', { purpose });
  await meet(gw, 'an order by a masked item shared unconditionally', '{ gsMarket { enterprises(first: 1, orderBy: [{ field: legalPersonPhone }]) { nodes { name } } } }', { purpose });
  const phones = Array.from({ length: 21 }, (_, i) => `"1380000${String(i).padStart(4, '0')}"`).join(', ');
  await meet(gw, 'in on a masked item over maskedProbes.maxIn', `{ gsMarket { enterprises(first: 1, filter: { legalPersonPhone: { in: [${phones}] } }) { nodes { name } } } }`, { purpose });
  await meet(gw, 'a resource out of scope (a lookup)', '{ gsMarket { inspection(inspectionNo: "X") { result } } }', { purpose });
  await meet(gw, 'a purpose outside the scope of use', '{ gsPolice { residents(first: 1) { nodes { division } } } }', { purpose: 'business-licensing' });
  await meet(gw, 'a conditional resource without a grant', '{ gsPolice { resident(idNumber: "620102198001011234") { division } } }', { purpose });
  await meet(gw, 'a field no version has', '{ gsMarket { enterprises(first: 1) { nodes { enterpriseName } } } }', { purpose });
  await meet(gw, 'a subscription', 'subscription LanzhouEnterprises { gsMarket { enterprises(first: 1) { totalCount } } }', { purpose });
  await meet(gw, 'first over the page maximum', '{ gsMarket { enterprises(first: 5000) { nodes { name } } } }', { purpose });
  const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: enterprise(creditCode: "x") { name }`).join(' ');
  await meet(gw, 'too many aliases', `{ gsMarket { ${aliases} } }`, { purpose });
  const walk = (extra: string) => `__schema { queryType { fields { name ${extra} type { fields { name } } } } }`;
  await meet(gw, 'three walks of the schema', `{ a: ${walk('')} b: ${walk('description')} c: ${walk('isDeprecated')} }`);
  await meet(gw, 'an expired token', list, { token: expired, purpose });
  // Its nbf an hour ahead of the gateway's clock: the issuing machine's clock is ahead.
  const early = await new SignJWT({ dept, roles: [] }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('dev').setIssuedAt(now).setNotBefore(now + 3600).setExpirationTime(now + 7200).sign(secret);
  await meet(gw, 'a token not valid yet', list, { token: early, purpose });
  await meet(gw, 'no purpose, a resource whose scope names its purposes', '{ gsPolice { residents(first: 1) { nodes { division } } } }');
  // A grant of the register's division alone: its birthDate is an item the grant does not cover.
  const catalogues = await publishedCatalogues(gw.store);
  await addGrant(gw.store, { platform: gw.platform, catalogues }, {
    requester: dept, resource: '620000-GAT-00001', items: ['idNumber', 'division'], purposes: [purpose],
    unmasked: [], until: '2099-12-31', createdBy: 'operator',
  });
  await importRecords(gw.store, catalogues.flatMap((c) => c.resources).find((r) => r.code === '620000-GAT-00001')!, fixture('residents.jsonl'));
  await meet(gw, 'an order by a masked item a grant could unmask', '{ gsPolice { residents(first: 1, orderBy: [{ field: idNumber }]) { nodes { division } } } }', { purpose });
  await meet(gw, 'an item the grant does not cover', '{ gsPolice { residents(first: 1) { nodes { division birthDate } } } }', { purpose });

  const off = await gansu(fixture('platform.yaml'), { gateway: { server: { introspection: false } } });
  await meet(off, 'introspection turned off', getIntrospectionQuery());

  const dir = mkdtempSync(join(tmpdir(), 'govgraph-gansu-messages-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'persisted-documents.json'), JSON.stringify({ [`sha256:${createHash('sha256').update(ENTERPRISES).digest('hex')}`]: ENTERPRISES }));
  writeFileSync(join(dir, 'platform.yaml'), `${readFileSync(fixture('platform.yaml'), 'utf8')}trustedDocuments:\n  mode: require\n  manifests: [persisted-documents.json]\n`);
  const trusted = await gansu(join(dir, 'platform.yaml'));
  await meet(trusted, 'a document in no manifest', list, { purpose });
  await meet(trusted, 'introspection under require', getIntrospectionQuery());

  const limited = await gansu(fixture('platform.yaml'), { rates: true, limits: { rate: { perDepartment: null, perUser: { requests: 1, perMs: 60_000 } } } });
  await limited.query(list, { dept, purpose });
  await meet(limited, 'over the rate', list, { purpose });

  // Large bodies of one department arriving at once (30 of 12,000 bytes), past 16 × maxRequestBytes: refused, 429.
  const small = await gansu(fixture('platform.yaml'), { limits: { maxRequestBytes: 16 * 1024 } });
  const token = await small.token(dept, [], 'dev');
  const trickled = trickleBodies(small.gateway.url, Array.from({ length: 30 }, () => `authorization: Bearer ${token}\r\nx-purpose: ${purpose}\r\n`), 12_000);
  try {
    await eventually(async () => expect(trickled.answers.some((a) => a.startsWith('HTTP/1.1 429'))).toBe(true), 20_000);
    const refused = trickled.answers.find((a) => a.startsWith('HTTP/1.1 429'))!;
    const error = errorOf(refused);
    met.push({ code: String(error.extensions.code), message: error.message, how: 'large bodies arriving at once', status: 429 });
  } finally {
    trickled.destroy();
  }

  // One value an hour compared with a masked item: the second is over the quota, on each resource.
  const probed = await gansu(fixture('platform.yaml'), { limits: { maskedProbes: { maxIn: 20, perHour: 1, perDay: 500 } } });
  await addGrant(probed.store, { platform: probed.platform, catalogues: await publishedCatalogues(probed.store) }, {
    requester: dept, resource: '620000-GAT-00001', items: ['idNumber', 'division'], purposes: [purpose], unmasked: [], until: '2099-12-31', createdBy: 'operator',
  });
  for (const query of [
    '{ gsMarket { enterprises(first: 1, filter: { legalPersonPhone: { eq: "13800000000" } }) { nodes { name } } } }',
    '{ gsPolice { residents(first: 1, filter: { idNumber: { eq: "620102198001011234" } }) { nodes { division } } } }',
  ]) {
    expect((await probed.query(query, { dept, purpose })).errors).toBeUndefined();
    await meet(probed, 'over the masked-probe quota', query, { purpose });
  }
}, 60_000);

describe('the messages of docs/typed-clients.md are the product\'s (Gansu, 620100-MZJ)', () => {
  const documented = documentedMessages();

  it('every message met is documented, word for word, under its code', () => {
    expect(met.length).toBeGreaterThan(15);
    const undocumented = met.filter((m) => !documented.some((d) => d.code === m.code && d.pattern.test(m.message)));
    expect(undocumented.map((m) => `${m.how}: ${m.code}: ${m.message}`)).toEqual([]);
  });

  it('each comes with the HTTP status its entry names', () => {
    const wrong = met.filter((m) => !documented.some((d) => d.code === m.code && d.pattern.test(m.message) && d.status === m.status));
    expect(wrong.map((m) => `${m.how}: HTTP ${m.status} ${m.code}`)).toEqual([]);
  });

  it('every documented message is met', () => {
    const unmet = documented.filter((d) => !met.some((m) => m.code === d.code && d.pattern.test(m.message)));
    expect(unmet.map((d) => `${d.code}: ${d.template}`)).toEqual([]);
  });

  it('a placeholder stands for a value, never for the words around it', () => {
    // Each documented message, its placeholders taken out, keeps most of its words: the list is no pattern
    // that would match anything.
    for (const d of documented) expect(d.template.replace(/<[^<>]+>/g, '').length, d.template).toBeGreaterThan(d.template.length / 2);
  });
});
