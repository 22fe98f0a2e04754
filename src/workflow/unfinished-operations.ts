// The changes other than `data import` (unfinished-imports.ts) whose first audit entry says `attempted`
// and a second one how they ended: `catalogue import` (catalogue/import.ts), a catalogue's publication
// (`catalogue publish` or the publishCatalogue mutation, workflow/audit.ts), `platform rotate-key` and
// `platform adopt` (cli/platform.ts). Killed (kill -9, the machine going down) between the two, the
// attempt stands alone and the chain holds: `audit verify` said `audit chain ok` and nothing more, and an
// operator checking the store after a crash was not told that a catalogue may or may not be published, or
// a signing key made. `audit verify` names them as notes, never as breaks, as it names unfinished imports.
// (`grant add` and `grant revoke` write one entry, before the change: no attempt to pair.)
//
// Paired as data imports are, by request id first (a command makes one per run; a detail may hold a file's
// name, which could read `entry #N`, and may be cut at MAX_DETAIL): an `ok` entry of the action while no
// attempt of its request is open is an attempt; a later entry of that request and action is its outcome.
// Publications are paired by their version too: one GraphQL request may publish several.
import type { Store } from '../store/port.ts';
import { CATALOGUE_IMPORT_ACTION, PUBLISH_CATALOGUE_ACTION } from '../audit/actions.ts';
import { entriesOf } from './unfinished-imports.ts';

export const ROTATE_KEY_ACTION = 'rotateKey';
export const ADOPT_PLATFORM_ACTION = 'adoptPlatform';

interface Operation {
  /** Its first entry, which says `attempted`. */
  attempt: RegExp;
  /** What was stopped, in the note: "the import of the catalogues". */
  what: string;
  /** How the operator tells whether it was made, and what to do. */
  check: string;
}

const OPERATIONS: Record<string, Operation> = {
  [CATALOGUE_IMPORT_ACTION]: {
    attempt: /^(?:import and publication|import) of .* attempted(?::|$)/s,
    what: 'catalogue import',
    check: '`govgraph catalogue list` shows which of its catalogues were stored and published: import the same files again (a catalogue stored already is left unchanged)',
  },
  [PUBLISH_CATALOGUE_ACTION]: {
    attempt: / publication attempted$/,
    what: 'publication',
    check: '`govgraph catalogue list` shows whether the version is published: if it is not, publish it again (`govgraph catalogue publish`)',
  },
  [ROTATE_KEY_ACTION]: {
    attempt: /^rotation of the platform's signing key attempted/,
    what: 'rotation of the signing key',
    check: 'the keys a gateway serves at /.well-known/jwks.json tell whether a new key was made: if not, run `govgraph platform rotate-key` again',
  },
  [ADOPT_PLATFORM_ACTION]: {
    attempt: /^store platform: .*, attempted$/s,
    what: 'recording of the store\'s platform',
    check: 'run `govgraph platform adopt` with the same file again: it records the platform, or says the store belongs to it already',
  },
};

export interface UnfinishedOperation {
  seq: number;
  time: string;
  user: string | null;
  action: string;
  /** The attempt's detail. */
  detail: string;
}

const NAMED = /(?: done \(entry #| — entry #|, recorded \(entry #)(\d+)/g;
/** A publication's version, `ID vN`, which its every entry starts with. */
const versionOf = (detail: string): string => /^(\S+ v\d+) /.exec(detail)?.[1] ?? '';

/** The operations of the log whose attempt has no outcome entry, oldest first. */
export async function unfinishedOperations(store: Store): Promise<UnfinishedOperation[]> {
  const open = new Map<number, UnfinishedOperation & { requestId: string }>();
  for await (const e of entriesOf(store, Object.keys(OPERATIONS))) {
    const operation = e.action === null ? undefined : OPERATIONS[e.action];
    if (!operation) continue;
    const detail = e.detail ?? '';
    const publication = e.action === PUBLISH_CATALOGUE_ACTION;
    const ofRequest = [...open.values()].filter((a) => a.requestId === e.requestId && a.action === e.action && a.seq < e.seq
      && (!publication || versionOf(a.detail) === versionOf(detail)));
    if (ofRequest.length === 0) {
      if (e.outcome === 'ok' && operation.attempt.test(detail)) {
        open.set(e.seq, { seq: e.seq, time: e.time, user: e.user, action: e.action!, detail, requestId: e.requestId });
      }
      continue;
    }
    const named = [...detail.matchAll(NAMED)].map((m) => Number(m[1]));
    const answered = ofRequest.find((a) => named.includes(a.seq)) ?? ofRequest.at(-1)!;
    open.delete(answered.seq);
  }
  return [...open.values()].map(({ requestId: _, ...a }) => a);
}

/** How `audit verify` names one: which change, by whom, when, and how the operator tells whether it was made. */
export function unfinishedOperationSaid(u: UnfinishedOperation): string {
  const { what, check } = OPERATIONS[u.action]!;
  return (
    `  note: entry #${u.seq} (${u.time}, ${u.user ?? 'no user'}): ${u.detail}, and no outcome follows it: the ${what} ` +
    `was stopped before it ended (kill -9, the machine going down), is still running, or could not record its outcome; ${check} ` +
    '(docs/operations.md, Commands and gateways killed midway)'
  );
}
