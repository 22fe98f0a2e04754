// Jinan (370100) and Zhangqiu (370114), a county of it, as two real gateway processes on loopback
// (test/fixtures/jinan-connected), each with its own store holding its catalogue and records: Jinan's
// departments read Zhangqiu's under `zhangqiu`. Set up as test/helpers/yunnan-pair.ts sets up its pair.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { signToken } from '../../src/identity/token.ts';
import type { Role } from '../../src/identity/roles.ts';
import { jsonLines, prepareSide, startSide, stopSides, twoSides, type Side } from './yunnan-pair.ts';

export const jinanFixture = (name: string) => join(fileURLToPath(new URL('..', import.meta.url)), 'fixtures/jinan-connected', name);

export interface JinanPair { work: string; jinan: Side; zhangqiu: Side }

/**
 * Both served; `zhangqiuLimits`, when given, is appended to Zhangqiu's platform file (a `limits:` block),
 * `jinanLimits` to Jinan's.
 */
export async function startJinanPair(prefix: string, options: { zhangqiuLimits?: string; jinanLimits?: string } = {}): Promise<JinanPair> {
  const { work, sides: [jinan, zhangqiu] } = await twoSides(prefix, ['jinan', 'zhangqiu']);
  writeFileSync(jinan.file, readFileSync(jinanFixture('jinan.yaml'), 'utf8').replace('ZHANGQIU_URL', zhangqiu.url) + (options.jinanLimits ?? ''));
  writeFileSync(zhangqiu.file, readFileSync(jinanFixture('zhangqiu.yaml'), 'utf8').replace('JINAN_URL', jinan.url) + (options.zhangqiuLimits ?? ''));
  await prepareSide(jinan, jinanFixture('jinan-catalogue.yaml'), [jsonLines(jinanFixture('allowance-members.jsonl'))]);
  await prepareSide(zhangqiu, jinanFixture('zhangqiu-catalogue.yaml'), [jsonLines(jinanFixture('card-holders.jsonl'))]);
  await Promise.all([startSide(jinan), startSide(zhangqiu)]);
  return { work, jinan, zhangqiu };
}

export async function stopJinanPair(pair: JinanPair | undefined): Promise<void> {
  if (pair) await stopSides(pair.work, [pair.zhangqiu, pair.jinan]);
}

/** A GraphQL request to `s` as a user of `dept`, with its variables, purpose disability-subsidy. */
export async function askAs(s: Side, dept: string, query: string, variables?: Record<string, unknown>, roles: Role[] = [], user = `user-of-${dept}`) {
  const token = await signToken(new TextEncoder().encode(s.secret), { dept, user, roles, ttl: '1h' });
  const res = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-purpose': 'disability-subsidy' },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as { data?: any; errors?: any[] }) };
}
