// The catalogue lifecycle and conditional sharing under concurrency (SPEC §9, §10): two instances (two
// Stores on one data folder, as two gateways) acting on the same record at once. Each time exactly one
// action takes effect; the loser gets CONFLICT with a plain sentence, and the log holds one "done" entry
// for the record, the loser's attempt marked as such.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_COLLECTION, fromRow } from '../src/audit/entry.ts';
import { verifyAuditChain } from '../src/audit/verify.ts';
import { GRANTS } from '../src/access/grants.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { CATALOGUE_VERSIONS } from '../src/catalogue/repository.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { DEMO_PLATFORM_FILE, demoCatalogueFiles } from '../src/demo/paths.ts';
import { and, eq, type Store } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Actor } from '../src/workflow/actor.ts';
import { publishCatalogue, reviewCatalogue, submitCatalogue, withdrawCatalogue } from '../src/workflow/catalogues.ts';
import { decideSharingRequest, getSharingRequest, requestSharing, revokeGrant } from '../src/workflow/sharing.ts';
import { revokeAsOperator } from '../src/cli/grant.ts';
import { demoCatalogue } from './helpers/workflow.ts';

const platform = loadPlatform(DEMO_PLATFORM_FILE);
const dept = (code: string) => platform.departments.find((d) => d.code === code)!;
const actor = (code: string, roles: Actor['roles'], user = 'u'): Actor => ({ dept: dept(code), user, roles, purpose: null, requestId: `r-${Math.random()}` });

const dir = mkdtempSync(join(tmpdir(), 'govgraph-attack-workflow-races-'));
let a: Store;
let b: Store;
beforeAll(async () => {
  a = await openSqliteStore(join(dir, 'data'));
  b = await openSqliteStore(join(dir, 'data'));
  await importCatalogueFiles(a, platform, demoCatalogueFiles(), { publish: true });
});
afterAll(async () => {
  await a?.close();
  await b?.close();
  rmSync(dir, { recursive: true, force: true });
});
const envA = () => ({ store: a, platform, now: new Date() });
const envB = () => ({ store: b, platform, now: new Date() });

const entriesOf = async (action: string) =>
  (await a.find(AUDIT_COLLECTION, { filter: eq('action', action), sort: [{ field: 'seq', direction: 'asc' }] })).map(fromRow);

/**
 * The log's story of a race between `actors` (results in the same order): the winner's action one "ok"
 * entry, the loser's its "ok" (written before the change, SPEC §10) then "refused" saying it was not done.
 */
async function raceEntries(action: string, actors: Actor[], results: PromiseSettledResult<unknown>[]) {
  const log = await entriesOf(action);
  return actors.map((who, i) => ({
    won: results[i].status === 'fulfilled',
    entries: log.filter((e) => e.requestId === who.requestId).map((e) => `${e.outcome}${e.detail?.includes('not done: CONFLICT: ') ? ' (CONFLICT)' : ''}`),
  }));
}
const WON = { won: true, entries: ['ok'] };
const LOST = { won: false, entries: ['ok', 'refused (CONFLICT)'] };

/** One fulfilled, the other refused with CONFLICT: the loser's message. */
function oneWinner(results: PromiseSettledResult<unknown>[]): string {
  expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
  expect((lost.reason as { code?: string }).code).toBe('CONFLICT');
  return (lost.reason as Error).message;
}

async function pendingRequest(): Promise<string> {
  const input = { resource: '430000-GA-00001', items: ['idNumber'], purposes: ['employment-services'], justification: 'checks' };
  return (await requestSharing(envA(), actor('430000-RST', ['applicant']), input)).id;
}

it('two approvers deciding one request at once: one decision, one CONFLICT, one grant at most', async () => {
  const id = await pendingRequest();
  const approvers = [actor('430000-GA', ['approver'], 'first'), actor('430000-GA', ['approver'], 'second')];
  const results = await Promise.allSettled([
    decideSharingRequest(envA(), approvers[0], { id, decision: 'approve' }),
    decideSharingRequest(envB(), approvers[1], { id, decision: 'reject', reason: 'no' }),
  ]);
  expect(oneWinner(results)).toBe(`Sharing request ${id} was decided meanwhile.`);
  const request = (await getSharingRequest(a, id))!;
  expect(request.status).toBe(results[0].status === 'fulfilled' ? 'approved' : 'rejected');
  expect(await a.count(GRANTS, eq('requester', '430000-RST'))).toBe(request.status === 'approved' ? 1 : 0);
  expect(await raceEntries('decideSharingRequest', approvers, results)).toEqual(expect.arrayContaining([WON, LOST]));
  if (request.status === 'approved') await revokeGrant(envA(), actor('430000-GA', ['approver']), { id: request.grantId! });
});

it('two approvers revoking one grant at once: one revocation, one CONFLICT naming who revoked it', async () => {
  const id = await pendingRequest();
  const request = await decideSharingRequest(envA(), actor('430000-GA', ['approver']), { id, decision: 'approve' });
  const grant = request.grantId!;
  const approvers = [actor('430000-GA', ['approver'], 'first'), actor('430000-GA', ['approver'], 'second')];
  const results = await Promise.allSettled([
    revokeGrant(envA(), approvers[0], { id: grant, reason: 'ended' }),
    revokeGrant(envB(), approvers[1], { id: grant, reason: 'ended' }),
  ]);
  const winner = results[0].status === 'fulfilled' ? 'first' : 'second';
  expect(oneWinner(results)).toMatch(new RegExp(`^Grant ${grant} was revoked meanwhile by ${winner} on \\d{4}-`));
  expect((await a.find(GRANTS, { filter: eq('id', grant) }))[0].revokedBy).toBe(winner);
  expect(await raceEntries('revokeGrant', approvers, results)).toEqual(expect.arrayContaining([WON, LOST]));
});

it('publishing one approved version twice at once: one publication, one CONFLICT, one "published" entry', async () => {
  const ga = demoCatalogue('public-security.yaml');
  const s = await submitCatalogue(envA(), actor('430000-GA', ['compiler']), { ...ga, title: 'Second' });
  await reviewCatalogue(envA(), actor('430000-ZWB', ['auditor']), { id: 'HN-GA', version: s.version.version, decision: 'approve', comment: 'ok' });
  const compilers = [actor('430000-GA', ['compiler'], 'first'), actor('430000-GA', ['compiler'], 'second')];
  const results = await Promise.allSettled([
    publishCatalogue(envA(), compilers[0], { id: 'HN-GA', version: s.version.version }),
    publishCatalogue(envB(), compilers[1], { id: 'HN-GA', version: s.version.version }),
  ]);
  oneWinner(results);
  const rows = await a.find(CATALOGUE_VERSIONS, { filter: eq('id', 'HN-GA') });
  expect(rows.filter((r) => r.status === 'published').map((r) => r.version)).toEqual([s.version.version]);
  const published = (await entriesOf('publishCatalogue')).filter((e) => e.detail === `HN-GA v${s.version.version} published`);
  expect(published.map((e) => e.user)).toEqual([results[0].status === 'fulfilled' ? 'first' : 'second']);
  expect((await verifyAuditChain(a)).ok).toBe(true);
});

it('publishing an older and a newer approved version at once leaves exactly one in effect, the newer', async () => {
  const ga = demoCatalogue('public-security.yaml');
  const compiler = actor('430000-GA', ['compiler']);
  const versions: number[] = [];
  for (const title of ['Third', 'Fourth']) {
    const s = await submitCatalogue(envA(), compiler, { ...ga, title });
    await reviewCatalogue(envA(), actor('430000-ZWB', ['auditor']), { id: 'HN-GA', version: s.version.version, decision: 'approve', comment: 'ok' });
    versions.push(s.version.version);
  }
  await Promise.allSettled([
    publishCatalogue(envB(), compiler, { id: 'HN-GA', version: versions[1] }),
    publishCatalogue(envA(), compiler, { id: 'HN-GA', version: versions[0] }),
  ]);
  const rows = await a.find(CATALOGUE_VERSIONS, { filter: eq('id', 'HN-GA') });
  expect(rows.filter((r) => r.status === 'published').map((r) => r.version)).toEqual([versions[1]]);
});

it('an auditor reviewing a version while its compiler withdraws the catalogue: both settle, the log says what happened', async () => {
  const ga = demoCatalogue('public-security.yaml');
  const s = await submitCatalogue(envA(), actor('430000-GA', ['compiler']), { ...ga, title: 'Fourth' });
  const results = await Promise.allSettled([
    reviewCatalogue(envA(), actor('430000-ZWB', ['auditor']), { id: 'HN-GA', version: s.version.version, decision: 'approve', comment: 'ok' }),
    withdrawCatalogue(envB(), actor('430000-GA', ['compiler']), { id: 'HN-GA', reason: 'replaced' }),
  ]);
  expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
  const rows = await a.find(CATALOGUE_VERSIONS, { filter: eq('id', 'HN-GA') });
  // The version in effect withdrawn; the reviewed one approved, to be published (or not) afterwards.
  expect(rows.filter((r) => r.status === 'published')).toEqual([]);
  expect(rows.find((r) => r.version === s.version.version)!.status).toBe('approved');
  expect((await verifyAuditChain(a)).ok).toBe(true);
});

it('`govgraph grant revoke` racing an approver: the command that lost says the grant was revoked meanwhile (as `grant add` losing its race), and the log says it was not done', async () => {
  const id = await pendingRequest();
  const grant = (await decideSharingRequest(envA(), actor('430000-GA', ['approver']), { id, decision: 'approve' })).grantId!;
  // The approver revokes on the other instance between the command's read and its write.
  const racing: Store = Object.create(b);
  racing.update = async (collection, filter, set) => {
    if (collection === GRANTS) await revokeGrant(envA(), actor('430000-GA', ['approver'], 'approver'), { id: grant });
    return b.update(collection, filter, set);
  };
  expect(await revokeAsOperator(racing, grant)).toMatch(new RegExp(`^grant ${grant} was already revoked meanwhile at \\S+ by approver; nothing revoked$`));
  expect((await a.find(GRANTS, { filter: eq('id', grant) }))[0].revokedBy).toBe('approver');
  const entries = (await entriesOf('revokeGrant')).filter((e) => e.detail?.includes(grant) && e.user === 'operator');
  expect(entries.map((e) => e.outcome)).toEqual(['ok', 'refused']);
});

it('two compilers submitting versions of one catalogue at once: each entry names the version stored, the loser gets CONFLICT', async () => {
  const ga = demoCatalogue('public-security.yaml');
  const compilers = [1, 2, 3, 4].map((i) => actor('430000-GA', ['compiler'], `compiler-${i}`));
  const results = await Promise.allSettled(compilers.map((c, i) => submitCatalogue(i % 2 ? envB() : envA(), c, { ...ga, title: `Concurrent ${i}` })));
  expect(results.some((r) => r.status === 'fulfilled')).toBe(true);
  const log = await entriesOf('submitCatalogue');
  for (const [i, r] of results.entries()) {
    const entries = log.filter((e) => e.requestId === compilers[i].requestId);
    if (r.status === 'fulfilled') {
      // The entry names the version this submission stored, and that version holds its document.
      expect(entries.map((e) => [e.outcome, e.detail])).toEqual([['ok', `HN-GA v${r.value.version.version} submitted`]]);
      const [row] = await a.find(CATALOGUE_VERSIONS, { filter: and(eq('id', 'HN-GA'), eq('version', r.value.version.version)) });
      expect(row.submittedBy).toBe(compilers[i].user);
    } else {
      expect((r.reason as { code?: string }).code).toBe('CONFLICT');
      expect((r.reason as Error).message).toMatch(/^HN-GA v\d+ was submitted meanwhile by another submission; submit again/);
      expect(entries.map((e) => e.outcome)).toEqual(['ok', 'refused']);
    }
  }
});

it('`catalogue import` storing a version while a compiler submits one: both stored, under numbers of their own', async () => {
  const ga = demoCatalogue('public-security.yaml');
  const file = join(dir, 'ga-import.yaml');
  writeFileSync(file, stringify({ ...ga, title: 'Imported at once' }));
  // The submission stores its version (the same next number) between the import's read and its insert.
  let raced = false;
  const racing: Store = Object.create(b);
  racing.insert = async (collection, rows) => {
    if (collection === CATALOGUE_VERSIONS && !raced) {
      raced = true;
      await submitCatalogue(envA(), actor('430000-GA', ['compiler'], 'racing-compiler'), { ...ga, title: 'Submitted at once' });
    }
    return b.insert(collection, rows);
  };
  const [imported] = await importCatalogueFiles(racing, platform, [file], { publish: false });
  expect(raced).toBe(true);
  const rows = await a.find(CATALOGUE_VERSIONS, { filter: eq('id', 'HN-GA') });
  const version = (title: string) => rows.filter((r) => JSON.parse(String(r.document)).title === title).map((r) => r.version);
  expect(version('Imported at once')).toEqual([imported.version.version]);
  expect(version('Submitted at once')).toEqual([imported.version.version - 1]);
});

it('two auditors reviewing one version at once (approve, reject): one review, one CONFLICT, logged refused', async () => {
  const ga = demoCatalogue('public-security.yaml');
  const s = await submitCatalogue(envA(), actor('430000-GA', ['compiler']), { ...ga, title: 'Reviewed at once' });
  const auditors = [actor('430000-ZWB', ['auditor'], 'auditor-1'), actor('430000-ZWB', ['auditor'], 'auditor-2')];
  const results = await Promise.allSettled([
    reviewCatalogue(envA(), auditors[0], { id: 'HN-GA', version: s.version.version, decision: 'approve', comment: 'ok' }),
    reviewCatalogue(envB(), auditors[1], { id: 'HN-GA', version: s.version.version, decision: 'reject', comment: 'no' }),
  ]);
  expect(oneWinner(results)).toBe(`HN-GA v${s.version.version} was reviewed meanwhile.`);
  const [row] = await a.find(CATALOGUE_VERSIONS, { filter: and(eq('id', 'HN-GA'), eq('version', s.version.version)) });
  expect(row.status).toBe(results[0].status === 'fulfilled' ? 'approved' : 'rejected');
  expect(await raceEntries('reviewCatalogue', auditors, results)).toEqual(expect.arrayContaining([WON, LOST]));
});

it('two decisions finishing an approval whose grant was never stored: one stores it, the other gets CONFLICT', async () => {
  const id = await pendingRequest();
  const approved = await decideSharingRequest(envA(), actor('430000-GA', ['approver']), { id, decision: 'approve' });
  await a.delete(GRANTS, eq('id', approved.grantId!)); // as an approval killed before its second write leaves it
  const approvers = [actor('430000-GA', ['approver'], 'finisher-1'), actor('430000-GA', ['approver'], 'finisher-2')];
  const results = await Promise.allSettled([
    decideSharingRequest(envA(), approvers[0], { id, decision: 'approve' }),
    decideSharingRequest(envB(), approvers[1], { id, decision: 'approve' }),
  ]);
  // Stored meanwhile (both checked first), or already approved (the loser checked after the store).
  const message = oneWinner(results);
  expect([`Sharing request ${id}'s grant ${approved.grantId} was stored meanwhile; nothing was left to finish.`, `Sharing request ${id} was already approved by u on ${approved.decidedAt}.`]).toContain(message);
  expect(await a.count(GRANTS, eq('id', approved.grantId!))).toBe(1);
  const loser = message.includes('meanwhile') ? LOST : { won: false, entries: ['refused'] };
  expect(await raceEntries('decideSharingRequest', approvers, results)).toEqual(expect.arrayContaining([WON, loser]));
  await revokeGrant(envA(), actor('430000-GA', ['approver']), { id: approved.grantId! });
});

it('rejecting an approval whose grant was never stored is refused (CONFLICT saying what to do), and stores no grant', async () => {
  const id = await pendingRequest();
  const approved = await decideSharingRequest(envA(), actor('430000-GA', ['approver']), { id, decision: 'approve' });
  await a.delete(GRANTS, eq('id', approved.grantId!)); // as an approval killed before its second write leaves it
  const rejecting = decideSharingRequest(envB(), actor('430000-GA', ['approver'], 'rejecter'), { id, decision: 'reject', reason: 'no longer needed' });
  await expect(rejecting).rejects.toMatchObject({
    code: 'CONFLICT',
    message: `Sharing request ${id} was approved by u on ${approved.decidedAt} and its grant ${approved.grantId} was not stored then (the approval was interrupted); ` +
      'a rejection cannot undo that approval: approve it again to store its grant, then revoke the grant if it should not stand.',
  });
  expect(await a.count(GRANTS, eq('id', approved.grantId!))).toBe(0);
  // Approving again still finishes it.
  await decideSharingRequest(envA(), actor('430000-GA', ['approver']), { id, decision: 'approve' });
  expect(await a.count(GRANTS, eq('id', approved.grantId!))).toBe(1);
  await revokeGrant(envA(), actor('430000-GA', ['approver']), { id: approved.grantId! });
});
