// The workflow's commands (SPEC §15): `catalogue submit|review|publish|list`, `request list|decide` and
// `usage`, run as real processes on a fresh data folder. Each acts for the department of --dept with the
// one role its action needs, through the workflow function the GraphQL field calls: what that department
// may not do is refused (FORBIDDEN) exactly as for a token, an unknown version or request is NOT_FOUND,
// every action done or refused is in the audit log as the field's, and input the command cannot even
// hand to the workflow gets one line, a non-zero exit and no trace in the store.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AUDIT_COLLECTION, fromRow, type AuditEntry } from '../src/audit/entry.ts';
import { appendAudit } from '../src/audit/log.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { CATALOGUE_VERSIONS, listVersions } from '../src/catalogue/repository.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { departmentByCode } from '../src/model/platform.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Role } from '../src/identity/roles.ts';
import { getSharingRequest, requestSharing, SHARING_REQUESTS } from '../src/workflow/sharing.ts';
import { getGrant } from '../src/access/grants.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-workflow-cli-'));
const data = join(dir, 'data');
const platform = loadPlatform(DEMO_PLATFORM_FILE);
const HR = join(root, 'demo', 'catalogues', 'human-resources.yaml');

afterAll(() => rmSync(dir, { recursive: true, force: true }));
// Every step is a process of its own (about a second each on an idle machine, several on a busy one).
vi.setConfig({ testTimeout: 180_000 });

const govgraph = (...args: string[]) =>
  runGovgraph(args, { cwd: dir, env: cliEnv({ GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: DEMO_PLATFORM_FILE }) });

const withStore = <T>(work: (store: Awaited<ReturnType<typeof openSqliteStore>>) => Promise<T>) => withSqliteStore(data, work);

const auditLog = () =>
  withStore(async (s) => (await s.find(AUDIT_COLLECTION, { sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow));

/** The audit entries written by what `run` does. */
async function entriesOf(run: () => Promise<unknown>): Promise<AuditEntry[]> {
  const before = (await auditLog()).length;
  await run();
  return (await auditLog()).slice(before);
}

const ANNOUNCED = `govgraph: platform ${DEMO_PLATFORM_FILE} (GOVGRAPH_PLATFORM); store ${join(data, 'govgraph.sqlite')}\n`;

/** One refusal: the announcement, then one line `govgraph: CODE: message`. */
function refused(r: { code: number; stdout: string; stderr: string }, line: string): void {
  expect(r).toEqual({ code: 1, stdout: '', stderr: ANNOUNCED + `govgraph: ${line}\n` });
}

const workflowEntry = (department: string, user: string, action: string, outcome: string, detail: string, more: object = {}) =>
  expect.objectContaining({ kind: 'workflow', department, user, action, outcome, detail, purpose: null, ...more });

beforeAll(async () => {
  // Every demo catalogue but Human Resources', which goes through the workflow below.
  await withStore((store) => importCatalogueFiles(store, platform, demoCatalogueFiles().filter((f) => f !== HR), { publish: true }));
});

describe('the catalogue lifecycle from the command line', () => {
  it('refuses a department submitting another department\'s catalogue, and stores nothing but the refusal', async () => {
    let r!: Awaited<ReturnType<typeof govgraph>>;
    const entries = await entriesOf(async () => (r = await govgraph('catalogue', 'submit', HR, '--dept', '430000-MZ')));
    refused(r, 'FORBIDDEN: Only department 430000-RST may submit a catalogue compiled by 430000-RST; you act for 430000-MZ.');
    expect(entries).toEqual([workflowEntry('430000-MZ', 'operator', 'submitCatalogue', 'refused',
      'FORBIDDEN: Only department 430000-RST may submit a catalogue compiled by 430000-RST; you act for 430000-MZ.')]);
    expect(await withStore((s) => listVersions(s, 'HN-RST'))).toEqual([]);
  });

  it('refuses bad input in one line before the workflow: nothing stored, not even an audit entry', async () => {
    const before = await auditLog();
    const cases: [string[], string][] = [
      [['catalogue', 'submit', HR, '--dept', '430000-XX'], '--dept 430000-XX: no such department on the platform; its departments are: '],
      [['catalogue', 'submit', join(dir, 'missing.yaml'), '--dept', '430000-RST'], `${join(dir, 'missing.yaml')}: no such file`],
      [['catalogue', 'review', 'HN-RST', 'one', '--approve'], 'version "one": give a whole number from 1 on'],
      [['request', 'decide', 'x', '--dept', '430000-GA', '--approve', '--until', '2027-02-30'], '--until "2027-02-30": write a date as YYYY-MM-DD'],
    ];
    for (const [args, line] of cases) {
      const r = await govgraph(...args);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.trimEnd().split('\n');
      expect(lines.at(-1)).toContain(`govgraph: ${line}`);
      expect(lines.length).toBeLessThanOrEqual(2); // the announcement and the one line
    }
    expect(await auditLog()).toEqual(before);
    expect(await withStore((s) => s.count(CATALOGUE_VERSIONS))).toBe(demoCatalogueFiles().length - 1);
  });

  it('names the file in a document that does not parse, at its line and column', async () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'id: HN-X\ncompiler: 430000-RST\nresources: [\n  - a: b\n');
    const r = await govgraph('catalogue', 'submit', file, '--dept', '430000-RST');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('govgraph: CATALOGUE_INVALID: The document does not parse:');
    expect(r.stderr).toContain(`  ${file}:4:3: YAML syntax error: `);
    expect(r.stderr).not.toContain('document:');
  });

  it('submits, refuses the wrong reviewer and publisher and an unknown version, reviews, publishes and lists', async () => {
    const submitted = await govgraph('catalogue', 'submit', HR, '--dept', '430000-RST', '--user', 'zhao.min');
    expect(submitted).toEqual({
      code: 0,
      stderr: ANNOUNCED,
      stdout: 'HN-RST version 1 submitted by zhao.min of 430000-RST (1 resource); an auditor of 430000-ZWB reviews it next\n',
    });

    refused(await govgraph('catalogue', 'review', 'HN-RST', '1', '--approve', '--dept', '430000-RST'),
      'FORBIDDEN: Only department 430000-ZWB may review catalogues; you act for 430000-RST.');
    refused(await govgraph('catalogue', 'review', 'HN-RST', '1', '--reject'), 'BAD_USER_INPUT: Say why the version is rejected: give a comment.');
    refused(await govgraph('catalogue', 'publish', 'HN-RST', '1', '--dept', '430000-RST'),
      'CONFLICT: HN-RST v1 is submitted; only a version that is approved can be published.');

    const reviewed = await govgraph('catalogue', 'review', 'HN-RST', '1', '--approve', '--user', 'chen.jing', '--comment', 'complete');
    expect(reviewed.stdout).toBe('HN-RST version 1 approved by chen.jing of 430000-ZWB: complete; its compiler 430000-RST publishes it next\n');

    // A catalogue of drafts alone is as missing to another department as one that does not exist.
    refused(await govgraph('catalogue', 'publish', 'HN-RST', '1', '--dept', '430000-MZ'), 'NOT_FOUND: Catalogue HN-RST has no version 1.');
    refused(await govgraph('catalogue', 'publish', 'HN-RST', '9', '--dept', '430000-RST'), 'NOT_FOUND: Catalogue HN-RST has no version 9.');

    let published!: Awaited<ReturnType<typeof govgraph>>;
    const entries = await entriesOf(async () => (published = await govgraph('catalogue', 'publish', 'HN-RST', '1', '--dept', '430000-RST', '--user', 'zhao.min')));
    expect(published.code).toBe(0);
    expect(published.stdout).toMatch(/^HN-RST version 1 published at \S+Z by zhao\.min of 430000-RST \(1 resource\); gateways on this store serve it at their next poll\n$/);
    const concerning = [expect.objectContaining({ resource: '430000-RST-00001', provider: '430000-RST', records: 0 })];
    // The two entries publishCatalogue writes for the GraphQL field: attempted, then done.
    expect(entries).toEqual([
      workflowEntry('430000-RST', 'zhao.min', 'publishCatalogue', 'ok', 'HN-RST v1 publication attempted', { resources: concerning }),
      workflowEntry('430000-RST', 'zhao.min', 'publishCatalogue', 'ok', 'HN-RST v1 published', { resources: concerning }),
    ]);
    expect(entries[0].requestId).toBe(entries[1].requestId);

    // Every step left its entry, refused ones included, with the department that acted.
    const log = await auditLog();
    expect(log.filter((e) => e.kind === 'workflow' && e.detail?.includes('HN-RST')).map((e) => [e.department, e.action, e.outcome])).toEqual([
      ['430000-RST', 'submitCatalogue', 'ok'],
      ['430000-RST', 'publishCatalogue', 'refused'],
      ['430000-ZWB', 'reviewCatalogue', 'ok'],
      ['430000-MZ', 'publishCatalogue', 'refused'],
      ['430000-RST', 'publishCatalogue', 'refused'],
      ['430000-RST', 'publishCatalogue', 'ok'],
      ['430000-RST', 'publishCatalogue', 'ok'],
    ]);

    const listed = await govgraph('catalogue', 'list', '--compiler', '430000-RST');
    expect(listed.stdout).toMatch(
      /^CATALOGUE {2}V {2}STATUS {5}COMPILER {4}RESOURCES {2}CHANGED \(UTC\) {5}REVISION {2}TITLE\nHN-RST {5}1 {2}PUBLISHED {2}430000-RST {2}1 {10}\d{4}-\d\d-\d\d \d\d:\d\d {12}Department of Human Resources and Social Security resource catalogue\n$/,
    );
    expect(listed.stderr).toBe(ANNOUNCED + '1 catalogue, 1 version, as 430000-ZWB sees them\n');
  });

  it('lists a draft to its compiler and the competent department only', async () => {
    const edited = join(dir, 'hr-v2.json');
    const { readFileSync, writeFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const doc = parse(readFileSync(HR, 'utf8')) as { title: string };
    writeFileSync(edited, JSON.stringify({ ...doc, title: `${doc.title} (2027)` }));
    expect((await govgraph('catalogue', 'submit', edited, '--dept', '430000-RST')).stdout).toContain('HN-RST version 2 submitted by operator of 430000-RST');
    const asMz = await govgraph('catalogue', 'list', '--dept', '430000-MZ', '--compiler', '430000-RST');
    expect(asMz.stdout.split('\n').filter((l) => l.startsWith('HN-RST')).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['HN-RST 1 PUBLISHED']);
    const asZwb = await govgraph('catalogue', 'list', '--compiler', '430000-RST');
    expect(asZwb.stdout.split('\n').filter((l) => l.startsWith('HN-RST')).map((l) => l.split(/\s+/).slice(0, 3).join(' '))).toEqual(['HN-RST 1 PUBLISHED', 'HN-RST 2 SUBMITTED']);
  });
});

describe('sharing requests and usage from the command line', () => {
  let requestId: string;
  beforeAll(async () => {
    const mz = departmentByCode(platform, '430000-MZ')!;
    const applicant = { dept: mz, user: 'wang.li', roles: ['applicant'] as Role[], purpose: null, requestId: 'test' };
    const r = await withStore((store) =>
      requestSharing({ store, platform, now: new Date() }, applicant, {
        resource: '430000-GA-00001', items: ['idNumber', 'fullName', 'birthDate'], purposes: ['social-assistance'], justification: 'allowance review',
      }),
    );
    requestId = r.id;
  });

  it('lists requests as a table, to the operator, never to a department that neither made nor decides them', async () => {
    const all = await govgraph('request', 'list');
    expect(all.stdout.split('\n')[0]).toBe('REQUEST                               STATUS   DUE / DECIDED  REQUESTER  RESOURCE         ITEMS                        PURPOSES           UNTIL  GRANT / REASON');
    expect(all.stdout).toMatch(new RegExp(`^${requestId} {2}PENDING {2}\\d{4}-\\d\\d-\\d\\d {5}430000-MZ {2}430000-GA-00001 {2}idNumber,fullName,birthDate {2}social-assistance$`, 'm'));
    const other = await govgraph('request', 'list', '--dept', '430000-SCJG');
    expect(other.stdout).toBe('');
    expect(other.stderr).toBe(ANNOUNCED + '0 requests, as 430000-SCJG sees them\n');
  });

  it('refuses a decision by the requesting department, on an unknown id and beyond the request; the provider decides', async () => {
    let r!: Awaited<ReturnType<typeof govgraph>>;
    const entries = await entriesOf(async () => (r = await govgraph('request', 'decide', requestId, '--dept', '430000-MZ', '--approve')));
    refused(r, 'FORBIDDEN: Only department 430000-GA may decide requests for 430000-GA-00001; you act for 430000-MZ.');
    expect(entries).toEqual([workflowEntry('430000-MZ', 'operator', 'decideSharingRequest', 'refused',
      'FORBIDDEN: Only department 430000-GA may decide requests for 430000-GA-00001; you act for 430000-MZ.')]);
    refused(await govgraph('request', 'decide', 'no-such-request', '--dept', '430000-GA', '--approve'), 'NOT_FOUND: No sharing request no-such-request.');
    refused(await govgraph('request', 'decide', requestId, '--dept', '430000-GA', '--approve', '--items', 'idNumber,gender'),
      'BAD_USER_INPUT: The approval is refused:\n  items[1]: gender was not requested; an approval may only narrow the items (idNumber, fullName, birthDate).');
    expect((await withStore((s) => getSharingRequest(s, requestId)))!.status).toBe('pending');

    const decided = await entriesOf(async () =>
      (r = await govgraph('request', 'decide', requestId, '--dept', '430000-GA', '--user', 'li.gang', '--approve', '--items', 'idNumber,fullName', '--unmasked', 'fullName')));
    expect(r.code).toBe(0);
    const after = (await withStore((s) => getSharingRequest(s, requestId)))!;
    expect(after).toMatchObject({ status: 'approved', decidedBy: 'li.gang' });
    const grant = (await withStore((s) => getGrant(s, after.grantId!)))!;
    expect(grant).toMatchObject({ requester: '430000-MZ', resource: '430000-GA-00001', items: ['idNumber', 'fullName'], unmasked: ['fullName'], createdBy: 'li.gang', requestId });
    expect(r.stdout).toBe(`request ${requestId} approved by li.gang of 430000-GA; grant ${grant.id}: 430000-MZ may read idNumber, fullName of 430000-GA-00001 for social-assistance, unmasked fullName, until revoked\n`);
    expect(decided).toEqual([
      workflowEntry('430000-GA', 'li.gang', 'decideSharingRequest', 'ok',
        `sharing request ${requestId} approved: idNumber, fullName (unmasked: fullName) for social-assistance until no end`,
        { resources: [expect.objectContaining({ resource: '430000-GA-00001', provider: '430000-GA', items: ['idNumber', 'fullName'] })] }),
    ]);
    const again = await govgraph('request', 'decide', requestId, '--dept', '430000-GA', '--reject', '--reason', 'late');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^govgraph: CONFLICT: Sharing request ${requestId} was already approved by li\\.gang on \\S+\\.$`, 'm'));
    expect(await withStore((s) => s.count(SHARING_REQUESTS))).toBe(1);
    // The decision's time is a UTC instant beside the pending requests' due days (the platform's calendar),
    // so the cell says so: 23:41 UTC on the 18th is already the 19th in Asia/Shanghai.
    const listed = await govgraph('request', 'list');
    expect(listed.stdout).toMatch(new RegExp(`^${requestId} {2}APPROVED {2}\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC {2}430000-MZ `, 'm'));
  });

  it('prints usage as a table, a provider seeing only its own resources', async () => {
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    await withStore((store) =>
      appendAudit(store, {
        requestId: 'read-1', department: '430000-MZ', user: 'wang.li', purpose: 'social-assistance', operationName: 'Q', documentHash: null,
        kind: 'read', action: null, outcome: 'allowed', detail: null,
        resources: [{ resource: '430000-GA-00001', provider: '430000-GA', items: ['idNumber'], denied: [], masked: ['idNumber'], records: 7, filtered: [], ordered: [], counted: false }],
      }),
    );
    const all = await govgraph('usage', '--from', today, '--to', today);
    expect(all.stdout).toBe([
      'RESOURCE         PROVIDER   REQUESTER  PURPOSE            REQUESTS  RECORDS  DENIED',
      '430000-GA-00001  430000-GA                                1         7        0',
      '                            430000-MZ  social-assistance  1         7        0',
      '',
    ].join('\n'));
    expect(all.stderr).toBe(ANNOUNCED + `usage ${today} to ${today}: 1 resource read, as 430000-ZWB sees them\n`);
    // A resource code in another case is the resource's, as in every other command (not an empty report).
    expect((await govgraph('usage', '--from', today, '--to', today, '--resource', '430000-ga-00001')).stdout).toBe(all.stdout);
    expect((await govgraph('usage', '--from', today, '--to', today, '--dept', '430000-SCJG')).stdout).toBe('');
  });
});
