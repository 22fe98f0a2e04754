// Who a workflow command acts as (SPEC §15: the workflow has commands beside its GraphQL fields).
//
// A command is the operator's: it runs where the store is, so it could change anything anyway. What it
// records must still say who acted, and the workflow must still refuse what the department may not do.
// So a command acts for ONE department (`--dept CODE`), as the user `--user` (default `operator`), with
// the one role its action needs (compiler to submit and publish, auditor to review, approver to decide),
// and calls the very workflow function the GraphQL field calls. That function checks the department
// exactly as for a token of that department and role (a department publishing another's catalogue,
// deciding a request for a resource it does not provide, reviewing when it is not the competent
// department: FORBIDDEN) and writes the same audit entry, done or refused.
//
// Reading commands (`catalogue list`, `request list`, `usage`) see what the competent department's
// supervisors see, or with `--dept CODE` what that department sees; like the GraphQL fields, they write
// no audit entry.
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Role } from '../identity/roles.ts';
import { departmentByCode } from '../model/platform.ts';
import type { Deadline } from '../workflow/deadlines.ts';
import type { Actor, WorkflowEnv } from '../workflow/actor.ts';
import { WorkflowError } from '../workflow/errors.ts';
import { requireShownCode, UserError } from './options.ts';
import { terminalText } from './terminal.ts';
import { trimWhiteSpace } from '../model/identifier-text.ts';
import { userNameProblem } from './token.ts';

export const OPERATOR_USER = 'operator';

export interface ActingOptions {
  dept?: string;
  user: string;
}

/** `--dept` and `--user` for a command that acts; `dept` says for whom, and the default when there is one. */
export function withActingOptions(cmd: Command, role: Role, dept: { help: string; required?: boolean }): Command {
  const help = `${dept.help} (the command acts with its ${role} role)`;
  return (dept.required ? cmd.requiredOption('--dept <code>', help) : cmd.option('--dept <code>', help))
    .option('--user <name>', 'the user the audit log names', OPERATOR_USER);
}

/** The department of `code`, or a one-line refusal naming the platform's departments. */
export function departmentOf(env: WorkflowEnv, code: string) {
  requireShownCode('--dept', code);
  const dept = departmentByCode(env.platform, code);
  if (!dept) throw new UserError(`--dept ${code}: no such department on the platform; its departments are: ${env.platform.departments.map((d) => d.code).join(', ')}`);
  return dept;
}

/** The actor a command is: department `code` (default `fallback`), user `--user`, the one role given. */
export function actorFor(env: WorkflowEnv, opts: ActingOptions, role: Role, fallback?: string): Actor {
  const code = opts.dept ?? fallback;
  if (!code) throw new UserError('--dept CODE is needed: the department the command acts for');
  const dept = departmentOf(env, code);
  const problem = userNameProblem(opts.user);
  if (problem) throw new UserError(`--user: ${problem}`);
  const user = trimWhiteSpace(opts.user); // not trim(): it takes U+FEFF, which userNameProblem refuses
  return { dept, user, roles: [role], purpose: null, requestId: randomUUID(), operationName: null, documentHash: null };
}

/** The viewer of a reading command: `--dept CODE` as a department without roles, else the competent department's supervisor. */
export function viewerFor(env: WorkflowEnv, dept: string | undefined): { dept: string; roles: readonly string[] } {
  if (dept === undefined) return { dept: env.platform.platform.competentDepartment, roles: ['supervisor'] };
  return { dept: departmentOf(env, dept).code, roles: [] };
}

/** Runs a workflow action; its refusal becomes the one line `CODE: message` (with the problems under it). */
export async function refusedAsUserError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof WorkflowError) throw new UserError(`${err.code}: ${err.message}`);
    throw err;
  }
}

/** A whole number of at least 1, or a one-line refusal naming the argument. */
export function positiveInt(value: string, what: string): number {
  if (!/^[1-9][0-9]{0,8}$/.test(value.trim())) throw new UserError(`${what} ${JSON.stringify(value)}: give a whole number from 1 on`);
  return Number(value.trim());
}

/** A status given as PENDING or pending, checked against the allowed ones. */
export function statusOption<T extends string>(given: string | undefined, allowed: readonly T[]): T | undefined {
  if (given === undefined) return undefined;
  const s = given.toLowerCase().replace(/_/g, '-') as T;
  if (!allowed.includes(s)) throw new UserError(`--status ${given}: use one of ${allowed.map(upper).join(', ')}`);
  return s;
}

export const upper = (s: string) => s.toUpperCase().replace(/-/g, '_');

/** Rows as a table: a header line, then the rows, columns padded to their widest cell (the last left ragged). */
export function table(header: readonly string[], given: readonly (readonly string[])[]): string {
  // A cell may hold text a department typed (a request's reason): its control characters escaped (terminal.ts).
  const rows = given.map((r) => r.map(terminalText));
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i] - width(c)))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Display width: CJK characters take two columns on a terminal. */
function width(s: string): number {
  let n = 0;
  for (const ch of s) n += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return n;
}

/** A stored instant (UTC) to the minute, for a table cell. */
export const minute = (iso: string | null): string => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

/** `, late (due D)` for a decision or answer made after its due date D (Deadline.late), '' otherwise. */
export const lateNote = (d: Deadline): string => (d.late ? `, late (due ${d.dueDate})` : '');
