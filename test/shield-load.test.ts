// graphql-shield's ES module build imports `isUndefined` from 'util', which Node 23 removed, so on Node 24
// importing it fails at link time. src/rules/shield.ts loads the CommonJS build instead. This test makes
// Node 20 and 22 behave like Node 24 for that one import: a module hook hands graphql-shield's ES module
// files a 'util' without `isUndefined`; the gateway's schema assembly and its rules must still load.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'govgraph-shield-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOOKS = `export async function resolve(specifier, context, next) {
  if ((specifier === 'util' || specifier === 'node:util') && context.parentURL?.includes('/graphql-shield/esm/')) {
    return { url: 'data:text/javascript,export default {}', shortCircuit: true };
  }
  return next(specifier, context);
}
`;

describe('graphql-shield on a Node without util.isUndefined (Node 23 and later)', () => {
  it('the schema assembly and the rules load, and a shield over them answers', () => {
    writeFileSync(join(dir, 'hooks.mjs'), HOOKS);
    writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(dir, 'hooks.mjs')).href)});\n`);
    const url = (file: string) => JSON.stringify(pathToFileURL(join(root, file)).href);
    const script = `
      const { permissions } = await import(${url('src/server/assemble.ts')});
      const { allow, and, rule } = await import(${url('src/rules/shield.ts')});
      await import(${url('src/rules/platform-rules.ts')});
      const yes = rule('yes')(() => true);
      const middleware = permissions({ Query: { a: and(yes, allow) } });
      console.log(typeof middleware.generate);`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', pathToFileURL(join(dir, 'register.mjs')).href, '--input-type=module', '-e', script], {
      cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(run.stderr).not.toMatch(/isUndefined/);
    expect(run.stdout.trim()).toBe('function');
    expect(run.status).toBe(0);
  });
});
