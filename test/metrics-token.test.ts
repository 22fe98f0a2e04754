// /metrics behind the operator's token (GOVGRAPH_METRICS_TOKEN). /metrics holds every operation name a
// department sent and the denials of each resource as they happen, which the audit log shows a department
// of its own requests only; it is served on the port departments call. Found (h193, side channels): a
// department that reached the gateway's port without the reverse proxy (`--host 0.0.0.0` behind a
// balancer passing every path) read another department's denials on the tax bureau's resource and its
// operation names, with no token at all. With the token set, a scrape must send it; unset, /metrics is open
// as before. On a Guangdong platform of its own (test/fixtures/zhuhai-leaks).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { cliEnv, runGovgraph } from './helpers/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/zhuhai-leaks/${name}`, import.meta.url));
const TOKEN = 'x6mR4yT0p9QeZ2cW8vLk1nB5sD3fG7hJ';
const SHENZHEN = '440300-MZJ';
const TAX_DEBTORS = '440000-SWJ-00032';
const DENIAL = `govgraph_denials_total{code="GRANT_REQUIRED",resource="${TAX_DEBTORS}"} 1`;

const scrape = (gw: TestGateway, authorization?: string) =>
  fetch(`${gw.gateway.url}/metrics`, { headers: authorization ? { authorization } : {} });

/** A gateway whose Shenzhen bureau was refused the tax bureau's debtors once, in an operation it named. */
async function refusedOnce(metricsToken: string | null): Promise<TestGateway> {
  const gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('catalogue.yaml')], gateway: { metricsToken } });
  const r = await gw.query('query DebtorsOfTheHousingApplicants { zhTax { taxDebtors { totalCount } } }', { dept: SHENZHEN, purpose: 'housing-aid' });
  expect(r.errors?.map((e) => e.extensions?.code)).toEqual(['GRANT_REQUIRED']);
  return gw;
}

describe('with GOVGRAPH_METRICS_TOKEN set', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await refusedOnce(TOKEN);
  }, 60_000);
  afterAll(() => gw?.close());

  it('refuses a scrape without the token, with a department\'s token or another one, saying nothing of the figures', async () => {
    const departmentJwt = `Bearer ${await gw.token(SHENZHEN)}`;
    for (const authorization of [undefined, departmentJwt, `Bearer ${TOKEN.slice(1)}`, `Bearer ${TOKEN}x`, `Basic ${TOKEN}`, `Bearer ${TOKEN} extra`]) {
      const res = await scrape(gw, authorization);
      const body = await res.text();
      expect(res.status, String(authorization)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect(body).not.toContain(TAX_DEBTORS);
      expect(body).not.toContain('DebtorsOfTheHousingApplicants');
      expect(JSON.parse(body).error).toContain('GOVGRAPH_METRICS_TOKEN');
    }
    // Two Authorization headers, one of them the token: refused, as /graphql refuses two.
    const two = await fetch(`${gw.gateway.url}/metrics`, { headers: [['authorization', `Bearer ${TOKEN}`], ['authorization', 'Bearer other']] });
    expect(two.status).toBe(401);
  });

  it('answers the operator\'s scrape with the token', async () => {
    const res = await scrape(gw, `Bearer ${TOKEN}`);
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain(DENIAL);
    expect(body).toContain('operation="DebtorsOfTheHousingApplicants"');
    // The other routes stay as they were: /healthz and /readyz need no token.
    expect((await fetch(`${gw.gateway.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gw.gateway.url}/readyz`)).status).toBe(200);
  });
});

it('leaves /metrics open without a token (the reverse proxy keeps it from departments)', async () => {
  const gw = await refusedOnce(null);
  try {
    const res = await scrape(gw);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(DENIAL);
  } finally {
    await gw.close();
  }
}, 60_000);

describe('serve', () => {
  let work: string;
  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'govgraph-metrics-token-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('refuses a short token or one with white space at its ends, never showing it, before any store is made', async () => {
    const serve = (token: string) => runGovgraph(['serve', '--port', '0', '--platform', fixture('platform.yaml'), '--data', join(work, 'data')], { env: cliEnv({ GOVGRAPH_METRICS_TOKEN: token }) });
    const short = await serve('s3cr3t-metrics');
    expect(short).toEqual({ code: 1, stdout: '', stderr: 'govgraph: GOVGRAPH_METRICS_TOKEN: 14 characters, fewer than 16; make one with `openssl rand -base64 32`\n' });
    const spaced = await serve(`${TOKEN}\n`);
    expect(spaced.code).toBe(1);
    expect(spaced.stderr).toMatch(/^govgraph: GOVGRAPH_METRICS_TOKEN: begins or ends with white space/);
    expect(spaced.stderr + short.stderr).not.toContain(TOKEN);
    expect(spaced.stderr + short.stderr).not.toContain('s3cr3t');
    expect(existsSync(join(work, 'data'))).toBe(false);
  });

  // Found (h200): `GOVGRAPH_METRICS_TOKEN=$UNSET_SECRET` counted as unset, as an empty setting does, and
  // /metrics was served open with nothing said, to an operator who had set the variable to close it.
  it('refuses a token set but empty or blank, saying how to leave /metrics open, before any store is made', async () => {
    const serve = (token: string) => runGovgraph(['serve', '--port', '0', '--platform', fixture('platform.yaml'), '--data', join(work, 'data')], { env: cliEnv({ GOVGRAPH_METRICS_TOKEN: token }) });
    for (const token of ['', ' ', '\n']) {
      expect(await serve(token), JSON.stringify(token)).toEqual({
        code: 1,
        stdout: '',
        stderr:
          'govgraph: GOVGRAPH_METRICS_TOKEN: is set but empty; a variable set from one that is not (GOVGRAPH_METRICS_TOKEN=$SECRET) would take its default, which admits more. ' +
          'Give it its value, or unset it (unset GOVGRAPH_METRICS_TOKEN) to leave /metrics open (for the internal network only)\n',
      });
    }
    expect(existsSync(join(work, 'data'))).toBe(false);
  }, 60_000);

  // Found in review (e718948..140eea9): serve started with these, and no Authorization header can carry
  // them as the gateway compares them (`Bearer +(\S+)`; a header's bytes read as Latin-1): every scrape,
  // the operator's included, was answered 401.
  it('refuses a token no scrape can send: white space inside it, or a character other than printable ASCII', async () => {
    const serve = (token: string) => runGovgraph(['serve', '--port', '0', '--platform', fixture('platform.yaml'), '--data', join(work, 'data')], { env: cliEnv({ GOVGRAPH_METRICS_TOKEN: token }), timeout: 30_000 });
    for (const token of ['correct horse battery staple', `${TOKEN.slice(0, 16)}\t${TOKEN.slice(16)}`, `${TOKEN}密钥`]) {
      const refused = await serve(token);
      expect(refused, JSON.stringify(token)).toEqual({
        code: 1,
        stdout: '',
        stderr: 'govgraph: GOVGRAPH_METRICS_TOKEN: holds white space or a character other than printable ASCII, which no Authorization header sends as it is; make one with `openssl rand -base64 32`\n',
      });
    }
    expect(existsSync(join(work, 'data'))).toBe(false);
  }, 120_000);
});
