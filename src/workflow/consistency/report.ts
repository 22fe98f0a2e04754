// The consistency report as asked for (the consistencyReport query, `govgraph consistency`), audited as a
// workflow action.
import { randomUUID } from 'node:crypto';
import { activeGrantsFor } from '../../access/grants/listing.ts';
import type { Grant } from '../../access/grant-model.ts';
import { appendAudit } from '../../audit/log.ts';
import type { AuditResource } from '../../audit/entry.ts';
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import type { ReadOptions, Store } from '../../store/port.ts';
import { type Actor, type WorkflowEnv, requireCompetent, requireRole } from '../actor.ts';
import { concerning, perform } from '../audit.ts';
import { requireBounded } from '../bounds.ts';
import { badInput } from '../errors.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { everPublishedCatalogues } from '../resource-info.ts';
import { type ConsistencyPair, consistencyPairs } from './pairs.ts';
import { compareConsistency } from './compare.ts';
import { readerView } from './views.ts';

/**
 * The audit entry's detail: the pairs, not the records compared or differing. Supervisors read every
 * entry (SPEC §10), the operator's too, whose figures count every record: in the log they would tell a
 * supervisor how many records differ outside the rows its own report counts (SPEC §6).
 */
const reportDetail = (pairs: ConsistencyPair[], element?: string | null) =>
  `consistency report${element ? ` for ${element}` : ''}: ${pairs.length} pair${pairs.length === 1 ? '' : 's'} of resources compared`;

/** Why a report of `element` is refused: no resource ever published has an item of it (the field's words). */
const unknownElement = (element: string) => `consistencyReport is refused: no published resource has an item of data element ${element}.`;

type PairItems = Pick<ConsistencyPair, 'left' | 'leftItem' | 'leftKey' | 'right' | 'rightItem' | 'rightKey'>;

const about = (pairs: PairItems[]) => {
  const seen = new Map<string, string[]>();
  return pairs.flatMap((p) => [[p.left, p.leftItem, p.leftKey], [p.right, p.rightItem, p.rightKey]] as const)
    .filter(([code, ...items]) => {
      const known = seen.get(code);
      seen.set(code, [...new Set([...(known ?? []), ...items])]);
      return !known;
    })
    .map(([code]) => code)
    .map((code) => ({ code, items: seen.get(code)! }));
};

/**
 * `element` as the platform writes it, when a resource ever published (in effect, superseded or withdrawn)
 * has an item of it in any case (an element is written one way on the platform: `xz-yaks` is XZ-YAKS);
 * null when none has.
 */
async function writtenElement(store: Store, element: string): Promise<string | null> {
  const key = element.toLowerCase();
  for (const c of await everPublishedCatalogues(store)) {
    for (const r of c.resources) for (const i of r.items) if (i.element?.toLowerCase() === key) return i.element;
  }
  return null;
}

/** How a request's report reads the records: the store of its reads (one that stops once it is cancelled) and what each join tells it. */
interface ReportReads {
  store: Store;
  options: ReadOptions;
}

/**
 * The report as a supervisor of the competent department asks for it, audited as a workflow action; the
 * sample keys as its department reads them with the actor's purpose and `grants` (by default those it
 * holds now). The joins read through `reads` (by default `env`'s store); the audit entry is written to `env`'s.
 */
export async function consistencyReport(
  env: WorkflowEnv, actor: Actor, element?: string | null, grants?: readonly Grant[], reads?: ReportReads,
): Promise<ConsistencyPair[]> {
  const resources = new Map((await publishedCatalogues(env.store)).flatMap((c) => c.resources).map((r) => [r.code, r]));
  return perform(env, actor, 'consistencyReport', { element }, async (concern) => {
    requireRole(actor, 'supervisor', 'read consistency reports');
    requireCompetent(env, actor, 'read consistency reports');
    // An empty element is no element's code: said so, as the command says it, not answered with no pairs;
    // one of characters that show nothing alone (`\u200b`) is as empty (visibleTrim), not quoted as unknown.
    if (element != null && !visibleTrim(element)) {
      throw badInput('consistencyReport is refused: name a data element, or leave element out for every element.', [{ path: 'element', message: 'is empty' }]);
    }
    const held = grants ?? (await activeGrantsFor(env.store, actor.dept.code, env.now));
    const reader = { requester: actor.dept, purpose: actor.purpose, grants: held, now: env.now };
    // Trimmed, as the command's element and every code the workflow takes: ' DE-0002' matched no element.
    const named = element?.trim();
    // An element no resource ever published carries is refused, as the command refuses it (cli/filters.ts):
    // answered with no pairs, a typing slip (`SX-VETRAN`) read as "nothing to compare". An element that
    // only one provider's resources carry is known: no pair, rightly.
    const written = named ? await writtenElement(reads?.store ?? env.store, named) : null;
    if (named && !written) {
      throw badInput(unknownElement(named), [
        { path: 'element', message: `${named} is no published resource's data element` },
      ]);
    }
    // The resources about to be compared, for the entry of a report stopped on the way (perform).
    const candidates = consistencyPairs([...resources.values()], named);
    concern(...about(candidates.map((c) => ({ left: c.left.code, leftItem: c.leftItem.name, leftKey: c.leftKey.name, right: c.right.code, rightItem: c.rightItem.name, rightKey: c.rightKey.name })))
      .map((a) => concerning(a.code, resources.get(a.code)!.provider, a.items)));
    const pairs = await compareConsistency({ store: reads?.store ?? env.store }, named, readerView(reader), reads?.options);
    return {
      // The element as the platform writes it, whatever case it was asked in: the entry says which element.
      detail: reportDetail(pairs, written ?? named),
      resources: about(pairs).map((a) => concerning(a.code, resources.get(a.code)!.provider, a.items)),
      apply: async () => pairs,
    };
  });
}

/**
 * The operator's report refused before it compared anything (`--element` naming an element no resource
 * ever published carries), with its `refused` operator entry, as the field's refusal has its own and as
 * the operator's other commands record theirs (SPEC §14: every action audited like the workflow's).
 */
export async function refuseOperatorConsistencyReport(env: WorkflowEnv, element: string): Promise<void> {
  await operatorEntry(env, 'refused', [], `BAD_USER_INPUT: ${unknownElement(element.trim())}`);
}

/** The operator's entry of a report (`govgraph consistency report`), its outcome and what it was about. */
async function operatorEntry(env: WorkflowEnv, outcome: 'ok' | 'refused', resources: AuditResource[], detail: string): Promise<void> {
  await appendAudit(env.store, {
    time: env.now.toISOString(), requestId: randomUUID(), department: null, user: 'operator', purpose: null,
    operationName: null, documentHash: null, kind: 'operator', action: 'consistencyReport', resources, outcome, detail,
  });
}

/** The report as the operator runs it (`govgraph consistency report`), with an operator entry in the audit log. */
export async function operatorConsistencyReport(env: WorkflowEnv, element?: string): Promise<ConsistencyPair[]> {
  requireBounded('consistencyReport', { element }); // the field's bound (bounds.ts), before anything is read or audited
  const resources = new Map((await publishedCatalogues(env.store)).flatMap((c) => c.resources).map((r) => [r.code, r]));
  const named = element?.trim(); // as the field's (data element codes hold no spaces)
  const pairs = await compareConsistency(env, named);
  const written = named ? ((await writtenElement(env.store, named)) ?? named) : named;
  await operatorEntry(env, 'ok', about(pairs).map((a) => concerning(a.code, resources.get(a.code)!.provider, a.items)), reportDetail(pairs, written));
  return pairs;
}
