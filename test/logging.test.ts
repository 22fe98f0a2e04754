// The request log (src/server/plugins/logging.ts): one pino line per request with request id, department,
// purpose, operation name, duration and outcome; never variables, record values or tokens.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createLogger, logLevel, loggingPlugin, outcomeOf } from '../src/server/plugins/logging.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { AUDIT_COLLECTION } from '../src/audit/entry.ts';
import type { Store } from '../src/store/port.ts';

const lines: string[] = [];
const sink = new Writable({
  write(chunk, _enc, done) {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    done();
  },
});

let gw: TestGateway;
let idNumber: string;
let auditFails = false;

beforeAll(async () => {
  gw = await startTestGateway({
    demo: true,
    gateway: { plugins: [loggingPlugin(createLogger(sink, 'info'))] },
    // Lets a test make the audit log unwritable.
    wrapStore: (inner) => {
      const store: Store = Object.create(inner);
      store.insert = async (collection, rows) => {
        if (auditFails && collection === AUDIT_COLLECTION) throw new Error('disk full');
        return inner.insert(collection, rows);
      };
      return store;
    },
  });
  // An unmasked ID number, read by its provider.
  const own = await gw.query('{ humanResources { employmentRegistrations(first: 1) { nodes { idNumber } } } }', {
    dept: '430000-RST',
    purpose: 'employment-services',
  });
  idNumber = own.data!.humanResources.employmentRegistrations.nodes[0].idNumber;
  expect(idNumber).toMatch(/^[0-9]{17}[0-9X]$/);
});

afterAll(() => gw?.close());

/** Sends one request and returns the log line it wrote. */
async function logged(run: () => Promise<unknown>): Promise<{ line: Record<string, unknown>; raw: string }> {
  const before = lines.length;
  await run();
  await expect.poll(() => lines.length).toBe(before + 1);
  const raw = lines[before]!;
  return { line: JSON.parse(raw) as Record<string, unknown>, raw };
}

describe('request log', () => {
  test('logs what the client receives when the audit log cannot be written (fail-closed)', async () => {
    auditFails = true;
    try {
      const { line } = await logged(() =>
        gw.query('{ humanResources { employmentRegistrations(first: 1) { nodes { registrationNo } } } }', { dept: '430000-RST' }),
      );
      expect(line).toMatchObject({ outcome: 'error', codes: ['AUDIT_UNAVAILABLE'] });
    } finally {
      auditFails = false;
    }
  });

  test('a partly denied read: its fields, and neither the ID number in the variables nor the token', async () => {
    const token = await gw.token('430000-MZ', ['applicant']);
    const { line, raw } = await logged(() =>
      gw.query(
        `query WorkerWages($id: String!) {
          humanResources { employmentRegistrations(first: 2, filter: { idNumber: { eq: $id } }) { nodes { registrationNo monthlyWage } } }
        }`,
        { token, purpose: 'social-assistance', variables: { id: idNumber }, headers: { 'x-request-id': 'req-log-1' } },
      ),
    );
    expect(line).toMatchObject({
      level: 30,
      msg: 'graphql request',
      requestId: 'req-log-1',
      department: '430000-MZ',
      purpose: 'social-assistance',
      operationName: 'WorkerWages',
      outcome: 'partial',
      codes: ['NOT_SHARED'],
    });
    expect(typeof line.durationMs).toBe('number');
    expect(line.durationMs as number).toBeGreaterThanOrEqual(0);
    expect(raw).not.toContain(idNumber);
    expect(raw).not.toContain(token);
    expect(raw).not.toContain(token.split('.')[2]!);
    expect(raw).not.toMatch(/JY[0-9]{12}/); // no record value
    expect(raw).not.toContain('monthlyWage'); // no document text, no error message
  });

  test('a full read is ok; a resource denied whole is denied with its code', async () => {
    const ok = await logged(() =>
      gw.query('query Firms { marketRegulation { enterpriseRegistrations(first: 1) { totalCount } } }', {
        dept: '430000-MZ',
        purpose: 'social-assistance',
      }),
    );
    expect(ok.line).toMatchObject({ operationName: 'Firms', outcome: 'ok', codes: [] });

    const denied = await logged(() =>
      gw.query(`{ publicSecurity { householdRegistration(idNumber: "${idNumber}") { fullName } } }`, {
        dept: '430000-MZ',
        purpose: 'social-assistance',
      }),
    );
    expect(denied.line).toMatchObject({ department: '430000-MZ', operationName: null, outcome: 'denied', codes: ['GRANT_REQUIRED'] });
    expect(denied.raw).not.toContain(idNumber); // an inline argument is document text, never logged
  });

  test('a forged token: one denied line with UNAUTHENTICATED and no token', async () => {
    const forged = (await gw.token('430000-MZ')).replace(/.{4}$/, 'AAAA');
    const { line, raw } = await logged(() => gw.query('{ me { department } }', { token: forged }));
    // Which check failed is for the operator (the client is told only that the token is invalid or expired).
    expect(line).toMatchObject({ outcome: 'denied', codes: ['UNAUTHENTICATED'], reason: 'bad-signature' });
    expect(raw).not.toContain(forged.split('.')[2]!);
    expect((await logged(() => gw.query('{ me { department } }', { token: 'not-a-token' }))).line).toMatchObject({ codes: ['UNAUTHENTICATED'], reason: 'malformed-header' });
  });
});

describe('outcome and level', () => {
  test('outcomes from data and error codes', () => {
    const err = (code: string) => ({ message: 'x', extensions: { code } });
    expect(outcomeOf({ a: { b: 1 } }, undefined)).toBe('ok');
    expect(outcomeOf({ a: { b: 1, c: null } }, [err('NOT_SHARED')])).toBe('partial');
    expect(outcomeOf({ a: { list: null } }, [err('GRANT_REQUIRED')])).toBe('denied');
    expect(outcomeOf(null, [err('BAD_USER_INPUT')])).toBe('error');
    expect(outcomeOf(null, [{ message: 'boom' }])).toBe('error');
  });

  test('GOVGRAPH_LOG_LEVEL sets the level; info by default, silent under vitest', () => {
    expect(logLevel({ GOVGRAPH_LOG_LEVEL: 'debug' })).toBe('debug');
    expect(logLevel({})).toBe('info');
    expect(logLevel({ VITEST: 'true' })).toBe('silent');
  });
});
