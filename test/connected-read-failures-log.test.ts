// A namespace read that fails, in the connecting gateway's log. The schema poll logged what the schema ask
// met, and the reads' failures went nowhere: a connected platform whose schema answered while every read
// timed out, redirected or was refused looked well in the log and /healthz. And an error of its answer
// without one of govgraph's error codes was logged as this gateway's own "unexpected error" (`GraphQLError`, no
// platform named), at level error, once a minute. Now each kind of read failure is a warning naming the
// platform and the reason, at most once a minute per platform and kind; the caller's answer is as before.
// The log names the platform's code, never its message: a refusal of a department's document may quote a
// literal it sent (a filter value), an error at a field's path the record's value.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestGateway } from './helpers/gateway.ts';
import { rootAliases, startProvinceOfStandInCity } from './helpers/stand-in-province.ts';

const SDL = 'type Query { housing: Housing } type Housing { permits: Int }';

/** What the stand-in city does with a namespace read now. */
let mode: 'codeless' | 'hang' | 'redirect' | 'refuse' | 'quote' = 'codeless';
/** A value the log must never hold: a filter's literal the city's refusal quotes, a record's value its error quotes. */
const VALUE = '64010419900101123X';

const logLines: Record<string, unknown>[] = [];
const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk))); done(); } }));
const unexpected: unknown[] = [];

let stand: Awaited<ReturnType<typeof startProvinceOfStandInCity>>;
let url: string;
let gw: TestGateway;

beforeAll(async () => {
  stand = await startProvinceOfStandInCity(SDL, (query) => {
    const [alias] = rootAliases(query, 'housing');
    if (mode === 'hang') return undefined;
    if (mode === 'redirect') return { status: 307, body: {}, headers: { location: 'http://10.9.9.9:4000/graphql' } };
    if (mode === 'refuse') return { status: 503, body: { errors: [{ message: 'Down for maintenance.' }] } };
    if (mode === 'quote') return { status: 400, body: { errors: [{ message: `Int cannot represent non-integer value: "${VALUE}"`, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] } };
    return { body: { data: { __typename: 'Query', [alias]: null }, errors: [{ message: `Their own words: ${VALUE}.`, path: [alias], extensions: { code: 'THEIR_OWN_CODE' } }] } };
  }, { connectedPollMs: 0, logger, log: (err) => unexpected.push(err) },
    (at) => `  - { region: "610100", name: Test City Sharing Platform, url: "${at}", namespace: city, timeoutMs: 300 }`);
  ({ gw, url } = stand);
}, 60_000);

afterAll(() => stand?.close());

const read = () => gw.query('{ city { housing { permits } } me { department } }', { dept: '610000-MZ', purpose: 'land-survey' });
const failures = () => logLines.filter((l) => l.msg === 'connected platform request failed');

describe('a connected platform\'s failed namespace read in the log', () => {
  it('an error without a known code: "Internal server error." for the caller, a warning naming the platform, not this gateway\'s unexpected error', async () => {
    mode = 'codeless';
    const res = await read();
    expect(res.data).toEqual({ city: { housing: null }, me: { department: '610000-MZ' } });
    expect(res.errors).toEqual([expect.objectContaining({ message: 'Internal server error.', path: ['city', 'housing'], extensions: { code: 'INTERNAL_SERVER_ERROR' } })]);
    await read();
    expect(unexpected).toEqual([]);
    expect(failures()).toEqual([expect.objectContaining({
      level: 40, event: 'connected-platform', platform: '610100', namespace: 'city',
      reason: `${url} answered an error without one of govgraph's error codes (src/model/error-codes.ts lists them) (THEIR_OWN_CODE); callers get "Internal server error." for it`,
    })]);
  });

  it('no answer in time, a redirect, a refusal: each kind once a minute, naming the reason and, for a redirect, where it points', async () => {
    const before = failures().length;
    for (const m of ['hang', 'hang', 'redirect', 'redirect', 'refuse', 'refuse', 'quote'] as const) {
      mode = m;
      const res = await read();
      expect(res.data).toEqual({ city: null, me: { department: '610000-MZ' } });
      expect(res.errors![0].extensions).toEqual({ code: 'PLATFORM_UNAVAILABLE', platform: '610100' });
      // The caller is told the platform's message: it is the caller's own request.
      if (m === 'quote') expect(res.errors![0].message).toContain(VALUE);
    }
    expect(failures().slice(before).map((l) => l.reason)).toEqual([
      'The connected platform Test City Sharing Platform (610100) is unavailable: no answer within 300 ms.',
      `The connected platform Test City Sharing Platform (610100) is unavailable: ${url} answered with a redirect (HTTP 307) to http://10.9.9.9:4000/graphql, which this gateway does not follow: list the url the platform answers at.`,
      "The connected platform Test City Sharing Platform (610100) is unavailable: it refused the request (HTTP 503, code none); its message went to the caller only (it may repeat the request's values)",
      "The connected platform Test City Sharing Platform (610100) is unavailable: it refused the request (HTTP 400, code GRAPHQL_VALIDATION_FAILED); its message went to the caller only (it may repeat the request's values)",
    ]);
    expect(unexpected).toEqual([]);
    expect(JSON.stringify(logLines)).not.toContain(VALUE);
  });
});
