// A listed connected platform that answers a namespace read with more values than any response of this
// gateway may hold (SPEC §13's maxCost, field values): a well-formed answer of up to MAX_ANSWER_BYTES
// (64 MiB) was parsed and merged whole, 1M small values (8 MB) holding the event loop about 2.1 s, for
// every request of the province. Now its values are counted over its bytes before it is parsed
// (src/federation/answer-values.ts): more than 2 × maxCost + 1 under `data`, or more than the fixed
// allowance outside it (errors, extensions), and the namespace is PLATFORM_UNAVAILABLE at once, with a
// warning naming the platform and the figures; the rest of the request answers. An honest answer at
// maxCost passes. This platform's maxCost is set small (60) so that the answers are small too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerValueBounds } from '../src/federation/answer-values.ts';
import type { TestGateway } from './helpers/gateway.ts';
import { levelsCityEntry, startLevelsProvince, startStandInCity } from './helpers/stand-in-province.ts';

const MAX_COST = 60;
const BOUNDS = answerValueBounds(MAX_COST);
const SDL = 'type Query { housing(first: Int = 20): [Housing!]! } type Housing { permits: Int }';

/** What the stand-in city answers to the namespace read: the body's text, given the root field's alias. */
let answer: (alias: string) => string;

let work: string;
let city: { url: string; close(): void };
let gw: TestGateway;
const logLines: Record<string, unknown>[] = [];
const logger = pino({ level: 'info' }, new Writable({ write(chunk, _enc, done) { logLines.push(JSON.parse(String(chunk))); done(); } }));

beforeAll(async () => {
  city = await startStandInCity(SDL, (query) => ({ raw: answer(/^ {2}(\w+): /m.exec(query)![1]) }));
  work = mkdtempSync(join(tmpdir(), 'govgraph-connected-values-'));
  ({ gw } = await startLevelsProvince(work, [levelsCityEntry(city.url)], { connectedPollMs: 0, logger }, { maxCost: MAX_COST }));
}, 60_000);

afterAll(async () => {
  await gw?.close();
  city.close();
  rmSync(work, { recursive: true, force: true });
});

/** An answer of `n` records under `data` (as a govgraph gateway gives it: the root's __typename, records without theirs), and `extra` besides. */
const records = (n: number, extra = '') => (alias: string) =>
  `{"data":{"__typename":"Query","${alias}":[${Array.from({ length: n }, (_, i) => `{"permits":${i}}`).join(',')}]}${extra}}`;

/** JSON values under `data`, as answer-values.ts counts them. */
function dataValues(text: string): number {
  const walk = (v: unknown): number => 1 + (v && typeof v === 'object' ? Object.values(v).reduce((n: number, c) => n + walk(c), 0) : 0);
  return walk((JSON.parse(text) as { data: unknown }).data);
}

const REFUSED = `The connected platform Test City Sharing Platform (610100) is unavailable: it answered with more than ${BOUNDS.data} JSON values in its data`;
const esc = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const ask = (first: number, own = '') => gw.query(`{ city { housing(first: ${first}) { permits } }${own} }`, { dept: '610000-MZ', purpose: 'land-survey' });

describe('a connected platform\'s answer holding more values than a response may (SPEC §13 maxCost)', () => {
  it('an honest answer at maxCost passes, and one at the bound', async () => {
    // city 1 + housing 1 + 58 records × permits 1: the request's cost is maxCost.
    answer = records(58);
    expect(dataValues(records(58)('a'))).toBeLessThanOrEqual(BOUNDS.data);
    const res = await ask(58);
    expect(res.errors).toBeUndefined();
    expect(res.data!.city.housing).toHaveLength(58);
    // More records than asked (graphql-tools takes them), exactly the bound's values.
    answer = records(59);
    expect(dataValues(records(59)('a'))).toBe(BOUNDS.data);
    expect((await ask(58)).data!.city.housing).toHaveLength(59);
  });

  it('one record more than the bound: PLATFORM_UNAVAILABLE for the namespace, the platform\'s own fields answer, a warning with the figures', async () => {
    answer = records(60);
    const res = await ask(10, ' me { department }');
    expect(res.data).toEqual({ city: null, me: { department: '610000-MZ' } });
    expect(res.errors).toEqual([expect.objectContaining({
      message: expect.stringMatching(new RegExp(`^${esc(REFUSED)} \\(\\d+ bytes\\), more than a response of this gateway may hold under its limits\\.maxCost of ${MAX_COST} field values; the answer was not used\\.$`)),
      path: ['city'],
      extensions: { code: 'PLATFORM_UNAVAILABLE', platform: '610100' },
    })]);
    const line = logLines.filter((l) => l.msg === 'connected platform answer refused').at(-1);
    expect(line).toMatchObject({ level: 40, platform: '610100', namespace: 'city' });
    expect(String(line!.reason)).toBe(res.errors![0].message);
  });

  it('a million values (8 MB): refused at once, without parsing them', async () => {
    const text = records(1_000_000)('ALIAS');
    answer = (alias) => text.replace('ALIAS', alias);
    // Not parsed: no JSON.parse of a text the size of the answer (it held the event loop 2.1 s), counted
    // rather than timed, so that a loaded machine cannot fail it. The gateway runs in this process.
    const parsed: number[] = [];
    const parse = JSON.parse;
    const spy = vi.spyOn(JSON, 'parse').mockImplementation(function (this: unknown, ...args: Parameters<typeof JSON.parse>) {
      parsed.push(String(args[0]).length);
      return parse.apply(this, args);
    });
    let res: Awaited<ReturnType<typeof ask>>;
    try {
      res = await ask(10, ' me { department }');
    } finally {
      spy.mockRestore();
    }
    expect(parsed.length, 'the spy saw the request\'s own parses').toBeGreaterThan(0);
    expect(parsed.filter((length) => length >= text.length / 2), 'the answer was parsed').toEqual([]);
    expect(res.data).toEqual({ city: null, me: { department: '610000-MZ' } });
    expect(res.errors?.[0].message).toMatch(REFUSED);
  });

  it('values outside the data (a million and one empty objects in extensions): refused as well', async () => {
    const extensions = `,"extensions":[${'{},'.repeat(BOUNDS.other)}{}]`;
    answer = records(1, extensions);
    const res = await ask(10, ' me { department }');
    expect(res.data).toEqual({ city: null, me: { department: '610000-MZ' } });
    expect(res.errors).toEqual([expect.objectContaining({
      message: expect.stringMatching(/^The connected platform Test City Sharing Platform \(610100\) is unavailable: it answered with more than 1000000 JSON values outside its data \(errors, extensions; \d+ bytes\), more than this gateway takes besides the data; the answer was not used\.$/),
      extensions: { code: 'PLATFORM_UNAVAILABLE', platform: '610100' },
    })]);
  });
});
