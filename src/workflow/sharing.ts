// Conditional sharing (SPEC §9): a department requests a conditional resource, an approver of the
// providing department decides within 10 working days; an approval creates the grant the access rules
// use (src/access/grants.ts), `revokeGrant` ends one at once.
//
// Requests live in `_sharing_requests`, flat rows; `items` and `purposes` are JSON arrays in strings.
// Whether a request can be made at all is asked of the access decision and the grant checks, not
// restated: a hypothetical grant covering everything requested must pass `grantProblems`, and with it
// every requested item must be readable for every requested purpose (`decide`).
import { findPublishedResource, publishedCode } from './resource-info.ts';
import { randomUUID } from 'node:crypto';
import { decide, HARD_NO } from '../access/decide.ts';
import { effectiveItems, needsGrants } from '../access/effective-share.ts';
import { grantProblems } from '../access/grant-problems.ts';
import {
  getGrant,
  GrantInputError,
  listGrants,
  newGrant,
  revokeGrantOnce,
  storeGrant,
  type Grant,
} from '../access/grants.ts';
import { CATALOGUE_VERSIONS, catalogueVersions, publishedCatalogues } from '../catalogue/repository.ts';
import { codeKey } from '../catalogue/codes.ts';
import { itemHistoryOf } from '../access/item-since.ts';
import type { Catalogue, Resource } from '../model/catalogue.ts';
import type { Department } from '../model/platform.ts';
import { and, DuplicateKeyError, eq, or, type Filter, type Row, type Store } from '../store/port.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from './actor.ts';
import { concerning, perform } from './audit.ts';
import { decisionDeadline, type Deadline } from './deadlines.ts';
import { WorkflowError, badInput, conflict, forbidden, listProblems, notFound, type CodedProblem, type WorkflowCode } from './errors.ts';
import { text, strings } from '../store/row-values.ts';
import { MAX_TEXT, shownNullable, shownText, visibleTrim } from '../model/input-bounds.ts';
import { supervisesPlatform } from '../identity/roles.ts';

export const SHARING_REQUESTS = '_sharing_requests';

export type RequestStatus = 'pending' | 'approved' | 'rejected';

export interface SharingRequest {
  id: string;
  requester: string; // department code
  resource: string;
  provider: string;
  items: string[];
  purposes: string[];
  justification: string;
  until: string | null; // requested end date
  status: RequestStatus;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null; // the decision's comment (required for a rejection)
  grantId: string | null;
}


/**
 * One pending request per requester and resource, held by the store: `openKey` is the same for every
 * pending request of a requester and resource and unique to each decided one, under a unique index
 * (a check before the insert alone lets two instances both insert). Every adapter can hold such an index
 * (MongoDB's unique indexes count a missing field as null, so the key is never missing).
 */
const openKey = (r: Pick<SharingRequest, 'id' | 'requester' | 'resource' | 'status'>): string =>
  r.status === 'pending' ? `pending|${r.requester}|${r.resource}` : `decided|${r.id}`;

function toRow(r: SharingRequest): Row {
  return { ...r, items: JSON.stringify(r.items), purposes: JSON.stringify(r.purposes), openKey: openKey(r) };
}

function fromRow(r: Row): SharingRequest {
  return {
    id: String(r.id),
    requester: String(r.requester),
    resource: String(r.resource),
    provider: String(r.provider),
    items: strings(r.items),
    purposes: strings(r.purposes),
    // Text from before the input bounds is cut as shown (shownText); the row keeps it whole. The lists
    // are not: a decision grants them.
    justification: shownText(String(r.justification), MAX_TEXT),
    until: text(r.until),
    status: r.status as RequestStatus,
    requestedBy: String(r.requestedBy),
    requestedAt: String(r.requestedAt),
    decidedBy: text(r.decidedBy),
    decidedAt: text(r.decidedAt),
    reason: shownNullable(text(r.reason), MAX_TEXT),
    grantId: text(r.grantId),
  };
}

const indexed = new WeakSet<Store>();

/**
 * Gives each decided request still holding the pending key `key` its own, and says how many. A gateway older
 * than openKey (before 2 December 2026) decides a request by setting its status alone, so in a rolling
 * upgrade a request asked at a new gateway and decided at an old one kept the pending key: every later
 * request of that department for that resource was refused CONFLICT for good. Conditional on the status
 * read, so a pending request (another instance's that won) keeps its key.
 */
async function releaseDecidedKeys(store: Store, key: string): Promise<number> {
  let released = 0;
  for (const r of await store.find(SHARING_REQUESTS, { filter: eq('openKey', key), projection: ['id', 'status'] })) {
    if (r.status === 'pending') continue;
    const decided = { id: String(r.id), requester: '', resource: '', status: r.status as RequestStatus };
    released += await store.update(SHARING_REQUESTS, and(eq('id', decided.id), eq('openKey', key), eq('status', decided.status)), { openKey: openKey(decided) });
  }
  return released;
}

async function ensureIndexes(store: Store): Promise<void> {
  if (indexed.has(store)) return;
  await store.ensureIndex(SHARING_REQUESTS, { fields: ['id'], unique: true });
  await store.ensureIndex(SHARING_REQUESTS, { fields: ['requester', 'status'] });
  await store.ensureIndex(SHARING_REQUESTS, { fields: ['provider', 'status'] });
  // Requests stored before openKey existed get theirs first, so that the unique index can be made.
  for (const row of await store.find(SHARING_REQUESTS, { filter: eq('openKey', null), projection: ['id', 'requester', 'resource', 'status'] })) {
    const r = { id: String(row.id), requester: String(row.requester), resource: String(row.resource), status: row.status as RequestStatus };
    await store.update(SHARING_REQUESTS, eq('id', r.id), { openKey: openKey(r) });
  }
  await store.ensureIndex(SHARING_REQUESTS, { fields: ['openKey'], unique: true });
  indexed.add(store);
}

export async function getSharingRequest(store: Store, id: string): Promise<SharingRequest | null> {
  const rows = await store.find(SHARING_REQUESTS, { filter: eq('id', id), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

/**
 * The grant an approval made but did not store: the request and its grant are two writes, and a process
 * killed between them leaves the request approved, naming a grant that is not there. The approval keeps
 * the grant it made (`approvedGrant`), so deciding again stores that very grant (its id is unique: two
 * processes finishing it at once store it once). Null when the request has its grant, or is no approval.
 */
async function unstoredGrant(store: Store, request: SharingRequest): Promise<Grant | null> {
  if (request.status !== 'approved' || !request.grantId || (await getGrant(store, request.grantId))) return null;
  const [row] = await store.find(SHARING_REQUESTS, { filter: eq('id', request.id), projection: ['approvedGrant'], limit: 1 });
  return typeof row?.approvedGrant === 'string' ? (JSON.parse(row.approvedGrant) as Grant) : null;
}

/** Stores an approval's grant, once: another process may be storing it too. True when this call stored it. */
async function storeApprovedGrant(store: Store, grant: Grant): Promise<boolean> {
  try {
    await storeGrant(store, grant);
    return true;
  } catch (err) {
    if (!(err instanceof DuplicateKeyError && (await getGrant(store, grant.id)))) throw err;
    return false;
  }
}

/**
 * An approval made before approvals kept their grant (`grantId` in the claiming write) and interrupted
 * between its writes: the request approved without `grantId`. The grant was made after the claim: it is
 * missing, or stored (it names the request) but not linked. Nothing of it can be finished as it was decided
 * (the narrowing is only in its audit entry), so deciding again links the grant stored, or approves anew.
 */
const lostGrant = (request: SharingRequest): boolean => request.status === 'approved' && !request.grantId;

/** The grant an approval stored for this request, found by the request it names. */
async function grantOfRequest(store: Store, request: SharingRequest): Promise<Grant | null> {
  const grants = await listGrants(store, { requester: request.requester, resource: request.resource });
  return grants.find((g) => g.requestId === request.id) ?? null;
}

export function requestDeadline(env: WorkflowEnv, r: SharingRequest): Deadline {
  return decisionDeadline(env.platform, r.requestedAt, r.status === 'pending', env.now);
}

function findResource(catalogues: readonly Catalogue[], code: string): Resource | undefined {
  return findPublishedResource(catalogues, code)?.resource;
}

/** The providing department of a resource, published or once published (for grants outliving it). */
export async function providerOf(store: Store, code: string): Promise<string | null> {
  return providerLookup(store)(code);
}

/**
 * providerOf for many codes (one request's grants): the versions in effect are read whole once, and for a
 * code none of them publishes, the newest version (by id, then number) carrying it is found from the
 * versions' small `carries` field (repository.ts), read once, and only that version is read whole. Each
 * such code read and parsed every version of every catalogue, at every grant of it in a list: a grant
 * whose resource no version carries any more (nothing gives it a provider) did so at every list.
 */
export function providerLookup(store: Store): (code: string) => Promise<string | null> {
  const versions = catalogueVersions(store);
  let published: Promise<Catalogue[]> | undefined;
  let carriers: Promise<Map<string, { id: string; version: number }>> | undefined;
  const answers = new Map<string, Promise<string | null>>();
  async function lookUp(code: string): Promise<string | null> {
    const r = findResource(await (published ??= versions.published().then((vs) => vs.map((v) => v.catalogue))), code);
    if (r) return r.provider;
    const carrier = (await (carriers ??= newestCarriers(store))).get(codeKey(code.trim()));
    const v = carrier && (await versions.get(carrier.id, carrier.version));
    return (v && findResource([v.catalogue], code)?.provider) ?? null;
  }
  return (code) => {
    let answer = answers.get(code);
    if (!answer) answers.set(code, (answer = lookUp(code)));
    return answer;
  };
}

/** By code key, the newest version (by id, then number, any status) carrying the code, from what each version carries. */
async function newestCarriers(store: Store): Promise<Map<string, { id: string; version: number }>> {
  const out = new Map<string, { id: string; version: number }>();
  const rows = await store.find(CATALOGUE_VERSIONS, {
    projection: ['id', 'version', 'carries'],
    sort: [{ field: 'id', direction: 'desc' }, { field: 'version', direction: 'desc' }],
  });
  for (const row of rows) {
    const at = { id: String(row.id), version: Number(row.version) };
    // A version stored before versions kept what they carry: its document's codes.
    const codes = typeof row.carries === 'string'
      ? Object.keys(JSON.parse(row.carries) as Record<string, unknown>)
      : ((await catalogueVersions(store).get(at.id, at.version))?.catalogue.resources.map((r) => r.code) ?? []);
    for (const c of codes) if (!out.has(codeKey(c))) out.set(codeKey(c), at);
  }
  return out;
}

// ---- the request ---------------------------------------------------------------------------------

export interface SharingRequestInput {
  resource: string;
  items: string[];
  purposes: string[];
  justification: string;
  until?: string | null;
}

/** Names as typed in a list: trimmed, blanks dropped, each once. */
const names = (given: readonly string[]): string[] => [...new Set(given.map((x) => x.trim()).filter((x) => x !== ''))];

/** The access codes a refusal may carry, in the order of the access table; the first present wins. */
const ACCESS_CODE_ORDER: readonly WorkflowCode[] = ['NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE', 'PURPOSE_OUT_OF_SCOPE'];

/** Every reason the request cannot be made, as problems (path = input field). */
export function requestProblems(
  requester: Department,
  resource: Resource,
  input: SharingRequestInput,
  catalogues: readonly Catalogue[],
  env: WorkflowEnv,
): CodedProblem[] {
  const problems: CodedProblem[] = [];
  // Row 1 of the access table, asked of it rather than restated: a resource shared with no one.
  const whole = decide({ requester, purpose: null, resource, item: null, grants: [], now: env.now });
  if (!whole.allowed && whole.code === 'NOT_SHARED') {
    return [{ path: 'resource', code: 'NOT_SHARED', message: `${resource.code} (${resource.name}) is not shared; no request can open it.` }];
  }
  if (!needsGrants(resource)) {
    return [{ path: 'resource', message: `${resource.code} (${resource.name}) is shared unconditionally: no request is needed, read it within its scope of use.` }];
  }
  // The grant the request asks for must be one the platform could make...
  const hypothetical = {
    requester: requester.code, resource: resource.code, items: input.items, purposes: input.purposes,
    until: input.until ?? null, createdBy: 'request',
  };
  // A problem about the requester or a purpose carries the code of the access row that refuses it.
  const purposeAt = (path: string) => {
    const m = /^purposes\[(\d+)\]$/.exec(path);
    return m ? input.purposes[Number(m[1])] : (input.purposes[0] ?? null);
  };
  // A code the platform does not list is bad input, as in the x-purpose header and a demand, not a
  // purpose outside the resource's scope (which it would be for any resource that lists purposes).
  const vocabulary = new Set(env.platform.purposes.map((x) => x.code));
  // An item that its own share settings close to the requester (`none`, no api, a narrower scope) carries
  // that row's code too, as the items' checks below would give it.
  const items = effectiveItems(resource);
  const itemAt = (path: string) => {
    const m = /^items\[(\d+)\]$/.exec(path);
    return m ? items.get(input.items[Number(m[1])]!) ?? null : null;
  };
  for (const p of grantProblems({ platform: env.platform, catalogues }, hypothetical, env.now)) {
    const purpose = p.path.startsWith('purposes[') ? purposeAt(p.path) : null;
    const item = itemAt(p.path);
    const about = p.path === 'requester' || (purpose != null && vocabulary.has(purpose)) || item !== null;
    const d = about ? decide({ requester, purpose: purposeAt(p.path), resource, item, grants: [], now: env.now }) : null;
    // On an item, only the rows a grant cannot lift: those are what grantProblems refused it for.
    const coded = d && !d.allowed && ACCESS_CODE_ORDER.includes(d.code as WorkflowCode) && (item === null || HARD_NO.has(d.code));
    problems.push(coded ? { ...p, code: d.code } : p);
  }
  if (problems.length) return problems;
  // ...and with it, every item must be readable for every purpose: what is left to deny is the items'
  // own share settings (a tighter scope, a method, `none`).
  const grant: Grant = {
    id: 'hypothetical', ...hypothetical, unmasked: [], from: env.now.toISOString(), until: null,
    revokedAt: null, revokedBy: null, createdAt: env.now.toISOString(), requestId: null,
  };
  input.items.forEach((name, i) => {
    const item = items.get(name)!;
    for (const purpose of input.purposes) {
      const d = decide({ requester, purpose, resource, item, grants: [grant], now: env.now });
      if (!d.allowed) problems.push({ path: `items[${i}]`, code: d.code, message: d.message });
    }
  });
  return problems;
}

function refusal(problems: CodedProblem[]): WorkflowError {
  const code = ACCESS_CODE_ORDER.find((c) => problems.some((p) => p.code === c)) ?? 'BAD_USER_INPUT';
  return new WorkflowError(code, listProblems('The sharing request is refused:', problems), problems);
}

/** An applicant asks the provider of a conditional resource for a grant; refused at once with the reason. */
export async function requestSharing(env: WorkflowEnv, actor: Actor, input: SharingRequestInput): Promise<SharingRequest> {
  return perform(env, actor, 'requestSharing', input, async (about) => {
    const catalogues = await publishedCatalogues(env.store);
    const resource = findResource(catalogues, input.resource);
    if (resource) about(concerning(resource.code, resource.provider)); // a refusal's provider sees it
    requireRole(actor, 'applicant', 'request sharing');
    if (!resource) throw notFound(`No published resource ${input.resource}; the catalogues query lists them.`);
    if (resource.provider === actor.dept.code) throw badInput(`${actor.dept.code} provides ${resource.code} itself; it needs no grant.`);
    // Names and codes trimmed, blanks dropped, as the grant checks take them and `grant add` stores them:
    // ' aid-review' was refused as outside the scope of use, and ' area' stored as requested.
    const items = names(input.items);
    const purposes = names(input.purposes);
    const justification = visibleTrim(input.justification);
    const clean = { ...input, items, purposes, justification };
    const problems = requestProblems(actor.dept, resource, clean, catalogues, env);
    if (!justification) problems.push({ path: 'justification', message: 'Say why the data is needed: give a justification.' });
    if (problems.length) throw refusal(problems);
    await ensureIndexes(env.store);
    const open = await env.store.find(SHARING_REQUESTS, {
      filter: and(eq('requester', actor.dept.code), eq('resource', resource.code), eq('status', 'pending')),
      limit: 1,
    });
    if (open.length) throw conflict(`${actor.dept.code} already has a pending request ${String(open[0].id)} for ${resource.code}; wait for its decision.`);
    const request: SharingRequest = {
      id: randomUUID(),
      requester: actor.dept.code,
      resource: resource.code,
      provider: resource.provider,
      items,
      purposes,
      justification,
      until: input.until ?? null,
      status: 'pending',
      requestedBy: actor.user,
      requestedAt: env.now.toISOString(),
      decidedBy: null,
      decidedAt: null,
      reason: null,
      grantId: null,
    };
    return {
      detail: `sharing request ${request.id} for ${resource.code} (${items.join(', ')}) for ${purposes.join(', ')}`,
      resources: [concerning(resource.code, resource.provider, items)],
      apply: async () => {
        const row = toRow(request);
        try {
          await env.store.insert(SHARING_REQUESTS, [row]);
        } catch (err) {
          // Another instance inserted one meanwhile: the unique openKey settles it. Unless only requests an
          // older writer decided hold the key: freed, and the insert tried once more.
          if (!(err instanceof DuplicateKeyError)) throw err;
          if ((await releaseDecidedKeys(env.store, String(row.openKey))) === 0) throw conflict(`${actor.dept.code} already has a pending request for ${resource.code}; wait for its decision.`);
          try {
            await env.store.insert(SHARING_REQUESTS, [row]);
          } catch (again) {
            if (again instanceof DuplicateKeyError) throw conflict(`${actor.dept.code} already has a pending request for ${resource.code}; wait for its decision.`);
            throw again;
          }
        }
        return request;
      },
    };
  });
}

// ---- the decision --------------------------------------------------------------------------------

export type SharingDecision = 'approve' | 'reject';

export interface DecisionInput {
  id: string;
  decision: SharingDecision;
  /** Approve: the items granted, a subset of those requested (default: all of them). */
  items?: string[] | null;
  /** Approve: the grant's end date, no later than the one requested (default: the one requested). */
  until?: string | null;
  /** Approve: items read unmasked, among those granted. */
  unmasked?: string[] | null;
  /** Approve: division codes narrowing the resource's row scope (default: the requester's whole region). */
  rows?: string[] | null;
  reason?: string | null;
}

/**
 * An approver of the providing department decides a pending request: approving creates the grant,
 * possibly narrowed; rejecting needs a reason. A decided request cannot be decided again (CONFLICT), but
 * for an approval interrupted before its grant was stored, which deciding again finishes.
 */
export async function decideSharingRequest(env: WorkflowEnv, actor: Actor, input: DecisionInput): Promise<SharingRequest> {
  return perform(env, actor, 'decideSharingRequest', input, async (about) => {
    const request = await getSharingRequest(env.store, input.id);
    if (request) about(concerning(request.resource, request.provider)); // a refusal's provider sees it
    requireRole(actor, 'approver', 'decide sharing requests');
    if (!request) throw notFound(`No sharing request ${input.id}.`);
    requireDepartment(actor, request.provider, `decide requests for ${request.resource}`);
    const lost = lostGrant(request);
    const approvedOn = `approved by ${request.decidedBy} on ${request.decidedAt}`;
    if (lost) {
      const stored = await grantOfRequest(env.store, request);
      if (stored) {
        return {
          detail: `sharing request ${request.id} ${approvedOn}: its grant ${stored.id}, stored then but not named on the request, named now`,
          resources: [concerning(request.resource, request.provider, stored.items)],
          apply: async () => {
            await env.store.update(SHARING_REQUESTS, and(eq('id', request.id), eq('grantId', null)), { grantId: stored.id });
            return (await getSharingRequest(env.store, request.id))!;
          },
        };
      }
      if (input.decision === 'reject') {
        throw conflict(`Sharing request ${request.id} was ${approvedOn}, but its grant was never stored (the approval was interrupted); approve it again to make its grant.`);
      }
    } else if (request.status !== 'pending') {
      const unstored = await unstoredGrant(env.store, request);
      if (!unstored) throw conflict(`Sharing request ${request.id} was already ${request.status} by ${request.decidedBy} on ${request.decidedAt}.`);
      // Approved, but the process died before storing the grant: this decision finishes that one.
      return {
        detail: `sharing request ${request.id} approved by ${request.decidedBy} on ${request.decidedAt}: its grant ${unstored.id}, not stored then, stored now`,
        resources: [concerning(request.resource, request.provider, unstored.items)],
        apply: async () => {
          // Two decisions finishing it at once (or the approval itself, still alive): one stores it.
          if (!(await storeApprovedGrant(env.store, unstored))) {
            throw conflict(`Sharing request ${request.id}'s grant ${unstored.id} was stored meanwhile; nothing was left to finish.`);
          }
          return (await getSharingRequest(env.store, request.id))!;
        },
      };
    }
    const reason = (input.reason != null && visibleTrim(input.reason)) || null;
    // A pending request is claimed by its decision; an approval that lost its grant (above) by its new grant.
    const claimable = lost ? and(eq('id', request.id), eq('status', 'approved'), eq('grantId', null)) : and(eq('id', request.id), eq('status', 'pending'));
    const claim = async (set: Row) => {
      const n = await env.store.update(SHARING_REQUESTS, claimable, { ...set, openKey: openKey({ ...request, status: 'approved' }) });
      if (n === 0) throw conflict(`Sharing request ${request.id} was decided meanwhile.`);
    };
    const decided = { decidedBy: actor.user, decidedAt: env.now.toISOString(), reason };
    const resources = (items: string[]) => [concerning(request.resource, request.provider, items)];

    if (input.decision === 'reject') {
      if (!reason) throw badInput('Say why the request is rejected: give a reason.');
      return {
        detail: `sharing request ${request.id} rejected: ${reason}`,
        resources: resources(request.items),
        apply: async () => {
          await claim({ status: 'rejected', ...decided });
          return (await getSharingRequest(env.store, request.id))!;
        },
      };
    }

    // Trimmed, as `request decide --items` hands them over and the grant checks read them: 'name ' was
    // refused as not requested through the field, and granted through the command.
    const given = input.items?.map((i) => i.trim());
    const items = given?.length ? [...new Set(given)] : request.items;
    const unmasked = names(input.unmasked ?? []);
    const rows = input.rows == null ? null : input.rows.map((r) => r.trim());
    const until = input.until ?? request.until;
    const problems: CodedProblem[] = [];
    items.forEach((name, i) => {
      if (!request.items.includes(name)) problems.push({ path: `items[${i}]`, message: `${name} was not requested; an approval may only narrow the items (${request.items.join(', ')}).` });
    });
    if (request.until && until && until > request.until) {
      problems.push({ path: 'until', message: `${until} is later than the end date requested (${request.until}); an approval may only shorten it.` });
    }
    const grantInput = {
      requester: request.requester, resource: request.resource, items, purposes: request.purposes, unmasked,
      rows, until, createdBy: actor.user, requestId: request.id,
    };
    // Every problem at once: the approval's own, then the grant's on the paths not already named.
    const grantCheck = grantProblems({ platform: env.platform, catalogues: await publishedCatalogues(env.store) }, grantInput, env.now);
    problems.push(...grantCheck.filter((g) => !problems.some((p) => p.path === g.path)));
    if (problems.length) throw badInput(listProblems('The approval is refused:', problems), problems);
    return {
      detail: `sharing request ${request.id} ${lost ? `${approvedOn}, its grant never stored, approved again` : 'approved'}: ${items.join(', ')}${unmasked.length ? ` (unmasked: ${unmasked.join(', ')})` : ''} for ${request.purposes.join(', ')}${rows ? ` rows of ${rows.join(', ')}` : ''} until ${until ?? 'no end'}`,
      resources: resources(items),
      apply: async () => {
        let grant: Grant;
        try {
          // Marked with their items' runs; the grant records the version it is decided on (newGrant).
          const catalogues = await publishedCatalogues(env.store);
          await itemHistoryOf(env.store).mark(catalogues);
          grant = newGrant({ platform: env.platform, catalogues }, grantInput, env.now);
        } catch (err) {
          if (err instanceof GrantInputError) throw badInput(err.message, err.problems);
          throw err;
        }
        // The approval names and keeps its grant before the grant is stored (see unstoredGrant). Approved
        // again (a lost grant), the request keeps the decision it had: the audit log holds both.
        const kept = { grantId: grant.id, approvedGrant: JSON.stringify(grant) };
        await claim(lost ? kept : { status: 'approved', ...decided, ...kept });
        try {
          await storeApprovedGrant(env.store, grant);
        } catch (err) {
          await env.store.update(SHARING_REQUESTS, and(eq('id', request.id), eq('grantId', grant.id)), lost ? { grantId: null, approvedGrant: null } : {
            status: 'pending', decidedBy: null, decidedAt: null, reason: null, grantId: null, approvedGrant: null, openKey: openKey(request),
          });
          throw err;
        }
        return (await getSharingRequest(env.store, request.id))!;
      },
    };
  });
}

/** An approver of the providing department ends a grant at once. */
export async function revokeGrant(env: WorkflowEnv, actor: Actor, input: { id: string; reason?: string | null }): Promise<Grant> {
  return perform(env, actor, 'revokeGrant', input, async (about) => {
    const grant = await getGrant(env.store, input.id);
    const provider = grant ? await providerOf(env.store, grant.resource) : null;
    // A refusal names the resource (no items), so its provider sees the attempt too.
    if (grant && provider) about(concerning(grant.resource, provider));
    requireRole(actor, 'approver', 'revoke grants');
    if (!grant) throw notFound(`No grant ${input.id}.`);
    if (provider !== actor.dept.code) throw forbidden(`Only the provider of ${grant.resource} (${provider ?? 'unknown'}) may revoke its grants; you act for ${actor.dept.code}.`);
    if (grant.revokedAt) throw conflict(`Grant ${grant.id} was already revoked by ${grant.revokedBy} on ${grant.revokedAt}.`);
    const reason = input.reason == null ? undefined : visibleTrim(input.reason);
    return {
      detail: `grant ${grant.id} to ${grant.requester} for ${grant.resource} revoked${reason ? `: ${reason}` : ''}`,
      resources: [concerning(grant.resource, provider, grant.items)],
      apply: async () => {
        // Two approvers revoking at once both pass the check above: the store's conditional write (revokedAt
        // still null) lets one through, the other is told who revoked it (it did nothing).
        const { grant: now, revoked } = await revokeGrantOnce(env.store, grant.id, actor.user, env.now);
        if (!revoked) throw conflict(`Grant ${grant.id} was revoked meanwhile by ${now.revokedBy} on ${now.revokedAt}.`);
        return now;
      },
    };
  });
}

// ---- reading -------------------------------------------------------------------------------------

export type SharingSide = 'requester' | 'provider';

/**
 * Requests a department sees: those it made and those for resources it provides; the competent
 * department's supervisors see all. `inEffect`: the catalogues in effect, when the caller holds them.
 */
export async function listSharingRequests(
  env: WorkflowEnv,
  viewer: { dept: string; roles: readonly string[] },
  filter: { side?: SharingSide; status?: RequestStatus; overdue?: boolean; resource?: string; limit?: number } = {},
  inEffect?: readonly Catalogue[],
): Promise<SharingRequest[]> {
  // A list reads without them when the store cannot be written now (another process's long import holds
  // SQLite's lock): the same entries, unindexed; a later call makes them.
  await ensureIndexes(env.store).catch(() => undefined);
  const all = supervisesPlatform(viewer, env.platform.platform.competentDepartment);
  // A code in another case is the resource's, as requestSharing takes it (requests keep the code as published):
  // found among the catalogues in effect the gateway holds (`inEffect`), read from the store only without them.
  const resource = filter.resource ? await publishedCode(env.store, inEffect ?? (await publishedCatalogues(env.store)), filter.resource) : undefined;
  // A department reads only the requests it may see, not the platform's whole history of them.
  const sides: Filter[] = [];
  if (filter.side === 'requester') sides.push(eq('requester', viewer.dept));
  if (filter.side === 'provider') sides.push(eq('provider', viewer.dept));
  if (!filter.side && !all) sides.push(or(eq('requester', viewer.dept), eq('provider', viewer.dept)));
  const rows = await env.store.find(SHARING_REQUESTS, {
    filter: and(
      ...(filter.status ? [eq('status', filter.status)] : []),
      ...(resource ? [eq('resource', resource)] : []),
      ...sides,
    ),
    sort: [{ field: 'requestedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `overdue` is told once read.
    limit: filter.overdue === undefined ? filter.limit : undefined,
  });
  return rows.map(fromRow).filter((r) => {
    const mine = r.requester === viewer.dept;
    const theirs = r.provider === viewer.dept;
    if (filter.side === 'requester' && !mine) return false;
    if (filter.side === 'provider' && !theirs) return false;
    if (!all && !mine && !theirs) return false;
    return filter.overdue === undefined || requestDeadline(env, r).overdue === filter.overdue;
  });
}

/** Whether `dept` may see this request (made it, provides the resource, or supervises). */
export function seesRequest(env: WorkflowEnv, viewer: { dept: string; roles: readonly string[] }, r: SharingRequest): boolean {
  return r.requester === viewer.dept || r.provider === viewer.dept || supervisesPlatform(viewer, env.platform.platform.competentDepartment);
}

