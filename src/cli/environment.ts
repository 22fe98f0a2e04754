// The environment's GOVGRAPH_* variables, checked before every command (main.ts). A setting whose name
// is mistyped was ignored without a word: GOVGRAPH_JWT_SECERT=... left serve signing and checking tokens
// with the secret kept in the store (in every backup of it), and keying the audit chain with it;
// GOVGRAPH_DATA_DIRS=... took ./data; govgraph_platform=... the demo platform. A variable named
// GOVGRAPH_* that govgraph does not read is refused, naming it (never its value: it may be the secret)
// and the setting it nearly names.
import { closest } from '../model/nearest-name.ts';
import { emptyGuardProblem } from '../model/settings.ts';
import { UserError } from './options.ts';

/** What the commands read (README, Configuration; docs/operations.md). */
export const GOVGRAPH_SETTINGS: readonly string[] = [
  'GOVGRAPH_PLATFORM',
  'GOVGRAPH_DATA_DIR',
  'GOVGRAPH_JWT_SECRET',
  'GOVGRAPH_JWKS_URL',
  'GOVGRAPH_JWT_ISSUER',
  'GOVGRAPH_JWT_AUDIENCE',
  'GOVGRAPH_LOG_LEVEL',
  'GOVGRAPH_AUDIT_CHECKPOINTS',
  'GOVGRAPH_METRICS_TOKEN', // serve: the token a scrape of /metrics sends (src/server/http/metrics-token.ts)
  'GOVGRAPH_PREVIOUS_JWT_SECRET', // audit rekey and audit verify: the secret of before a change (key-change.ts)
];

/**
 * Named GOVGRAPH_* but read elsewhere, so they may be set in the same shell: bin/govgraph.js's
 * GOVGRAPH_FROM_SOURCE, the typed client's GOVGRAPH_URL, GOVGRAPH_TOKEN and GOVGRAPH_PURPOSE
 * (docs/typed-clients.md), and the tests' GOVGRAPH_TEST_* (platform-keys.ts, record-places.ts, test/).
 */
const READ_ELSEWHERE: readonly string[] = ['GOVGRAPH_FROM_SOURCE', 'GOVGRAPH_URL', 'GOVGRAPH_TOKEN', 'GOVGRAPH_PURPOSE', 'GOVGRAPH_TEST_RETIRED_KEY_MS', 'GOVGRAPH_TEST_PLACING_RETRY_MS', 'GOVGRAPH_TEST_PORT'];

/** The variables named GOVGRAPH_ (in any case) that nothing reads, each with the setting it nearly names. */
export function unknownSettings(env: NodeJS.ProcessEnv = process.env): { name: string; near?: string }[] {
  const known = new Set([...GOVGRAPH_SETTINGS, ...READ_ELSEWHERE]);
  return Object.keys(env)
    .filter((name) => name.toUpperCase().startsWith('GOVGRAPH_') && !known.has(name))
    .sort()
    .map((name) => ({ name, near: closest(name, [...GOVGRAPH_SETTINGS, ...READ_ELSEWHERE]) }));
}

/** Refuses the command when the environment holds a GOVGRAPH_* variable that no setting has. */
export function refuseUnknownSettings(env: NodeJS.ProcessEnv = process.env): void {
  const unknown = unknownSettings(env);
  if (unknown.length === 0) return;
  const named = unknown.map(({ name, near }) => (near ? `${name} (did you mean ${near}?)` : name)).join(', ');
  throw new UserError(
    `${named}: set in the environment, but govgraph reads no such variable (a setting so misnamed would go unread and its default be taken); ` +
      `names are matched exactly, case too. Rename or unset ${unknown.length > 1 ? 'them' : 'it'}; the settings are ${GOVGRAPH_SETTINGS.join(', ')}`,
  );
}

/** Refuses the command when a setting whose default admits more is set but empty (src/model/settings.ts, GUARDS). */
export function refuseEmptyGuards(env: NodeJS.ProcessEnv = process.env): void {
  const problem = emptyGuardProblem(env);
  if (problem) throw new UserError(problem);
}
