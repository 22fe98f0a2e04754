// A catalogue version stored by an older release with a revision whose due date, 15 working days after
// `since`, falls after 9999-12-31 (validation refuses such a since now: test/revision-far-dates). Every
// list of catalogues computed that due date and failed for every department: `catalogues` and
// `catalogue(id)` answered INTERNAL_SERVER_ERROR, `govgraph catalogue list` a stack trace. The listings
// now serve the rest, that revision with no due date (never overdue), and the log names the catalogue.
// Nanjing (320100), test/fixtures/nanjing-dates.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVersion, CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import type { Catalogue } from '../src/model/catalogue.ts';
import { and, eq, type Store } from '../src/store/port.ts';
import { runGovgraph, storeOfCase, withSqliteStore } from './helpers/cli.ts';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { lineSink } from './helpers/log-sink.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/nanjing-dates/${p}`, import.meta.url));
const CIVIL = '320100-MZJ';
const WATER = '320100-SWJ';

/**
 * The water bureau's catalogue as an older release stored and published it (so every department lists
 * it): its revision since the calendar's last day.
 */
async function storeLateRevision(store: Store): Promise<void> {
  const water = parse(readFileSync(fixture('water.yaml'), 'utf8')) as Catalogue;
  const now = new Date();
  await addVersion(store, { ...water, revision: { trigger: 'law-revision', since: '9999-12-31' } }, WATER, 'published', now);
  await store.update(CATALOGUE_VERSIONS, and(eq('id', 'NJ-SWJ'), eq('version', 1)), { publishedAt: now.toISOString() });
}

const LIST = `{ catalogues { id overdue revision { since dueDate overdue } versions { version revision { dueDate } } } }`;

describe('the GraphQL lists of catalogues', () => {
  let gw: TestGateway;
  const logged: Record<string, unknown>[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'info' }, lineSink((line) => logged.push(JSON.parse(line) as Record<string, unknown>)));
    gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('civil.yaml')], gateway: { logger } });
    await storeLateRevision(gw.store);
  });
  afterAll(() => gw?.close());

  it('serve every catalogue to two departments, the stored revision with no due date, and log its catalogue', async () => {
    for (const dept of [CIVIL, WATER]) {
      const res = await gw.query(LIST, { dept });
      expect(res.errors).toBeUndefined();
      expect(res.data!.catalogues).toEqual([
        { id: 'NJ-MZJ', overdue: false, revision: null, versions: [{ version: 1, revision: null }] },
        {
          id: 'NJ-SWJ', overdue: false,
          revision: { since: '9999-12-31', dueDate: null, overdue: false },
          versions: [{ version: 1, revision: { dueDate: null } }],
        },
      ]);
    }
    // Once a request (2), though each version's revision lists the catalogues again.
    const warnings = logged.filter((l) => l.event === 'revision-due-date');
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ catalogue: 'NJ-SWJ', since: '9999-12-31', level: 40 });
    expect(warnings[0].msg).toContain('catalogue NJ-SWJ: revision since "9999-12-31" has no due date');
  });

  it('serve catalogue(id) and the overdue filter to the competent department', async () => {
    const one = await gw.query(`{ catalogue(id: "NJ-SWJ") { id revision { dueDate } } }`, { dept: '320100-SJJ' });
    expect(one.errors).toBeUndefined();
    expect(one.data!.catalogue).toEqual({ id: 'NJ-SWJ', revision: { dueDate: null } });
    const overdue = await gw.query(`{ catalogues(overdue: false) { id } }`, { dept: '320100-SJJ' });
    expect(overdue.errors).toBeUndefined();
    expect(overdue.data!.catalogues.map((c: { id: string }) => c.id).sort()).toEqual(['NJ-MZJ', 'NJ-SWJ']);
  });
});

describe('govgraph catalogue list', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-stored-dates-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the catalogues, the stored revision with no due date, and names it on stderr without a stack trace', async () => {
    const { data, env } = storeOfCase(dir, 'list', fixture('platform.yaml'));
    expect((await runGovgraph(['catalogue', 'import', fixture('civil.yaml'), '--publish'], { env })).code).toBe(0);
    await withSqliteStore(data, storeLateRevision);

    const all = await runGovgraph(['catalogue', 'list'], { env });
    expect(all.stderr).not.toMatch(/\n\s+at |RangeError/);
    expect(all.code).toBe(0);
    expect(all.stdout).toMatch(/NJ-MZJ\s+1\s+PUBLISHED/);
    expect(all.stdout).toMatch(/NJ-SWJ\s+1\s+PUBLISHED .*no due date \(since 9999-12-31\), met \d{4}-\d{2}-\d{2}/);
    expect(all.stderr).toContain('warning: catalogue NJ-SWJ: revision since "9999-12-31" has no due date');

    const civil = await runGovgraph(['catalogue', 'list', '--dept', CIVIL], { env });
    expect(civil.code).toBe(0);
    expect(civil.stderr).not.toMatch(/\n\s+at |RangeError/);
    expect(civil.stdout).toMatch(/NJ-MZJ\s+1\s+PUBLISHED/);
    expect(civil.stdout).toMatch(/NJ-SWJ\s+1\s+PUBLISHED .*no due date/);

    const overdue = await runGovgraph(['catalogue', 'list', '--overdue'], { env });
    expect(overdue.code).toBe(0);
    expect(overdue.stdout).not.toContain('NJ-SWJ');
  });
});

describe('a platform file whose holidays push a stored revision past 9999-12-31', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-stored-holidays-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists it with no due date: a since valid when stored, every working day of December 9999 a holiday since', async () => {
    // Since 9999-12-01 is due 9999-12-22 on the fixture's calendar, and accepted; the new holidays leave
    // no working day after it in the year 9999.
    const december = Array.from({ length: 30 }, (_, i) => `"9999-12-${String(i + 2).padStart(2, '0')}"`);
    const platformFile = join(dir, 'platform.yaml');
    writeFileSync(platformFile, readFileSync(fixture('platform.yaml'), 'utf8').replace('holidays: ["2026-10-01"]', `holidays: ["0000-01-03", ${december.join(', ')}]`));
    const { env } = storeOfCase(dir, 'holidays', fixture('platform.yaml'));
    const water = join(dir, 'water.yaml');
    writeFileSync(water, readFileSync(fixture('water.yaml'), 'utf8').replace('since: "2026-11-02"', 'since: "9999-12-01"'));
    const imported = await runGovgraph(['catalogue', 'import', water, '--publish'], { env });
    expect(imported.code, imported.stderr).toBe(0);

    const listed = await runGovgraph(['catalogue', 'list', '--platform', platformFile], { env });
    expect(listed.stderr).not.toMatch(/\n\s+at |RangeError/);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/NJ-SWJ\s+1\s+PUBLISHED .*no due date \(since 9999-12-01\)/);
    expect(listed.stderr).toContain('warning: catalogue NJ-SWJ: revision since "9999-12-01" has no due date');
  });
});
