// What a read's audit entry says of the errors its client got (SPEC §10): the entry's outcome and detail
// agree with the response. An error is either told by the entry already or named here:
// - an access denial (the rules' codes) is in the entry's parts, `denied` with its code, and makes the
//   outcome `partial` or `denied`; one a connected platform passed through is audited there too (its own
//   entry, with `via`), and here named in the note of what it answered, `CODE at namespace.path`, making
//   the outcome `partial` or `denied` as well (audit.ts, forward.ts denialsOf);
// - a refusal a rule, plugin or resolver noted (`noteRefusal`) is in the detail with its message;
// - a cancellation and the time limit have details of their own (audit.ts);
// - every other error (BAD_USER_INPUT or CONFLICT of a resolver, a resolver's bug, the store, a connected
//   platform unavailable or its errors passed through, but those its own entry tells as denials: a masked
//   item's filter refused there, BAD_USER_INPUT, is named among its denials, forward.ts) makes the outcome `error`, and is named
//   `CODE at path` in the detail: the code the client got and the path (aliases being the client's, as in
//   refusals), never a value nor the client's other text. Only the store's failure adds its message, ours.
// They were written `allowed` or `partial` for a request that got an error and no data for the field.
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ACCESS_CODES } from '../../access/decide.ts';
import { isToldThere } from '../../federation/forward.ts';
import { isCancelled } from '../../limits/cancel.ts';
import { isTimedOut } from '../../limits/timeout.ts';
import { StoreUnavailableError } from '../../store/port.ts';
import { STORE_FAILED_MESSAGE } from '../format-error.ts';

/** The errors `error` wraps (graphql locates a thrown error in a new one; graphql-tools wraps it again), itself first. */
function* chain(error: GraphQLError): Generator<unknown> {
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 8; depth++, e = (e as { originalError?: unknown }).originalError) yield e;
}

/**
 * An error of this platform's store (a read that failed), as execution raised it: one a connected platform
 * answered with the same code passes through as a plain GraphQLError, and is named by its code alone.
 */
const isStoreFailure = (error: GraphQLError): boolean => [...chain(error)].some((e) => e instanceof StoreUnavailableError);

/** An error a read's entry names: `CODE at path`, and the resource whose field raised it, when it says (extensions.resource). */
export interface ReadFailure {
  named: string;
  resource: string | null;
}

/**
 * The errors of `errors` (the execution's, in the order Apollo formatted them into `formatted`) that the
 * entry must name, each as `CODE at path` with its resource; `refusals` are those noted for the request and
 * the errors answered for them (RequestAudit.answered), which the entry tells already.
 */
export function readFailureList(errors: readonly GraphQLError[], formatted: readonly GraphQLFormattedError[], refusals: ReadonlySet<unknown>): ReadFailure[] {
  // Apollo formats the execution's errors one for one; another plugin's answer (the time limit's) is not.
  const sent = formatted.length === errors.length ? formatted : undefined;
  const out: ReadFailure[] = [];
  errors.forEach((error, i) => {
    if (isTimedOut(error) || isCancelled(error)) return;
    // Told by the refusals noted here, or by a connected platform's own entry as its denials (forward.ts).
    if ([...chain(error)].some((e) => refusals.has(e) || isToldThere(e))) return;
    const code = String(sent?.[i]?.extensions?.code ?? error.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    if (ACCESS_CODES.has(code)) return;
    const at = error.path?.length ? ` at ${error.path.join('.')}` : '';
    const resource = sent?.[i]?.extensions?.resource ?? error.extensions?.resource;
    out.push({
      named: isStoreFailure(error) ? `${code}${at}: ${STORE_FAILED_MESSAGE}` : `${code}${at}`,
      resource: typeof resource === 'string' ? resource : null,
    });
  });
  return out;
}

/**
 * The parts of a read that failed, marked (AuditResource.failed) when every error names its resource: so
 * that a provider whose parts read well beside another provider's failing field sees its own outcome
 * (query.ts narrow) and the figures of use count its reads (usage.ts). Unmarked when one error names none.
 */
export function markFailedParts<P extends { resource: string }>(parts: P[], failures: readonly ReadFailure[]): Array<P & { failed?: boolean }> {
  if (failures.length === 0 || failures.some((f) => f.resource === null)) return parts;
  const failing = new Set(failures.map((f) => f.resource));
  return parts.map((p) => ({ ...p, failed: failing.has(p.resource) }));
}
