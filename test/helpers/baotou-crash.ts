// Baotou's platform (test/fixtures/baotou-crash), for what a gateway says at its start after a night's
// crash: a data import of insured workers killed midway, employers stored as a release before places did.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from '../../src/store/port.ts';

export const baotouFixture = (p: string): string => fileURLToPath(new URL(`../fixtures/baotou-crash/${p}`, import.meta.url));
export const BAOTOU_PLATFORM = baotouFixture('platform.yaml');
export const BAOTOU_CATALOGUE = baotouFixture('insurance.yaml');
export const WORKERS = { code: '150200-RSJ-00011', collection: 'r_150200_rsj_00011' };
export const EMPLOYERS = { code: '150200-RSJ-00012', collection: 'r_150200_rsj_00012' };

/** Writes a JSON Lines file of `n` insured workers (phones 1594720xxxx, a district, months paid in) at `path`. */
export function writeWorkers(path: string, n: number): void {
  const districts = ['Kundulun', 'Qingshan', 'Donghe', 'Jiuyuan'];
  writeFileSync(path, Array.from({ length: n }, (_, i) =>
    JSON.stringify({ phone: `15947${String(i).padStart(6, '0')}`, district: districts[i % 4], months: (i * 7) % 360 })).join('\n') + '\n');
}

/** Stores `n` employers straight through the store, without a place in a masked key's list (as a release before places did). */
export async function storeEmployersUnplaced(store: Store, n: number): Promise<void> {
  await store.insert(EMPLOYERS.collection, Array.from({ length: n }, (_, i) => ({ creditCode: `91150200MA${String(i).padStart(7, '0')}X`, workers: 10 + i })));
}

/** The gateway's `"event":"unfinished-work"` log lines in `output` (a process's stdout and stderr), parsed. */
export function unfinishedWorkLines(output: string): Record<string, unknown>[] {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'unfinished-work');
}

/** The value of govgraph_unfinished_resources{work=`kind`} at the gateway `url`. */
export async function unfinishedGauge(url: string, kind: string): Promise<string | undefined> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return new RegExp(`^govgraph_unfinished_resources\\{work="${kind}"\\} (\\d+)$`, 'm').exec(text)?.[1];
}
