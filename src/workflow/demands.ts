// Demand (SPEC §14, 供需对接): a department that needs data no catalogue offers files a demand with a
// providing department; the provider's approver answers within the platform's `deadlines.demandDays`
// working days, promising a resource code (WILL_CATALOGUE) or declining on a basis (CANNOT_SHARE). A
// promise is FULFILLED by itself when a catalogue version publishing that resource code is published.
// Only the asked department keeps the promise: the code must not be in effect when it is promised (a
// demand is for data no catalogue offers), nor another department's (once published, a code is its
// provider's for good), and it is FULFILLED only by a publication that brings the code into effect as a
// resource the asked department provides; a republication of a code already in effect, or the code
// published as another department's resource, fulfils nothing. Nor does a code that was in effect at any
// moment after the demand was filed: withdrawing it, promising it and publishing it again offered the
// requester what the platform offered when it asked (src/catalogue/code-history.ts). Codes are compared in lower case, as
// everywhere (src/catalogue/codes.ts).
//
// Demands live in `_demands`, flat rows; `items` and `purposes` are JSON arrays in strings.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import { codeKey, codeSpaceOwner } from '../catalogue/codes.ts';
import { codeSpans, spanDuring } from '../catalogue/code-history.ts';
import { recordedPublications, type RecordedPublication } from '../catalogue/repository/publication.ts';
import { catalogueVersions, publishedCatalogues } from '../catalogue/repository/versions.ts';
import type { Catalogue } from '../model/catalogue.ts';
import { deadlinesOf, departmentByCode, listedDepartmentCode } from '../model/platform.ts';
import { and, eq, or, type Filter, type Row, type Store } from '../store/port.ts';
import { strings, text } from '../store/row-values.ts';
import { MAX_TEXT, MAX_TITLE, shownNames, shownNullable, shownText, visibleTrim } from '../model/input-bounds.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from './actor.ts';
import { concerning, perform, undone } from './audit.ts';
import { answerDeadline, type Deadline } from './deadlines.ts';
import { badInput, conflict, listProblems, notFound, type CodedProblem } from './errors.ts';
import { supervisesPlatform } from '../identity/roles.ts';

export const DEMANDS = '_demands';

export type DemandStatus = 'open' | 'will-catalogue' | 'cannot-share' | 'fulfilled';
export type DemandDecision = 'will-catalogue' | 'cannot-share';

export interface Demand {
  id: string;
  title: string;
  description: string;
  /** The data items wanted, as the requester names them. */
  items: string[];
  purposes: string[];
  /** The department asked to provide the data. */
  provider: string;
  /** The requesting department. */
  requester: string;
  requestedBy: string;
  requestedAt: string;
  status: DemandStatus;
  answeredBy: string | null;
  answeredAt: string | null;
  /** CANNOT_SHARE: the legal or policy basis; WILL_CATALOGUE: an optional note. */
  basis: string | null;
  /** WILL_CATALOGUE: the resource code the provider promises to publish. */
  resource: string | null;
  fulfilledAt: string | null;
  /** The catalogue version whose publication fulfilled it, as `id@version`. */
  fulfilledBy: string | null;
}

function toRow(d: Demand): Row {
  return { ...d, items: JSON.stringify(d.items), purposes: JSON.stringify(d.purposes) };
}

function fromRow(r: Row): Demand {
  return {
    id: String(r.id),
    // Text from before the input bounds is cut as shown (shownText); the row keeps it whole.
    title: shownText(String(r.title), MAX_TITLE),
    description: shownText(String(r.description), MAX_TEXT),
    items: shownNames(strings(r.items)),
    purposes: strings(r.purposes),
    provider: String(r.provider),
    requester: String(r.requester),
    requestedBy: String(r.requestedBy),
    requestedAt: String(r.requestedAt),
    status: r.status as DemandStatus,
    answeredBy: text(r.answeredBy),
    answeredAt: text(r.answeredAt),
    basis: shownNullable(text(r.basis), MAX_TEXT),
    resource: text(r.resource),
    fulfilledAt: text(r.fulfilledAt),
    fulfilledBy: text(r.fulfilledBy),
  };
}

const indexed = new WeakSet<Store>();

async function ensureIndexes(store: Store): Promise<void> {
  if (indexed.has(store)) return;
  await store.ensureIndex(DEMANDS, { fields: ['id'], unique: true });
  await store.ensureIndex(DEMANDS, { fields: ['status', 'resource'] });
  await store.ensureIndex(DEMANDS, { fields: ['requester'] });
  await store.ensureIndex(DEMANDS, { fields: ['provider'] });
  indexed.add(store);
}

export async function getDemand(store: Store, id: string): Promise<Demand | null> {
  const rows = await store.find(DEMANDS, { filter: eq('id', id), limit: 1 });
  return rows.length ? fromRow(rows[0]) : null;
}

/** A status as the schema's DemandStatus spells it (will-catalogue is WILL_CATALOGUE), for messages. */
const statusName = (s: DemandStatus) => s.toUpperCase().replace(/-/g, '_');

/** Due `demandDays` working days after the demand; overdue while unanswered. */
export function demandDeadline(env: WorkflowEnv, d: Demand): Deadline {
  return answerDeadline(env.platform, d.requestedAt, deadlinesOf(env.platform).demandDays, d.status === 'open', env.now);
}

// ---- filing --------------------------------------------------------------------------------------

export interface DemandInput {
  title: string;
  description: string;
  items: string[];
  purposes: string[];
  provider: string;
}

/** An applicant asks a department for data no catalogue offers. */
export async function requestData(env: WorkflowEnv, actor: Actor, input: DemandInput): Promise<Demand> {
  return perform(env, actor, 'requestData', input, async () => {
    requireRole(actor, 'applicant', 'file demands for data');
    const problems: CodedProblem[] = [];
    const title = visibleTrim(input.title);
    const description = visibleTrim(input.description);
    const items = [...new Set(input.items.map(visibleTrim).filter(Boolean))];
    // Trimmed as its items are, and as the x-purpose header and requestSharing take a purpose code.
    const purposes = [...new Set(input.purposes.map((p) => p.trim()).filter(Boolean))];
    if (!title) problems.push({ path: 'title', message: 'is empty; say in a few words what data is needed' });
    if (!description) problems.push({ path: 'description', message: 'is empty; say what the data is needed for' });
    if (!items.length) problems.push({ path: 'items', message: 'name at least one data item wanted' });
    const known = new Set(env.platform.purposes.map((p) => p.code));
    purposes.forEach((p, i) => {
      if (!known.has(p)) problems.push({ path: `purposes[${i}]`, message: `${p} is not a purpose of this platform (${[...known].join(', ')})` });
    });
    if (!purposes.length) problems.push({ path: 'purposes', message: 'name at least one purpose' });
    // The asked department is named, not acting: found in any case and with blanks around it, as a
    // department code in a filter is, and kept as the platform lists it (it answers under that code).
    const provider = departmentByCode(env.platform, listedDepartmentCode(env.platform, input.provider));
    if (!provider) problems.push({ path: 'provider', message: `${input.provider} is not a department of this platform` });
    else if (provider.code === actor.dept.code) problems.push({ path: 'provider', message: 'is your own department; a demand asks another department' });
    if (problems.length) throw badInput(listProblems('The demand is refused:', problems), problems);
    await ensureIndexes(env.store);
    const demand: Demand = {
      id: randomUUID(), title, description, items, purposes, provider: provider!.code, requester: actor.dept.code,
      requestedBy: actor.user, requestedAt: env.now.toISOString(), status: 'open',
      answeredBy: null, answeredAt: null, basis: null, resource: null, fulfilledAt: null, fulfilledBy: null,
    };
    return {
      detail: `demand ${demand.id} to ${demand.provider}: ${title} (${items.join(', ')}) for ${purposes.join(', ')}`,
      resources: [],
      apply: async () => {
        await env.store.insert(DEMANDS, [toRow(demand)]);
        return demand;
      },
    };
  });
}

// ---- answering -----------------------------------------------------------------------------------

export interface DemandAnswer {
  id: string;
  decision: DemandDecision;
  basis?: string | null;
  /** WILL_CATALOGUE: the resource code to be published. */
  resource?: string | null;
}

const RESOURCE_CODE = /^[0-9]{6}-[A-Za-z0-9]+-[0-9A-Za-z]+$/;

/** Where a code was published, compared as codes are (lower case): the code as spelt there, and whose it is. */
interface Publication {
  code: string;
  catalogue: string;
  provider: string;
}

/** The resource in effect with this code, if any. */
function inEffect(catalogues: readonly Catalogue[], code: string): Publication | null {
  for (const c of catalogues) {
    for (const r of c.resources) if (codeKey(r.code) === codeKey(code)) return { code: r.code, catalogue: c.id, provider: r.provider };
  }
  return null;
}

/** The first publication of a code, in effect or not: a code once published is its provider's for good. */
async function firstPublished(store: Store, code: string): Promise<Publication | null> {
  for (const v of await catalogueVersions(store).everPublished()) {
    const r = v.catalogue.resources.find((x) => codeKey(x.code) === codeKey(code));
    if (r) return { code: r.code, catalogue: v.id, provider: r.provider };
  }
  return null;
}

/**
 * The asked department's approver answers an OPEN demand; a promise names a resource code not in effect
 * (a demand is for data no catalogue offers, and a code already published could only be "fulfilled" by
 * republishing what was there before), and not another department's (once published, a code is its
 * provider's for good, so the asked department could never publish it). Codes are compared as codes are
 * (lower case): 430000-ga-00001 is the household register's code.
 */
export async function answerDemand(env: WorkflowEnv, actor: Actor, input: DemandAnswer): Promise<Demand> {
  return perform(env, actor, 'answerDemand', input, async (about) => {
    const d = await getDemand(env.store, input.id);
    const promised = input.resource?.trim() || null;
    const code = promised && RESOURCE_CODE.test(promised) ? promised : null;
    const published = code ? inEffect(await publishedCatalogues(env.store), code) : null;
    const first = code && !published ? await firstPublished(env.store, code) : null;
    // The asked department's code offered since the demand was filed, withdrawn since: publishing it again
    // offers what the platform offered when the demand was made, which keeps no promise (as a code in effect).
    const offered = d && code && !published && first?.provider === d.provider ? spanDuring(await codeSpans(env.store, code), d.requestedAt) : undefined;
    // A code never published belongs to the department in whose code space it lies, if any.
    const space = code && !published && !first ? codeSpaceOwner(env.platform, code) : undefined;
    // A refusal names the resource promised too, as published, so that its provider sees the attempt (of a
    // code never published, the department in whose code space it lies).
    if (d && code) about(concerning(published?.code ?? first?.code ?? code, published?.provider ?? first?.provider ?? space?.code ?? d.provider));
    requireRole(actor, 'approver', 'answer demands');
    if (!d) throw notFound(`No demand ${input.id}.`);
    requireDepartment(actor, d.provider, `answer demands to ${d.provider}`);
    if (d.status !== 'open') throw conflict(`Demand ${d.id} was already answered (${statusName(d.status)}) by ${d.answeredBy} on ${d.answeredAt}.`);
    const basis = (input.basis != null && visibleTrim(input.basis)) || null;
    const resource = promised;
    const problems: CodedProblem[] = [];
    if (input.decision === 'cannot-share' && !basis) problems.push({ path: 'basis', message: 'is required to decline: name the law or policy that stops the sharing' });
    if (input.decision === 'will-catalogue') {
      if (!resource) problems.push({ path: 'resource', message: 'is required: the code of the resource your department will publish' });
      else if (!RESOURCE_CODE.test(resource)) {
        problems.push({ path: 'resource', message: `${resource} is not a resource code (e.g. ${d.provider}-00001)` });
      } else if (published) {
        problems.push({
          path: 'resource',
          message: `${resource} is already published (catalogue ${published.catalogue}, provided by ${published.provider}); promise the code of a resource your department will newly publish`,
        });
      } else if (offered) {
        problems.push({
          path: 'resource',
          message: `${resource} was in effect after demand ${d.id} was filed (catalogue ${offered.id} v${offered.version}${offered.to ? `, until ${offered.to}` : ''}): publishing it again offers what was offered then, which keeps no promise; promise the code of a resource your department will newly publish`,
        });
      } else if (first && first.provider !== d.provider) {
        problems.push({
          path: 'resource',
          message: `${resource} was published as ${first.code} of ${first.provider} (catalogue ${first.catalogue}) and stays its code; promise a code your department may publish`,
        });
      } else if (space && space.code !== d.provider) {
        // Never published, in another department's code space: only that department may publish it
        // (src/catalogue/codes.ts), so the asked department could never keep the promise.
        problems.push({
          path: 'resource',
          message: `${resource} is in the code space of ${space.code}, which alone may publish it; promise a code your department may publish (e.g. ${d.provider}-${resource.slice(space.code.length + 1)})`,
        });
      }
    }
    if (problems.length) throw badInput(listProblems('The answer is refused:', problems), problems);
    const answered: Demand = {
      ...d, status: input.decision, answeredBy: actor.user, answeredAt: env.now.toISOString(), basis,
      resource: input.decision === 'will-catalogue' ? resource : null,
    };
    return {
      detail: `demand ${d.id} ${input.decision}${answered.resource ? ` as ${answered.resource}` : ''}${basis ? `: ${basis}` : ''}`,
      resources: answered.resource ? [concerning(answered.resource, d.provider)] : [],
      apply: async () => {
        const { status, answeredBy, answeredAt, basis: b, resource: r } = toRow(answered);
        const n = await env.store.update(DEMANDS, and(eq('id', d.id), eq('status', 'open')), { status, answeredBy, answeredAt, basis: b, resource: r });
        if (n === 0) throw conflict(`Demand ${d.id} was answered meanwhile.`);
        return answered;
      },
    };
  });
}

/** A demand marked FULFILLED; `late`: by another process than its publication's (which stopped first). */
export interface Fulfilment {
  demand: Demand;
  late: boolean;
}

/**
 * Marks FULFILLED every promise (WILL_CATALOGUE) kept by a publication: one whose record (markPublished,
 * written in the same write that published the version) names the promised code among the codes it newly
 * brought into effect, as a resource of the department the demand asked, and that was published after
 * the promise was made. A code that was in effect before a publication is not in its record, so that
 * republishing it keeps nothing, and a publication before the promise (one withdrawn since, say) keeps
 * nothing either: the rule of SPEC §14 (test/attack-demands.test.ts). Nor does a publication of a code
 * that was in effect after the demand was filed, withdrawn before the promise (code-history.ts,
 * test/demand-withdrawn-republished.test.ts). Each is audited first (its entry as
 * the publisher's, `fulfilDemand`), then marked by a write conditional on WILL_CATALOGUE.
 *
 * Being worked out from the records, not from the publication's moment, it is run by the publication's
 * own process right after it, and again by what comes next (the next `catalogue import`, the next read of
 * the demands): a process killed between its publication and the marks (kill -9 of `catalogue import
 * --publish` after its `done` entry, found by the kill walk) left the demands WILL_CATALOGUE for good.
 * Run again, it marks only what is still open. `own`: the request id of the caller's own publication;
 * the entries of the others' say they complete a publication whose process stopped first.
 */
export async function fulfilDemands(env: Pick<WorkflowEnv, 'store' | 'now'>, own: { requestId: string } | null = null): Promise<Fulfilment[]> {
  // In the order the demands list shows (listDemands), so that their audit entries follow it on any store
  // (unsorted, MongoDB promises no order: port.ts).
  const rows = await env.store.find(DEMANDS, {
    filter: eq('status', 'will-catalogue'),
    sort: [{ field: 'requestedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
  });
  if (!rows.length) return [];
  const publications = await recordedPublications(env.store);
  const out: Fulfilment[] = [];
  for (const d of rows.map(fromRow)) {
    if (d.resource === null) continue;
    // Codes compared as codes are (lower case): a promise of 430000-zrzyt-00003 is kept by 430000-ZRZYT-00003.
    const promised = codeKey(d.resource);
    // A promise always has its answer's time; one without (a row written by hand) counts from its request.
    const since = d.answeredAt ?? d.requestedAt;
    let kept: { publication: RecordedPublication; code: string } | null = null;
    for (const p of publications) {
      if (p.publishedAt < since) continue;
      // Another department's resource under the promised code keeps nothing.
      const r = p.record.brought.find((b) => codeKey(b.code) === promised && b.provider === d.provider);
      if (!r) continue;
      // Nor does a code the platform offered after the demand was filed (withdrawn, then promised and
      // published again: answerDemand refuses such a promise now; one stored before is not kept).
      if (!spanDuring(await codeSpans(env.store, d.resource), d.requestedAt, p.publishedAt)) kept = { publication: p, code: r.code };
      break;
    }
    if (!kept) continue;
    const { publication: p, code } = kept;
    const by = p.record.by;
    const fulfilledAt = p.publishedAt;
    const fulfilledBy = `${p.id}@${p.version}`;
    // A demand is its requester's, its provider's and supervisors' to see (seesDemand). The compiler of a
    // basic or subject catalogue that carries the provider's resource is neither: an entry under its
    // department would show it, as its own request, who asked the provider for what. The entry then names
    // no department; the provider and supervisors read it, with the publisher's user.
    const department = by.department === d.provider || by.department === d.requester ? by.department : null;
    const late = own?.requestId !== by.requestId;
    const later = late ? ' (marked after the publication: its process stopped before it marked the demand)' : '';
    const detail = `demand ${d.id} of ${d.requester} fulfilled: ${p.id} v${p.version} publishes ${code}${later}`;
    const entry = (outcome: 'ok' | 'refused' | 'error', text: string) => appendAudit(env.store, {
      time: env.now.toISOString(), requestId: by.requestId, department, user: by.user, purpose: null,
      operationName: null, documentHash: null, kind: by.kind, action: 'fulfilDemand',
      resources: [concerning(code, d.provider)], outcome, detail: text,
    });
    const written = await entry('ok', detail);
    let n: number;
    try {
      n = await env.store.update(DEMANDS, and(eq('id', d.id), eq('status', 'will-catalogue')), { status: 'fulfilled', fulfilledAt, fulfilledBy });
    } catch (err) {
      await entry('error', `${detail} — ${undone(written.seq, 'failed')}: ${(err as Error).message}`).catch(() => undefined);
      throw err;
    }
    if (n) out.push({ demand: { ...d, status: 'fulfilled', fulfilledAt, fulfilledBy }, late });
    // Marked meanwhile by another process completing the same publication (two reads of the demands at
    // once): this entry said it was done, the next that it was not, as a workflow action that loses the
    // store's race says (audit.ts).
    else await entry('refused', `${detail} — ${undone(written.seq, 'not done')}: CONFLICT: demand ${d.id} was marked meanwhile`).catch(() => undefined);
  }
  return out;
}

// ---- reading -------------------------------------------------------------------------------------

export interface DemandViewer {
  dept: string;
  roles: readonly string[];
}

export function seesDemand(env: WorkflowEnv, v: DemandViewer, d: Demand): boolean {
  return d.requester === v.dept || d.provider === v.dept || supervisesPlatform(v, env.platform.platform.competentDepartment);
}

/**
 * Before the demands are read (the `demands` query, once a request; `govgraph demand list`): promises kept
 * by a publication whose process was killed before it marked them are marked now (fulfilDemands), so that
 * no list shows WILL_CATALOGUE a promise whose code is in effect. Best effort, as the indexes are: a store
 * that cannot be written now is read as it is, and a later read marks them.
 */
export async function markKeptPromises(env: Pick<WorkflowEnv, 'store' | 'now'>): Promise<void> {
  await fulfilDemands(env).catch(() => undefined);
}

/** Demands the viewer filed or must answer (supervisors of the competent department: all), oldest first. */
export async function listDemands(
  env: WorkflowEnv,
  viewer: DemandViewer,
  filter: { status?: DemandStatus; overdue?: boolean; id?: string; limit?: number } = {},
): Promise<Demand[]> {
  // A list reads without them when the store cannot be written now (another process's long import holds
  // SQLite's lock): the same entries, unindexed; a later call makes them.
  await ensureIndexes(env.store).catch(() => undefined);
  const conditions: Filter[] = [];
  if (filter.status) conditions.push(eq('status', filter.status));
  if (filter.id) conditions.push(eq('id', filter.id));
  // A department reads only the demands it may see, not the platform's (which any department adds to).
  const all = supervisesPlatform(viewer, env.platform.platform.competentDepartment);
  if (!all) conditions.push(or(eq('requester', viewer.dept), eq('provider', viewer.dept)));
  const rows = await env.store.find(DEMANDS, {
    filter: and(...conditions),
    sort: [{ field: 'requestedAt', direction: 'asc' }, { field: 'id', direction: 'asc' }],
    // The first `limit`, when the store's filter is all there is: `overdue` is told once read.
    limit: filter.overdue === undefined ? filter.limit : undefined,
  });
  return rows.map(fromRow).filter((d) =>
    seesDemand(env, viewer, d) && (filter.overdue === undefined || demandDeadline(env, d).overdue === filter.overdue));
}
