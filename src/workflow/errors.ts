// Refusals of the workflow (SPEC §8, §9): each carries the code a client acts on and, for a document
// or an input refused whole, every problem as a path and a message. Nothing was changed when one is
// thrown. The GraphQL resolvers turn them into GraphQLErrors; the commands print the message.
import type { Problem } from '../catalogue/problems.ts';

export type WorkflowCode =
  | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'BAD_USER_INPUT' | 'CATALOGUE_INVALID'
  | 'NOT_SHARED' | 'METHOD_NOT_API' | 'OUT_OF_SCOPE' | 'PURPOSE_REQUIRED' | 'PURPOSE_OUT_OF_SCOPE' | 'GRANT_REQUIRED'
  | 'RATE_LIMITED';

export interface CodedProblem extends Problem {
  /** The access code of the row that refuses, when the problem is one of the access table's. */
  code?: string;
}

export class WorkflowError extends Error {
  readonly userFacing = true;
  constructor(
    readonly code: WorkflowCode,
    message: string,
    readonly problems: CodedProblem[] = [],
    /** More for the GraphQL error's extensions (RATE_LIMITED: retryAfter, resetsAt, the HTTP status). */
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'WorkflowError';
  }
}

export const forbidden = (message: string) => new WorkflowError('FORBIDDEN', message);
export const notFound = (message: string) => new WorkflowError('NOT_FOUND', message);
export const conflict = (message: string) => new WorkflowError('CONFLICT', message);
export const badInput = (message: string, problems: CodedProblem[] = []) => new WorkflowError('BAD_USER_INPUT', message, problems);

/** "message" or "message:\n  path: message..." for a refusal with problems. */
export function listProblems(head: string, problems: readonly Problem[]): string {
  return problems.length ? [head, ...problems.map((p) => `  ${p.path ? `${p.path}: ` : ''}${p.message}`)].join('\n') : head;
}
