// Breaking-change warnings (SPEC §14) name what a version "shares more tightly". An item shared with
// nobody (`share.type: none`) is read by its provider alone, whom no share binds (SPEC §6, row 0): a
// version that narrows its resource's methods, levels or rows, or masks it, takes nothing from anyone,
// and a warning that it is "shared more tightly", read by the departments its reads were denied to,
// sent the provider to notify departments that never read it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Catalogue } from '../src/model/catalogue.ts';
import { breakingChanges } from '../src/workflow/warnings.ts';

const current = parse(readFileSync(new URL('./fixtures/tibet-herding/herding.yaml', import.meta.url), 'utf8')) as Catalogue;
const CODE = '540000-NMT-00001';
// The Lhasa civil affairs bureau's reads selected every item; `note` was denied to it (NOT_SHARED).
const readers = new Map([[CODE, new Map(['subsidyNo', 'division', 'idNumber', 'yaks', 'note'].map((i) => [i, new Set(['540100-MZJ'])]))]]);

function narrowed(): Catalogue {
  const next = structuredClone(current);
  const r = next.resources[0];
  r.share = { ...r.share, methods: ['api'], scope: { purposes: ['pasture-subsidy'], levels: ['province'], rows: { item: 'division' } } };
  r.items = r.items.map((i) => (i.name === 'note' ? { ...i, sensitivity: 'personal' as const, mask: 'full' as const } : i));
  return next;
}

const tightened = (next: Catalogue) => breakingChanges(current, next, readers)
  .flatMap((w) => (w.kind === 'BREAKING_CHANGE' && w.change === 'tightened' ? [[w.item, w.usedBy]] : []));

describe('a version narrowing a resource that holds an item shared with nobody', () => {
  it('warns of the items departments read, and not of the item none of them could', () => {
    expect(tightened(narrowed())).toEqual([
      ['subsidyNo', ['540100-MZJ']],
      ['division', ['540100-MZJ']],
      ['idNumber', ['540100-MZJ']],
      ['yaks', ['540100-MZJ']],
    ]);
  });

  it('still warns when the item shared with nobody is removed, renamed or retyped: its provider reads it', () => {
    const next = narrowed();
    next.resources[0].items = next.resources[0].items.filter((i) => i.name !== 'note');
    expect(breakingChanges(current, next, readers).filter((w) => w.kind === 'BREAKING_CHANGE' && w.item === 'note')
      .map((w) => w.kind === 'BREAKING_CHANGE' && w.change)).toEqual(['removed']);
  });

  it('warns when an item shared before becomes shared with nobody', () => {
    const next = structuredClone(current);
    next.resources[0].items = next.resources[0].items.map((i) => (i.name === 'yaks' ? { ...i, share: { type: 'none' as const, basis: 'Census law' } } : i));
    expect(breakingChanges(current, next, readers).flatMap((w) => (w.kind === 'BREAKING_CHANGE' ? [w.message] : [])))
      .toEqual([`Item yaks of ${CODE} is shared more tightly: shared none instead of unconditional; read in the last 90 days by 540100-MZJ`]);
  });
});
