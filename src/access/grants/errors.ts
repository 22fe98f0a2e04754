// A grant refused (BAD_USER_INPUT) or not found (NOT_FOUND): errors a caller is shown as they are.
import type { Problem } from '../../catalogue/problems.ts';

/** A grant refused whole; `problems` lists every reason (path = the input field). Nothing was written. */
export class GrantInputError extends Error {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly userFacing = true;
  constructor(readonly problems: Problem[]) {
    super(['The grant is refused:', ...problems.map((p) => `  ${p.path}: ${p.message}`)].join('\n'));
    this.name = 'GrantInputError';
  }
}

export class GrantNotFoundError extends Error {
  readonly code = 'NOT_FOUND' as const;
  readonly userFacing = true;
  constructor(readonly id: string) {
    super(`No grant ${JSON.stringify(id)}; \`govgraph grant list\` shows the grants.`);
    this.name = 'GrantNotFoundError';
  }
}
