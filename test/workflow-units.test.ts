// The workflow's pure parts with fixed dates and data: deadlines, submission warnings, and the
// generated resolver types kept in step with the schema.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '@graphql-codegen/cli';
import config from '../codegen.ts';
import type { Grant } from '../src/access/grant-model.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import type { CatalogueVersion } from '../src/catalogue/repository.ts';
import { DEMO_PLATFORM_FILE } from '../src/demo/paths.ts';
import { decisionDeadline, revisionState } from '../src/workflow/deadlines.ts';
import { brokenGrants, repeatedCollection } from '../src/workflow/warnings.ts';
import { MAX_CATALOGUE_RESOURCES } from '../src/catalogue/limits.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { bigPlatformCatalogues } from './helpers/big-platform.ts';
import { PLATFORM_ROOT_RULES } from '../src/rules/platform-rules.ts';
import { parse, Kind } from 'graphql';
import { PLATFORM_SDL_FILE } from '../src/model/platform-sdl.ts';
import { demoCatalogue } from './helpers/workflow.ts';

const platform = loadPlatform(DEMO_PLATFORM_FILE);
const at = (iso: string) => new Date(iso);

describe('deadlines on the platform calendar', () => {
  it('a decision is due 10 working days after the request, skipping weekends and holidays', () => {
    // Requested Monday 2026-09-21 (Changsha); 09-25 and 10-01..07 are holidays or weekends.
    expect(decisionDeadline(platform, '2026-09-21T02:00:00Z', true, null, at('2026-10-13T15:59:59Z'))).toEqual({ dueDate: '2026-10-13', overdue: false, late: false });
    expect(decisionDeadline(platform, '2026-09-21T02:00:00Z', true, null, at('2026-10-13T16:00:00Z'))).toEqual({ dueDate: '2026-10-13', overdue: true, late: false });
    // A decided request is never overdue; late on a Sunday evening UTC is Monday in Changsha.
    expect(decisionDeadline(platform, '2026-09-21T02:00:00Z', false, '2026-10-01T02:00:00Z', at('2027-01-01T00:00:00Z')).overdue).toBe(false);
    expect(decisionDeadline(platform, '2026-11-22T17:00:00Z', true, null, at('2026-11-23T00:00:00Z')).dueDate).toBe('2026-12-07');
  });

  it('a revision is due 15 working days after `since`, and met by publishing a version carrying it', () => {
    const doc = demoCatalogue('public-security.yaml'); // revision since 2026-11-16
    const v = (version: number, status: CatalogueVersion['status'], publishedAt: string | null): CatalogueVersion => ({
      id: doc.id, version, status, catalogue: doc, submittedBy: 'u', submittedAt: '2026-11-16T00:00:00Z',
      reviewedBy: null, reviewComment: null, reviewedAt: null, publishedAt,
    });
    expect(revisionState(platform, [v(2, 'submitted', null)], at('2026-12-07T12:00:00Z'))).toMatchObject({ dueDate: '2026-12-07', overdue: false, publishedAt: null });
    expect(revisionState(platform, [v(2, 'submitted', null)], at('2026-12-08T12:00:00Z'))).toMatchObject({ overdue: true });
    expect(revisionState(platform, [v(2, 'published', '2026-12-09T01:00:00Z')], at('2026-12-10T00:00:00Z'))).toMatchObject({ overdue: false, publishedAt: '2026-12-09T01:00:00Z' });
  });
});

describe('submission warnings', () => {
  it('lists the active grants a version would break', () => {
    const current = demoCatalogue('population.yaml');
    const next = demoCatalogue('population.yaml');
    next.resources[0].items = next.resources[0].items.filter((i) => i.name !== 'phone');
    next.resources[0].share.scope!.purposes = ['administrative-licensing', 'social-assistance', 'public-credit'];
    const grant: Grant = {
      id: 'g1', requester: '430000-RST', resource: '430000-GA-00001', items: ['idNumber', 'phone'], purposes: ['employment-services'],
      unmasked: [], from: '2026-01-01T00:00:00Z', until: null, revokedAt: null, revokedBy: null, createdAt: '2026-01-01T00:00:00Z', createdBy: 'a', requestId: null,
    };
    const warnings = brokenGrants(platform, current, next, [grant], at('2026-06-01T00:00:00Z'));
    expect(warnings.map((w) => [w.kind, w.path, w.kind === 'BREAKS_GRANT' ? [w.item, w.grants] : null])).toEqual([
      ['BREAKS_GRANT', 'resources[0].items[0]', ['idNumber', ['g1']]],
      ['BREAKS_GRANT', 'resources[0]', ['phone', ['g1']]],
    ]);
    expect(warnings[0].message).toMatch(/PURPOSE_OUT_OF_SCOPE/);
    expect(brokenGrants(platform, current, current, [grant], at('2026-06-01T00:00:00Z'))).toEqual([]);
  });
});

describe('the platform schema', () => {
  it('has a role rule for every root field', () => {
    const sdl = parse(readFileSync(PLATFORM_SDL_FILE, 'utf8'));
    const fields = (name: string) => sdl.definitions.flatMap((d) =>
      (d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION) && d.name.value === name ? (d.fields ?? []).map((f) => f.name.value) : []);
    expect(Object.keys(PLATFORM_ROOT_RULES.Query).sort()).toEqual(fields('Query').sort());
    expect(Object.keys(PLATFORM_ROOT_RULES.Mutation).sort()).toEqual(fields('Mutation').sort());
  });

  it('keeps resolvers/platform/types.generated.ts in step with it (npm run codegen)', async () => {
    const target = 'resolvers/platform/types.generated.ts';
    const [out] = await generate({ ...config, generates: { [target]: config.generates[target] }, silent: true }, false);
    expect(out.filename).toBe(target);
    expect(readFileSync(target, 'utf8')).toBe(out.content);
  }, 60_000);
});

describe('markPublished', () => {
  it('publishes once, supersedes older versions only, and the newest published version is in effect', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openSqliteStore } = await import('../src/store/sqlite.ts');
    const repo = await import('../src/catalogue/repository.ts');
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-publish-'));
    const store = await openSqliteStore(dir);
    try {
      await repo.ensureCatalogueIndexes(store);
      const cat = { id: 'HN-X', kind: 'departmental', title: 't', compiler: '430000-MZ', resources: [] } as never;
      for (let i = 0; i < 3; i++) await repo.addVersion(store, cat, 'op', 'approved');
      expect(await repo.markPublished(store, 'HN-X', 1)).toBe(true);
      expect(await repo.markPublished(store, 'HN-X', 1)).toBe(false); // already published: the claim fails
      // Two publishes at once: the newer is in effect, the older loses (given back to approved, or
      // superseded by the newer when that came first): never published beside it.
      expect(await Promise.all([repo.markPublished(store, 'HN-X', 3), repo.markPublished(store, 'HN-X', 2)])).toEqual([true, false]);
      expect((await repo.publishedVersions(store)).map((v) => v.version)).toEqual([3]);
      expect(['approved', 'superseded']).toContain((await repo.listVersions(store, 'HN-X')).find((v) => v.version === 2)!.status);
      expect((await repo.listVersions(store, 'HN-X')).find((v) => v.version === 1)!.status).toBe('superseded');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('catalogueVersions (one reader per action)', () => {
  it('reads and parses each version once, and reads again a version whose status changed', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { openSqliteStore } = await import('../src/store/sqlite.ts');
    const repo = await import('../src/catalogue/repository.ts');
    const dir = mkdtempSync(join(tmpdir(), 'govgraph-versions-'));
    const store = await openSqliteStore(dir);
    try {
      await repo.ensureCatalogueIndexes(store);
      const cat = (title: string) => ({ id: 'HN-X', kind: 'departmental', title, compiler: '430000-MZ', resources: [] }) as never;
      await repo.addVersion(store, cat('one'), 'op', 'approved');
      await repo.addVersion(store, cat('two'), 'op', 'approved');
      expect(await repo.markPublished(store, 'HN-X', 1, new Date('2026-01-05T00:00:00Z'))).toBe(true);
      const versions = repo.catalogueVersions(store);
      const [v1, v2] = await versions.list('HN-X');
      expect([v1.status, v1.catalogue.title, v2.status, v2.catalogue.title]).toEqual(['published', 'one', 'approved', 'two']);
      // Asked again, unchanged: the very versions read before (no document read or parsed again).
      expect(await versions.published()).toEqual([v1]);
      expect((await versions.published())[0]).toBe(v1);
      expect((await versions.everPublished())[0]).toBe(v1);
      expect(await versions.get('HN-X', 2)).toBe(v2);
      // Changed meanwhile (here by another reader's action): read again, never the status read before.
      expect(await repo.markPublished(store, 'HN-X', 2, new Date('2026-01-06T00:00:00Z'))).toBe(true);
      const [again1, again2] = await versions.list('HN-X');
      expect([again1.status, again2.status, again2.publishedAt]).toEqual(['superseded', 'published', '2026-01-06T00:00:00.000Z']);
      expect((await versions.published()).map((v) => v.version)).toEqual([2]);
      expect((await versions.everPublished()).map((v) => `${v.version} ${v.status}`)).toEqual(['1 superseded', '2 published']);
      expect(await versions.get('HN-X', 3)).toBeNull();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('repeated collection warnings at the bounds', () => {
  it('name the first resource of another provider holding the element, however many of the same provider come first', () => {
    const base = bigPlatformCatalogues(MAX_CATALOGUE_RESOURCES * 3, { prefix: 'HN-R' });
    const withElement = (c: Catalogue) => ({ ...c, resources: c.resources.map((r) => ({ ...r, items: r.items.map((i, k) => (k === 1 ? { ...i, element: 'DE-1' } : i)) })) });
    const published = base.map(withElement);
    // 1,000 holders of DE-1 by the submitter's own department, then one of another provider.
    published[2].resources[7] = { ...published[2].resources[7], provider: '430000-GA' };
    const [submitted] = bigPlatformCatalogues(1, { prefix: 'HN-S' }).map(withElement);
    const warnings = repeatedCollection(submitted, published);
    expect(warnings.map((w) => [w.path, 'useInstead' in w && w.useInstead?.resource])).toEqual([['resources[0].items[1]', published[2].resources[7].code]]);
  });
});
