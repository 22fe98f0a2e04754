// What each workflow action lets its caller store, bounded (src/model/input-bounds.ts): every argument a
// caller types, by its path in the action's input. `perform` (audit.ts) checks them before the action's
// own checks, so the GraphQL field and the command that call an action get the same refusal, nothing is
// stored, and no refusal message repeats the text (the audit entry of the refusal holds the path, the
// figure and the limit). Arguments checked against the platform anyway (a purpose, an item) are bounded
// too: their refusal messages would otherwise repeat what was typed.
import { boundProblems, hiddenProblems, illFormedProblems, visibleTrim, type BoundProblem, type InputBounds } from '../model/input-bounds.ts';
import { badInput, listProblems } from './errors.ts';

export const INPUT_BOUNDS = {
  // The catalogue lifecycle; a submitted document is bounded by the catalogue schema's own lengths.
  submitCatalogue: {},
  reviewCatalogue: { id: 'name', comment: 'text' },
  publishCatalogue: { id: 'name' },
  withdrawCatalogue: { id: 'name', reason: 'text' },
  // Conditional sharing.
  requestSharing: { resource: 'name', items: 'names', purposes: 'names', justification: 'text', until: 'name' },
  decideSharingRequest: { id: 'name', items: 'names', until: 'name', unmasked: 'names', rows: 'names', reason: 'text' },
  revokeGrant: { id: 'name', reason: 'text' },
  // Data quality and demand.
  raiseObjection: { resource: 'name', key: 'key', item: 'name', reason: 'text', proposedValue: 'text' },
  answerObjection: { id: 'name', reason: 'text' },
  requestData: { title: 'title', description: 'text', items: 'labels', purposes: 'names', provider: 'name' },
  answerDemand: { id: 'name', basis: 'text', resource: 'name' },
  consistencyReport: { element: 'name' },
} as const satisfies Record<string, InputBounds>;

export type WorkflowAction = keyof typeof INPUT_BOUNDS;

/**
 * The identifiers an action names what it acts on by: an id, a resource, an item, the asked department.
 * Given blank (empty, spaces, or only characters that show nothing: hiddenProblems leaves `\u200b` alone to
 * the action) it names nothing, and is refused as empty: the actions answered NOT_FOUND with the blank
 * quoted (`No objection .`, `No grant \u200b.`), in their messages and the audit log alike. Optional ones
 * (a promised resource, an end date) are the action's to require.
 */
const NAMED_BY: Readonly<Record<WorkflowAction, readonly string[]>> = {
  submitCatalogue: [],
  reviewCatalogue: ['id'],
  publishCatalogue: ['id'],
  withdrawCatalogue: ['id'],
  requestSharing: ['resource'],
  decideSharingRequest: ['id'],
  revokeGrant: ['id'],
  raiseObjection: ['resource', 'item'],
  answerObjection: ['id'],
  requestData: ['provider'],
  answerDemand: ['id'],
  consistencyReport: [],
};

function blankProblems(action: WorkflowAction, input: object): BoundProblem[] {
  const values = input as Record<string, unknown>;
  return NAMED_BY[action]
    .filter((field) => typeof values[field] === 'string' && !visibleTrim(values[field] as string))
    .map((path) => ({ path, message: 'is empty' }));
}

/**
 * BAD_USER_INPUT with every argument over its bound (`path: has N characters; at most M`), or else with
 * every one holding half of a surrogate pair (input-bounds.ts, illFormedProblems), else with every
 * identifier (a resource, an item, a purpose, a row, an id) holding a character that shows nothing or not
 * in NFC (hiddenProblems): refused, never stripped, so nothing stored reads as another identifier; else
 * with every identifier the action is named by given blank (NAMED_BY).
 */
export function requireBounded(action: WorkflowAction, input: object): void {
  const problems = boundProblems(input, INPUT_BOUNDS[action]);
  if (problems.length) throw badInput(listProblems(`${action} is refused: the platform keeps no longer input.`, problems), problems);
  const illFormed = illFormedProblems(input, INPUT_BOUNDS[action]);
  if (illFormed.length) throw badInput(listProblems(`${action} is refused: the platform keeps only well-formed text.`, illFormed), illFormed);
  const hidden = hiddenProblems(input, INPUT_BOUNDS[action]);
  if (hidden.length) throw badInput(listProblems(`${action} is refused: an identifier must show every character it holds.`, hidden), hidden);
  const blank = blankProblems(action, input);
  if (blank.length) throw badInput(listProblems(`${action} is refused: an identifier left blank names nothing.`, blank), blank);
}
