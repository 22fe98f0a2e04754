// Settings from the environment, as compose files and service units give them: a variable set but empty
// or blank counts as unset, so its default applies. `HOST=` used to make the gateway listen on every
// interface, `GOVGRAPH_DATA_DIR=` to put the store in the current folder, and `GOVGRAPH_JWT_SECRET=' '`
// to sign with a secret of spaces. Every setting is read through this one rule.
//
// But a setting whose default admits more than any value of it would (GUARDS) is refused set but empty:
// `GOVGRAPH_METRICS_TOKEN=$UNSET_SECRET` left /metrics open without a word, to an operator who set the
// variable to close it; so `GOVGRAPH_JWT_AUDIENCE=$AUD` had the gateway take an identity provider's tokens
// made for any other service. Unsetting the variable is how its default is asked for.

export function setting(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The settings whose default admits more, each with what unsetting it leaves (said in the refusal). */
export const GUARDS: Readonly<Record<string, string>> = {
  GOVGRAPH_METRICS_TOKEN: 'to leave /metrics open (for the internal network only)',
  GOVGRAPH_JWT_SECRET: 'for the secret kept in the store',
  GOVGRAPH_JWKS_URL: 'for tokens signed with the platform secret only',
  GOVGRAPH_JWT_ISSUER: "to take a token's `iss`, whatever it names",
  GOVGRAPH_JWT_AUDIENCE: "to take a token's `aud`, whatever it names",
};

/** Why the environment cannot be taken: the first guard set but empty or blank (its value never shown), or null. */
export function emptyGuardProblem(env: NodeJS.ProcessEnv = process.env): string | null {
  const name = Object.keys(GUARDS).find((n) => env[n] !== undefined && setting(n, env) === undefined);
  if (name === undefined) return null;
  return (
    `${name}: is set but empty; a variable set from one that is not (${name}=$SECRET) would take its default, which admits more. ` +
    `Give it its value, or unset it (unset ${name}) ${GUARDS[name]}`
  );
}
