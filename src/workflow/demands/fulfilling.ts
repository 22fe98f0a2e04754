// A promise kept (SPEC §14): a demand is FULFILLED by the publication that brings its promised code into
// effect as a resource of the asked department.
import { appendAudit } from '../../audit/log.ts';
import { codeKey } from '../../catalogue/codes.ts';
import { codeSpans, spanDuring } from '../../catalogue/code-history.ts';
import { recordedPublications, type RecordedPublication } from '../../catalogue/repository/publication.ts';
import { and, eq } from '../../store/port.ts';
import type { WorkflowEnv } from '../actor.ts';
import { concerning, undone } from '../audit.ts';
import { DEMANDS, type Demand, fromRow } from './rows.ts';

/** A demand marked FULFILLED; `late`: by another process than its publication's (which stopped first). */
interface Fulfilment {
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
      // The code as published, not the promise's spelling (330300-abc-00003 kept by 330300-ABC-00003): a
      // supervisor reads the demand beside the catalogue and the fulfilDemand entry, which name it so.
      n = await env.store.update(DEMANDS, and(eq('id', d.id), eq('status', 'will-catalogue')), { status: 'fulfilled', fulfilledAt, fulfilledBy, resource: code });
    } catch (err) {
      await entry('error', `${detail} — ${undone(written.seq, 'failed')}: ${(err as Error).message}`).catch(() => undefined);
      throw err;
    }
    if (n) out.push({ demand: { ...d, status: 'fulfilled', fulfilledAt, fulfilledBy, resource: code }, late });
    // Marked meanwhile by another process completing the same publication (two reads of the demands at
    // once): this entry said it was done, the next that it was not, as a workflow action that loses the
    // store's race says (audit.ts).
    else await entry('refused', `${detail} — ${undone(written.seq, 'not done')}: CONFLICT: demand ${d.id} was marked meanwhile`).catch(() => undefined);
  }
  return out;
}
