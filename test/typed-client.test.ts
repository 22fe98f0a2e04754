// The typed client example (examples/client/): its generated code is current, it runs against a real demo
// gateway and prints records, and codegen against a schema that breaks one of its operations fails
// naming that operation.
import { generate } from '@graphql-codegen/cli';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CLIENT_OUTPUT, clientTarget } from '../codegen.ts';
import { main } from '../examples/client/main.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Runs the client-preset target of codegen.ts in memory, with another schema when given. */
async function generateClient(schema?: string): Promise<{ filename: string; content: string }[]> {
  const target = schema ? { ...clientTarget, schema } : clientTarget;
  return generate({ cwd: root, silent: true, overwrite: true, generates: { [CLIENT_OUTPUT]: target } }, false);
}

describe('examples/client', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({ demo: true });
  });
  afterAll(() => gw?.close());

  test('the committed examples/client/gql/ is what codegen makes from schema/demo.graphql (npm run codegen)', async () => {
    const outputs = await generateClient();
    expect(outputs.map((o) => o.filename).sort()).toEqual(['gql.ts', 'graphql.ts', 'index.ts', 'persisted-documents.json'].map((f) => CLIENT_OUTPUT + f));
    for (const o of outputs) expect(readFileSync(join(root, o.filename), 'utf8'), o.filename).toBe(o.content);
  });

  test('main() prints open-ended workers with their employers, then the first employer looked up', { timeout: 30_000 }, async () => {
    const token = await gw.token('430000-MZ', ['applicant'], 'example-client');
    const lines: string[] = [];
    await main({ url: gw.gateway.url, token, purpose: 'social-assistance' }, (line) => lines.push(line));

    // What the example must show, read over HTTP the plain way.
    const expected = await gw.query(
      `{ humanResources { employmentRegistrations(first: 3, filter: { contractType: { eq: OPEN_ENDED } }) {
           totalCount nodes { registrationNo fullName employer { creditCode name enterpriseType } } } } }`,
      { token, purpose: 'social-assistance' },
    );
    expect(expected.errors).toBeUndefined();
    const page = expected.data!.humanResources.employmentRegistrations;
    expect(page.totalCount).toBeGreaterThan(3);

    expect(lines[0]).toBe(`Open-ended employment registrations: ${page.totalCount} in all, the first 3:`);
    page.nodes.forEach((w: { registrationNo: string; fullName: string; employer: { creditCode: string; name: string } }, i: number) => {
      expect(lines[1 + i]!.startsWith(`  ${w.registrationNo}  ${w.fullName}  `)).toBe(true);
      expect(lines[1 + i]).toMatch(/  since \d{4}-\d{2}-\d{2}  at /);
      expect(lines[1 + i]).toContain(`at ${w.employer.name} (${w.employer.creditCode}, `);
      expect(w.fullName).toContain('*'); // a personal item, masked for a department without an unmasking grant
    });
    const first = page.nodes[0].employer;
    expect(lines[4]).toBe(`Enterprise ${first.creditCode}:`);
    expect(lines[5]!.startsWith(`  ${first.name}, ${first.enterpriseType.toUpperCase()}, established `)).toBe(true);
    expect(lines[5]).toMatch(/, established \d{4}-\d{2}-\d{2}, capital \S+ \(10,000 yuan\), [A-Z]+$/);
    expect(lines).toHaveLength(6); // and no error lines
  });

  test('main() with a bad token fails with UNAUTHENTICATED, printing nothing', async () => {
    const lines: string[] = [];
    await expect(main({ url: gw.gateway.url, token: 'not-a-token', purpose: 'social-assistance' }, (l) => lines.push(l))).rejects.toThrow(
      /The gateway answered 401: UNAUTHENTICATED/,
    );
    expect(lines).toEqual([]);
  });

  test('main() where no gateway listens fails naming the address and why, not "fetch failed"', async () => {
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const { port } = free.address() as AddressInfo;
    await new Promise((resolve) => free.close(resolve));
    await expect(main({ url: `http://127.0.0.1:${port}`, token: 'any', purpose: 'social-assistance' }, () => {})).rejects.toThrow(
      `Cannot reach the gateway at http://127.0.0.1:${port}/graphql (connect ECONNREFUSED 127.0.0.1:${port}): is it running there? GOVGRAPH_URL names it.`,
    );
  });
});

describe('codegen against a changed schema', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-codegen-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a renamed field that an operation selects fails, naming the operation, its file and the field', async () => {
    const sdl = readFileSync(join(root, 'schema/demo.graphql'), 'utf8');
    expect(sdl).toContain('\n  contractStart: Date\n');
    const broken = join(dir, 'demo.graphql');
    writeFileSync(broken, sdl.replace('\n  contractStart: Date\n', '\n  contractStartDate: Date\n'));

    const failure = await generateClient(broken).then(
      () => null,
      (err: unknown) => err as Error,
    );
    expect(failure).not.toBeNull();
    const message = String(failure!.message);
    expect(message).toContain('Operation OpenEndedWorkers (');
    expect(message).toContain('examples/client/workers.graphql) does not match the schema:');
    expect(message).toContain('Cannot query field "contractStart" on type "EmploymentRegistration".');
    // The operation that still fits is not blamed.
    expect(message).not.toContain('EnterpriseByCreditCode');
  });
});
