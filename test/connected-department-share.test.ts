// One department of a connected platform and that platform's bucket (SPEC §12, §13). A request a connected
// platform forwards takes a token from its department's bucket here (`CODE@REGION`, perDepartment), then
// from the platform's (perPlatform), which all its departments share. With perDepartment at or over
// perPlatform, one department there spent the whole of the platform's bucket and its other departments
// were refused for the window. A forwarded department now takes at most half of perPlatform, in requests
// and in rate (src/limits/rates.ts, forwardedDepartmentBucket). On Jinan (370100) and Zhangqiu (370114),
// two real gateway processes on loopback (test/fixtures/jinan-connected).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGovgraph } from './helpers/cli.ts';
import { eventually } from './helpers/eventually.ts';
import { askAs, jinanFixture, startJinanPair, stopJinanPair, type JinanPair } from './helpers/jinan-pair.ts';
import { DEFAULT_LIMITS } from '../src/model/platform.ts';
import { forwardedDepartmentBucket } from '../src/limits/rates.ts';

describe('the bucket of a forwarded department', () => {
  const per = (requests: number, perMs: number) => ({ requests, perMs });
  it('is perDepartment when it is at most half of perPlatform (the defaults: a tenth)', () => {
    expect(forwardedDepartmentBucket(DEFAULT_LIMITS.rate.perDepartment!, DEFAULT_LIMITS.rate.perPlatform!)).toBeUndefined();
    expect(forwardedDepartmentBucket(per(4, 600_000), per(8, 600_000))).toBeUndefined();
  });
  it('is half of perPlatform, in requests and rate, when perDepartment is more', () => {
    expect(forwardedDepartmentBucket(per(100, 600_000), per(8, 600_000))).toEqual(per(4, 600_000));
    expect(forwardedDepartmentBucket(per(1200, 60_000), per(1000, 60_000))).toEqual(per(500, 60_000));
    expect(forwardedDepartmentBucket(per(5, 600_000), per(8, 600_000))).toEqual(per(4, 600_000));
    // Requests under half, rate over it: 10 a second where the platform has 10 a second, 5 a second.
    expect(forwardedDepartmentBucket(per(10, 1_000), per(600, 60_000))).toEqual(per(10, 2_000));
    // Requests over half, rate under it: 100 a minute where the platform has 10 a second. Cut to 5
    // requests, it keeps its rate of 100 a minute (5 per 3 s); it was 5 per minute.
    expect(forwardedDepartmentBucket(per(100, 60_000), per(10, 1_000))).toEqual(per(5, 3_000));
    // A bucket of one request: its department's cannot be less than one, at half the rate.
    expect(forwardedDepartmentBucket(per(3, 60_000), per(1, 60_000))).toEqual(per(1, 120_000));
  });
});

describe('govgraph platform validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-department-share-validate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const zhangqiu = (limits: string) => {
    const file = join(dir, 'zhangqiu.yaml');
    writeFileSync(file, readFileSync(jinanFixture('zhangqiu.yaml'), 'utf8').replace('JINAN_URL', 'http://127.0.0.1:7140') + limits);
    return file;
  };

  it('notes the cap of a connected platform\'s department when perDepartment is over half of perPlatform', async () => {
    const file = zhangqiu('limits:\n  rate:\n    perDepartment: { requests: 100, per: 600s }\n    perPlatform: { requests: 8, per: 600s }\n');
    const run = await runGovgraph(['platform', 'validate', '--platform', file, '--data', join(dir, 'no-store')]);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')[1]).toBe(`${file}: note: limits.rate.perDepartment (100 requests per 600 s) is more than half of limits.rate.perPlatform (8 requests per 600 s): a department of a connected platform is served at most 4 requests per 600 s here, so that its other departments keep the rest`);
  });

  it('says only ok under the defaults', async () => {
    const file = zhangqiu('');
    const run = await runGovgraph(['platform', 'validate', '--platform', file, '--data', join(dir, 'no-store')]);
    expect({ code: run.code, lines: run.stdout.trim().split('\n').length }).toEqual({ code: 0, lines: 1 });
  });
});

describe("one department of Jinan on Zhangqiu, whose perDepartment (100) is over Jinan's perPlatform (8)", () => {
  let pair: JinanPair | undefined;
  beforeAll(async () => {
    pair = await startJinanPair('govgraph-department-share-', { zhangqiuLimits: 'limits:\n  rate:\n    perUser: off\n    perDepartment: { requests: 100, per: 600s }\n    perPlatform: { requests: 8, per: 600s }\n' });
  }, 180_000);
  afterAll(() => stopJinanPair(pair));

  const COUNT = '{ zhangqiu { zhangqiuDisabled { cardHolders { totalCount } } } }';
  const refusal = (res: { errors?: any[] }) => res.errors?.map((e) => [e.extensions?.code, e.extensions?.limit, e.extensions?.platform]);

  it('spends half of the bucket at most: Jinan\'s other departments keep the rest', async () => {
    const { jinan } = pair!;
    // Jinan's data bureau: 1 of the 8 (its namespace is there once this is answered).
    await eventually(async () => {
      const r = await askAs(jinan, '370100-SJJ', COUNT);
      expect(r.data?.zhangqiu?.zhangqiuDisabled?.cardHolders?.totalCount).toBe(2);
    }, 60_000);
    // The courts: 4 (half of 8), then refused by their own bucket, with the platform's 3 left.
    for (let i = 0; i < 4; i++) expect((await askAs(jinan, '370100-CL', COUNT)).errors, `request ${i + 1}`).toBeUndefined();
    const over = await askAs(jinan, '370100-CL', COUNT);
    expect(refusal(over)).toEqual([['RATE_LIMITED', 'perDepartment', '370114']]);
    expect(over.errors?.[0].message).toMatch(/Department 370100-CL@370100 has sent more than 4 requests per 600 s \(limits\.rate\.perDepartment, at most half of limits\.rate\.perPlatform for a connected platform's department\)/);
    // The civil affairs bureau reads with the 3 left, then meets the platform's bucket.
    for (let i = 0; i < 3; i++) expect((await askAs(jinan, '370100-MZJ', COUNT)).errors, `request ${i + 1}`).toBeUndefined();
    expect(refusal(await askAs(jinan, '370100-MZJ', COUNT))).toEqual([['RATE_LIMITED', 'perPlatform', '370114']]);
  });
});
