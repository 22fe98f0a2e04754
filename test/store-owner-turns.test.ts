// The embedded store's turns by owner (src/store/sqlite/owner-turns.ts), shared by the operations waiting
// for a turn of the event loop (locks.ts) and the reads waiting for a reader thread (sqlite-readers.ts):
// one owner's work after another's, each owner's in the order it came, an owner gone from the turns once
// nothing of it waits; and an operation that fails lets the next one go.
import { expect, it } from 'vitest';
import { whenUnlocked } from '../src/store/sqlite/locks.ts';
import { OwnerTurns } from '../src/store/sqlite/owner-turns.ts';

const drain = (turns: OwnerTurns<string>) => {
  const out: string[] = [];
  for (let item = turns.next(); item !== undefined; item = turns.next()) out.push(item);
  return out;
};

it('serves one owner after another, each owner’s work in the order it came', () => {
  const turns = new OwnerTurns<string>();
  for (const [owner, item] of [['440300-GA', 'ga1'], ['440300-GA', 'ga2'], ['440300-GA', 'ga3'], ['510100-MZ', 'mz1'], ['', 'own1'], ['510100-MZ', 'mz2']]) turns.add(owner!, item!);
  expect([turns.size, turns.empty]).toEqual([6, false]);
  expect(drain(turns)).toEqual(['ga1', 'mz1', 'own1', 'ga2', 'mz2', 'ga3']);
  expect([turns.size, turns.empty, turns.next()]).toEqual([0, true, undefined]);
});

it('drops an owner from the turns once nothing of it waits: it comes back behind the others', () => {
  const turns = new OwnerTurns<string>();
  turns.add('A', 'a1');
  turns.add('B', 'b1');
  turns.add('B', 'b2');
  expect(turns.next()).toBe('a1'); // A has nothing left: out of the turns
  turns.add('C', 'c1');
  turns.add('A', 'a2'); // back, behind B and C
  expect(drain(turns)).toEqual(['b1', 'c1', 'a2', 'b2']);

  // Taken out (its request was cancelled): the owner's last one takes the owner out of the turns too.
  for (const [owner, item] of [['A', 'a1'], ['B', 'b1'], ['A', 'a2'], ['C', 'c1']]) turns.add(owner!, item!);
  expect([turns.remove('A', 'a1'), turns.remove('A', 'a1'), turns.remove('B', 'a2')]).toEqual([true, false, false]);
  expect(turns.remove('B', 'b1')).toBe(true);
  turns.add('B', 'b2'); // B had left: after A and C now
  expect(drain(turns)).toEqual(['a2', 'c1', 'b2']);

  for (const [owner, item] of [['A', 'a1'], ['B', 'b1'], ['A', 'a2']]) turns.add(owner!, item!);
  expect(turns.clear()).toEqual(['a1', 'a2', 'b1']);
  expect([turns.size, turns.empty, turns.next()]).toEqual([0, true, undefined]);
});

it('lets the next operation waiting for a turn go when one fails, in turn by owner', async () => {
  const ran: string[] = [];
  const operation = (name: string) => () => {
    ran.push(name);
    if (name === 'ga2') throw new Error('ga2 failed');
    return name;
  };
  // One operation holding the loop past the run's bound: the ones after it wait for turns.
  const held = whenUnlocked('hold', 1_000, () => {
    const start = performance.now();
    while (performance.now() - start < 20);
    return 'held';
  });
  const waiting = [['440300-GA', 'ga1'], ['440300-GA', 'ga2'], ['440300-GA', 'ga3'], ['510100-MZ', 'mz1'], ['510100-MZ', 'mz2']]
    .map(([owner, name]) => whenUnlocked(name!, 1_000, operation(name!), { owner }));
  expect(ran).toEqual([]); // all of them waiting
  const settled = await Promise.allSettled([held, ...waiting]);
  expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual(['held', 'ga1', 'ga2 failed', 'ga3', 'mz1', 'mz2']);
  expect(ran).toEqual(['ga1', 'mz1', 'ga2', 'mz2', 'ga3']);
});
