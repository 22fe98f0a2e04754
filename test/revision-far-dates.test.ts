// Revision dates at the ends of what YYYY-MM-DD writes (test/fixtures/taiyuan-sweep, Taiyuan 140100).
// A catalogue passed validation with `revision: { since: "9999-12-31" }`, whose due date, 15 working days
// later, lies in the year 10000: every list of catalogues (the `catalogues` and `catalogue` fields, for
// the competent department too, and `govgraph catalogue list`) then failed, an INTERNAL_SERVER_ERROR and a
// stack trace. And dates of the years 0000 to 0099 were read as 1900 to 1999 (Date.UTC), so a revision
// since "0050-03-01", or a platform holiday "0099-01-01", broke the lists and every command alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workingDayCalendar } from '../src/calendar/working-days.ts';
import { runGovgraph, storeOfCase } from './helpers/cli.ts';

const fixture = (p: string) => fileURLToPath(new URL(`./fixtures/taiyuan-sweep/${p}`, import.meta.url));
const HOUSING = `id: TY-ZJJ-REV
kind: departmental
title: 太原市住建局资源目录（修订）
compiler: "140100-ZJJ"
revision: { trigger: law-revision, since: "SINCE" }
resources:
  - code: "140100-ZJJ-00007"
    name: 保障性住房
    provider: "140100-ZJJ"
    graphql: { type: TyAffordableHome, list: tyAffordableHomes, byKey: tyAffordableHome }
    key: homeNo
    share: { type: unconditional, methods: [api] }
    items:
      - { name: homeNo, type: string, required: true }
`;

let dir: string;
let cases = 0;
/** A catalogue of the Taiyuan housing bureau whose revision is since `since`, in a file of its own. */
function revisedOn(since: string): string {
  const file = join(dir, `housing-${++cases}.yaml`);
  writeFileSync(file, HOUSING.replace('SINCE', since));
  return file;
}
const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at |RangeError/);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'govgraph-revision-dates-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the working-day calendar', () => {
  it('reads dates of the years 0000 to 0099 as written, not as 1900 to 1999', () => {
    const calendar = workingDayCalendar(['0099-01-01']);
    expect(calendar.isWorkingDay('0099-01-01')).toBe(false);
    expect(calendar.addWorkingDays('0050-03-01', 15)).toBe('0050-03-22');
  });

  it('refuses a due date after 9999-12-31, which YYYY-MM-DD cannot write', () => {
    const calendar = workingDayCalendar([]);
    expect(calendar.addWorkingDays('9999-12-01', 15)).toBe('9999-12-22');
    expect(() => calendar.addWorkingDays('9999-12-31', 15)).toThrow(RangeError);
  });
});

describe('a revision since a date at the ends of the calendar', () => {
  it('whose due date would fall after 9999-12-31 is refused at revision.since by validate and submit', async () => {
    const { env } = storeOfCase(dir, 'late', fixture('platform.yaml'));
    const file = revisedOn('9999-12-31');
    const validated = await runGovgraph(['catalogue', 'validate', file], { env });
    expect(validated.code).toBe(1);
    expect(validated.stdout).toContain(
      `${file}: revision.since: "9999-12-31": its due date, 15 working days later, would fall after 9999-12-31; write the date the revision became necessary`,
    );
    noStack(validated.stderr + validated.stdout);

    await runGovgraph(['catalogue', 'import', fixture('police.yaml')], { env });
    const submitted = await runGovgraph(['catalogue', 'submit', file, '--dept', '140100-ZJJ'], { env });
    expect(submitted.code).toBe(1);
    expect(submitted.stderr).toContain('CATALOGUE_INVALID');
    expect(submitted.stderr).toContain('revision.since: "9999-12-31": its due date');
    const listed = await runGovgraph(['catalogue', 'list'], { env });
    expect(listed.code).toBe(0);
    noStack(listed.stderr + listed.stdout);
  });

  it('in the year 0050 is listed, overdue, by the command that listed none before', async () => {
    const { env } = storeOfCase(dir, 'early', fixture('platform.yaml'));
    const file = revisedOn('0050-03-01');
    expect((await runGovgraph(['catalogue', 'validate', file], { env })).code).toBe(0);
    await runGovgraph(['catalogue', 'import', fixture('police.yaml')], { env });
    const submitted = await runGovgraph(['catalogue', 'submit', file, '--dept', '140100-ZJJ'], { env });
    expect(submitted.stderr).not.toContain('RangeError');
    expect(submitted.code).toBe(0);
    const listed = await runGovgraph(['catalogue', 'list'], { env });
    noStack(listed.stderr + listed.stdout);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/TY-ZJJ-REV\s+1\s+SUBMITTED .*OVERDUE/);
  });
});
