// Settings from the environment, as compose files and service units give them: a variable set but empty
// or blank counts as unset, so its default applies. `HOST=` used to make the gateway listen on every
// interface, `GOVGRAPH_DATA_DIR=` to put the store in the current folder, and `GOVGRAPH_JWT_SECRET=' '`
// to sign with a secret of spaces. Every setting is read through this one rule.

export function setting(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}
