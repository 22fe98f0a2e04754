// `govgraph platform status` and `govgraph platform rotate-key` (SPEC §12): the operator's view of the
// connected platforms and of this platform's signing keys.
// The connected platforms (graphql-tools' stitching, graphql, jose) load inside the actions: the other
// commands, `data import` above all, start without them.
import type { Command } from 'commander';
import { announce, loadCommandPlatform, openCommandStore, withCommonOptions, type CommonOptions } from './options.ts';

export function registerPlatformCommands(program: Command): void {
  const platform = program.command('platform').description('connected platforms and this platform\'s signing keys');

  withCommonOptions(
    platform
      .command('status')
      .description('asks each connected platform for its schema, signed with this platform\'s key: reachable, schema version, last error'),
  ).action(async (opts: CommonOptions) => {
    const p = await loadCommandPlatform(opts.platform);
    announce(opts, { platform: opts.platform, store: true });
    const store = await openCommandStore(opts);
    try {
      console.log(`platform ${p.platform.region} (${p.platform.name})`);
      if (p.connected.length === 0) {
        console.log('no connected platforms (the platform file lists none under `connected`)');
        return;
      }
      const [{ ConnectedPlatforms }, { PlatformKeys }] = await Promise.all([import('../federation/connected.ts'), import('../identity/platform-keys.ts')]);
      const connected = new ConnectedPlatforms(p, new PlatformKeys(store), { pollMs: 0 });
      await connected.refresh();
      connected.stop();
      // Put beside this platform's own schema as the gateway does: a clash with its types is a problem too.
      const [{ publishedCatalogues }, { buildGatewaySchema }] = await Promise.all([import('../catalogue/repository.ts'), import('../server/assemble.ts')]);
      connected.extend(buildGatewaySchema(p, await publishedCatalogues(store), { rules: false }).schema);
      let failing = 0;
      for (const s of connected.status()) {
        const state = s.reachable && !s.lastError ? 'reachable' : s.reachable ? 'answers, with a problem' : 'unreachable';
        if (state !== 'reachable') failing++;
        console.log(`${s.namespace}  ${s.region}  ${s.name}  ${s.url}`);
        console.log(`  ${state}; schema ${s.schemaVersion ?? 'unknown'}${s.lastError ? `; last error: ${s.lastError}` : ''}`);
      }
      if (failing) process.exitCode = 1;
    } finally {
      await store.close();
    }
  });

  withCommonOptions(
    platform
      .command('rotate-key')
      .description('makes a new signing key; the old one verifies until the tokens it signed have expired'),
  ).action(async (opts: CommonOptions) => {
    await loadCommandPlatform(opts.platform);
    announce(opts, { platform: opts.platform, store: true });
    const store = await openCommandStore(opts);
    try {
      const { rotateSigningKey, NEW_KEY_SIGNS_AFTER_MS, retiredKeyGraceMs } = await import('../identity/platform-keys.ts');
      const { current, retired } = await rotateSigningKey(store);
      console.log(`signing key ${current.kid} is current; served at /.well-known/jwks.json within 5 s by every gateway on this store, which signs with it from ${NEW_KEY_SIGNS_AFTER_MS / 1000} s on`);
      for (const k of retired) {
        // Each retired key is published until its own retirement plus the grace: one retired earlier has less left.
        const left = Math.max(0, Math.ceil((Date.parse(k.retiredAt!) + retiredKeyGraceMs() - Date.now()) / 1000));
        console.log(`  ${k.kid} retired at ${k.retiredAt}, published ${left} s more for the tokens it signed`);
      }
    } finally {
      await store.close();
    }
  });
}
