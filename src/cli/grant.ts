// `govgraph grant add|list|revoke` (SPEC §11): the operator's way to manage grants beside the sharing
// workflow. Each change is recorded in the audit log as the operator's action, before it is made (as the
// workflow's): a command killed between the two writes leaves an entry, never a grant the log misses. A
// refused command (an unknown grant to revoke, a grant the platform refuses) is recorded `refused`, as the
// workflow's refusals are.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { getGrant, listGrants, sameGrantStored } from '../access/grants/listing.ts';
import { GrantInputError, GrantNotFoundError } from '../access/grants/errors.ts';
import { isGrantActive, type Grant } from '../access/grant-model.ts';
import { newGrant, storeGrant } from '../access/grants/adding.ts';
import { revokeGrantOnce } from '../access/grants/revoking.ts';
import { grantShownAmong, setAsideReason, type GrantShown } from '../access/item-since/shown.ts';
import { itemHistoryOf } from '../access/item-since/history.ts';
import { appendAudit } from '../audit/log.ts';
import { recordedDetail, type AuditEntry } from '../audit/entry.ts';
import { publishedCatalogues } from '../catalogue/repository/versions.ts';
import type { Catalogue } from '../model/catalogue.ts';
import { shownNames } from '../model/input-bounds.ts';
import { providerOf as providerInStore } from '../workflow/sharing.ts';
import { undone } from '../workflow/audit.ts';
import { DuplicateKeyError, type Store } from '../store/port.ts';
import { announce, loadCommandPlatform, openCommandStore, withCommonOptions, type CommonOptions, type StoreUse } from './options.ts';
import type { Platform } from '../model/platform.ts';
import { departmentFilter, resourceFilter } from './filters.ts';
import { commaList } from './token.ts';
import { terminalText } from './terminal.ts';

export const OPERATOR = 'operator';

/**
 * Runs `work` on the store, having said what the command uses (SPEC §15): the platform file only for
 * `grant add`, which checks the grant against it. `list` and `revoke` read grants and the published
 * catalogues from the store alone (a grant's dates are on the platform's fixed calendar), so they name
 * only the store: naming the platform file made `--platform other.yaml` look as if it changed what they show.
 */
async function withStore<T>(opts: CommonOptions, platform: Platform | null, work: (store: Store) => Promise<T>, use: Pick<StoreUse, 'appendsAudit'> = {}): Promise<T> {
  announce(opts, { platform: platform ? opts.platform : null, store: true });
  // A platform file of another region than the store's is refused (a grant for a department the store's platform lacks).
  const store = await openCommandStore(opts, platform ? { ...use, platform: { platform, file: opts.platform } } : use);
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

/** The published resource a code names, in any case (as newGrant takes it), or undefined. */
function publishedResource(catalogues: readonly Catalogue[], code: string): { code: string; provider: string } | undefined {
  const wanted = code.trim().toUpperCase();
  for (const c of catalogues) for (const r of c.resources) if (r.code.toUpperCase() === wanted) return r;
  return undefined;
}

function providerOf(catalogues: readonly Catalogue[], resource: string): string {
  for (const c of catalogues) for (const r of c.resources) if (r.code === resource) return r.provider;
  return '';
}

async function audit(store: Store, action: string, grant: Grant, provider: string, detail: string, outcome: 'ok' | 'refused' = 'ok', requestId = randomUUID(), items: readonly string[] = []): Promise<AuditEntry> {
  return operatorEntry(store, action, [{ resource: grant.resource, provider, items: [...items], denied: [], masked: [], records: 0, filtered: [], ordered: [], counted: false }], detail, outcome, requestId);
}

/**
 * The `refused` entry of a grant command the store or the platform refuses (an unknown grant to revoke,
 * a grant add with an unknown department, item or purpose), as the workflow records its refusals
 * (src/workflow/audit.ts, SPEC §10): `CODE: message`, naming the resource when it is published, so that its
 * provider sees the attempt too. A supervisor read a refused `grant add` race and a refused `decide` of an
 * unknown request in the log, but no refused revocation of an unknown grant and no refused `grant add`.
 */
async function auditRefusal(store: Store, action: 'addGrant' | 'revokeGrant', err: Error & { code: string }, about: { resource: string; provider: string } | null): Promise<void> {
  const concerned = about ? [{ ...about, items: [], denied: [], masked: [], records: 0, filtered: [], ordered: [], counted: false }] : [];
  // On one line, cut as the workflow's details are: the operator's own text (a mistyped id) may be long.
  const message = err.message.split('\n').map((line) => line.trim()).filter(Boolean).join(' ');
  await operatorEntry(store, action, concerned, recordedDetail(`${err.code}: ${message}`), 'refused', randomUUID());
}

async function operatorEntry(store: Store, action: string, resources: AuditEntry['resources'], detail: string, outcome: 'ok' | 'refused', requestId: string): Promise<AuditEntry> {
  return appendAudit(store, {
    requestId,
    department: null,
    user: OPERATOR,
    purpose: null,
    operationName: null,
    documentHash: null,
    kind: 'operator',
    action,
    resources,
    outcome,
    detail,
  });
}

/**
 * `inForce` false: every item the grant names is set aside (item-since.ts), so it covers nothing;
 * `notPublished`: no catalogue in effect publishes its resource, so it gives nothing now.
 */
export function grantStatus(g: Grant, now: Date, inForce = true, notPublished = false): 'active' | 'revoked' | 'expired' | 'pending' | 'set-aside' | 'not-published' {
  if (g.revokedAt !== null) return 'revoked';
  if (isGrantActive(g, now)) return notPublished ? 'not-published' : inForce ? 'active' : 'set-aside';
  return Date.parse(g.from) > now.getTime() ? 'pending' : 'expired';
}

/**
 * One line a person reads: who may read what, for which purposes, until when; with `shown` (the grant as
 * in force: shown.ts), `g` being its grant, the items the grant names that it no longer covers and why.
 */
export function describeGrant(g: Grant, shown?: GrantShown<Grant>): string {
  // Lists kept from before the input bounds are shown cut (shownNames).
  const unmasked = g.unmasked.length ? `, unmasked ${shownNames(g.unmasked).join(', ')}` : '';
  const rows = g.rows ? `, rows of ${shownNames(g.rows).join(', ')}` : '';
  const aside = shown?.setAside.length ? `; set aside: ${shownNames(shown.setAside).join(', ')} (${setAsideReason(shown)})` : '';
  const items = g.items.length ? shownNames(g.items).join(', ') : 'nothing';
  return `${g.requester} may read ${items} of ${g.resource} for ${shownNames(g.purposes).join(', ')}${unmasked}${rows}, until ${g.until ?? 'revoked'}${aside}`;
}

interface AddOptions extends CommonOptions {
  requester: string;
  resource: string;
  items: string;
  purposes: string;
  unmasked?: string;
  rows?: string;
  until?: string;
}

interface ListOptions extends CommonOptions {
  requester?: string;
  resource?: string;
  active?: boolean;
}

export function registerGrantCommands(program: Command): void {
  const grant = program.command('grant').description('grants of conditional sharing (operator)');

  withCommonOptions(
    grant
      .command('add')
      .description('grant a department items of a conditional resource for some purposes')
      .requiredOption('--requester <code>', 'department code of the requester')
      .requiredOption('--resource <code>', 'resource code')
      .requiredOption('--items <a,b>', 'comma-separated items')
      .requiredOption('--purposes <p,q>', 'comma-separated purpose codes')
      .option('--unmasked <a>', 'comma-separated items read unmasked (among --items)')
      .option('--rows <codes>', 'comma-separated division codes narrowing the resource\'s row scope (default: the requester\'s whole region)')
      .option('--until <date>', 'last day of the grant, YYYY-MM-DD (default: until revoked)'),
  ).action(async (opts: AddOptions) => {
    const platform = await loadCommandPlatform(opts.platform);
    await withStore(opts, platform, async (store) => {
      // Marked with their items' runs; the grant records the version it is decided on (newGrant).
      const catalogues = await publishedCatalogues(store);
      await itemHistoryOf(store).mark(catalogues);
      let g: Grant;
      try {
        g = newGrant({ platform, catalogues }, {
          requester: opts.requester,
          resource: opts.resource,
          items: commaList(opts.items),
          purposes: commaList(opts.purposes),
          unmasked: commaList(opts.unmasked),
          rows: opts.rows === undefined ? null : commaList(opts.rows),
          until: opts.until ?? null,
          createdBy: OPERATOR,
        });
      } catch (err) {
        if (!(err instanceof GrantInputError)) throw err;
        const resource = publishedResource(catalogues, opts.resource);
        await auditRefusal(store, 'addGrant', err, resource ? { resource: resource.code, provider: resource.provider } : null);
        throw err;
      }
      // The same grant run twice (a script run again) changes nothing: it says which grant already gives it.
      // Nothing is written, to the grants or the audit log: there is no operator's action to record. One
      // whose items were set aside by a catalogue's revision (item-since.ts) gives less: it is added anew.
      const shown = grantShownAmong(catalogues);
      const existing = await sameGrantStored(store, g, (x) => shown(x).setAside.length === 0);
      const alreadyGives = (x: Grant) =>
        `grant ${x.id} already gives this (made ${x.createdAt} ${x.requestId ? `for request ${x.requestId}` : `by ${x.createdBy}`}): ${describeGrant(x)}; nothing added`;
      if (existing) {
        console.log(alreadyGives(existing));
        return;
      }
      // Its items concerned, as an approval's entry names those it grants.
      const provider = providerOf(catalogues, g.resource);
      const requestId = randomUUID();
      const detail = `grant ${g.id}: ${describeGrant(g)}`;
      const written = await audit(store, 'addGrant', g, provider, detail, 'ok', requestId, g.items);
      try {
        await storeGrant(store, g, { alone: true });
      } catch (err) {
        // The same grant added by another process between the read above and this write (two `grant add`
        // at once): the store's unique key (givesKey) let that one in. This one says so, as the second of
        // two runs one after the other does, and the log says its entry was not done.
        const winner = err instanceof DuplicateKeyError ? await sameGrantStored(store, g, (x) => shown(x).setAside.length === 0) : null;
        if (!winner) throw err;
        await audit(store, 'addGrant', g, provider, `${detail} — ${undone(written.seq, 'not done')}: grant ${winner.id} was added meanwhile and gives this`, 'refused', requestId, g.items)
          .catch(() => undefined);
        console.log(alreadyGives(winner));
        return;
      }
      console.log(`grant ${g.id}: ${describeGrant(g)}`);
    });
  });

  withCommonOptions(
    grant
      .command('list')
      .description('list grants, oldest first')
      .option('--requester <code>', 'only grants to this department')
      .option('--resource <code>', 'only grants of this resource')
      .option('--active', 'only grants in force now (not those whose items are all set aside)'),
  ).action(async (opts: ListOptions) => {
    // With --requester the platform file says which departments there are (one with no grant yet is no
    // unknown one), so the command names it; otherwise it reads the store alone.
    const platform = opts.requester === undefined ? null : await loadCommandPlatform(opts.platform);
    await withStore(opts, platform, async (store) => {
      const now = new Date();
      // A code in another case is the resource's, as grant add takes it (grants keep the code as published);
      // a code never published is refused (filters.ts).
      const resource = opts.resource === undefined ? undefined : await resourceFilter(store, opts.resource);
      // A department's code in another case is the department's, as the grants keep it, or as the platform
      // lists it; a code neither knows is refused (filters.ts).
      const requester = opts.requester === undefined || platform === null ? undefined
        : departmentFilter('--requester', opts.requester, platform.departments.map((d) => d.code), (await listGrants(store)).map((g) => g.requester), 'grant');
      // Each grant as in force, as the gateways decide (item-since.ts): the catalogues in effect marked
      // with their items' runs from the publication history, which is in the store.
      const catalogues = await publishedCatalogues(store);
      await itemHistoryOf(store).mark(catalogues);
      const show = grantShownAmong(catalogues);
      const grants = (await listGrants(store, { requester, resource, active: opts.active, now }))
        .map((g) => ({ stored: g, ...show(g) }))
        .filter((s) => !opts.active || s.inForce);
      if (grants.length === 0) {
        console.log('no grants');
        return;
      }
      // The status column as wide as this listing's longest (`active`, `set-aside`, `not-published`, ...).
      const statuses = grants.map((s) => grantStatus(s.stored, now, s.inForce, s.notPublished));
      const width = Math.max(7, ...statuses.map((t) => t.length));
      grants.forEach(({ stored: g, ...shown }, i) => {
        const by = g.requestId ? `request ${g.requestId}` : `by ${g.createdBy}`;
        // Escaped (terminal.ts): a grant stored before identifiers were checked may hold a user of U+202E.
        console.log(terminalText(`${g.id}  ${statuses[i].padEnd(width)}  ${describeGrant(shown.grant, shown)}  (${by}, ${g.createdAt})`));
      });
    }, { appendsAudit: false });
  });

  withCommonOptions(
    grant
      .command('revoke')
      .description('end a grant at once')
      .argument('<id>', 'grant id (see `govgraph grant list`)'),
  ).action(async (id: string, opts: CommonOptions) => {
    await withStore(opts, null, async (store) => {
      console.log(await revokeAsOperator(store, id));
    });
  });
}

/**
 * The line of `grant revoke` for a grant found revoked already: when and by whom, and that this run
 * revoked nothing. Exit 0, as `grant add` of a grant that already exists ("already gives this ...;
 * nothing added"): the operator asked for the grant to be ended, and it is, so a script may run it again.
 */
const alreadyRevoked = (g: Grant, meanwhile = false) =>
  `grant ${g.id} was already revoked${meanwhile ? ' meanwhile' : ''} at ${g.revokedAt} by ${g.revokedBy ?? 'unknown'}; nothing revoked`;

/**
 * `grant revoke`: ends the grant, audited as the operator; returns the line the command prints. A grant
 * revoked before writes nothing (no operator's action to record). An approver (or another operator) may
 * revoke it between the read and the write: one of the two revokes it; this one then says it was revoked
 * meanwhile, as a run after it would (exit 0, as `grant add` losing its race says "already gives this"),
 * and the log says its `revokeGrant` entry was not done.
 */
export async function revokeAsOperator(store: Store, id: string): Promise<string> {
  const before = await getGrant(store, id);
  if (!before) {
    const err = new GrantNotFoundError(id);
    await auditRefusal(store, 'revokeGrant', err, null);
    throw err;
  }
  if (before.revokedAt !== null) return alreadyRevoked(before);
  // The provider as revokeGrant names it: of a resource no longer published too (a grant outlives its
  // resource), so that the provider reads the revocation of its grant in the audit log; an empty provider hid it.
  const provider = (await providerInStore(store, before.resource)) ?? '';
  const requestId = randomUUID();
  // Said as revokeGrant says it (whom and what the grant was for, its items concerned): a supervisor reads
  // one action in the log, whichever path took it; the operator's read `grant ID revoked` alone.
  const done = `grant ${before.id} to ${before.requester} for ${before.resource} revoked`;
  const written = await audit(store, 'revokeGrant', before, provider, done, 'ok', requestId, before.items);
  const { grant: g, revoked } = await revokeGrantOnce(store, id, OPERATOR);
  if (!revoked) {
    const said = `Grant ${g.id} was revoked meanwhile by ${g.revokedBy} on ${g.revokedAt}.`;
    await audit(store, 'revokeGrant', before, provider, `${done} — ${undone(written.seq, 'not done')}: CONFLICT: ${said}`, 'refused', requestId, before.items).catch(() => undefined);
    return alreadyRevoked(g, true);
  }
  return `grant ${g.id} revoked at ${g.revokedAt}`;
}
