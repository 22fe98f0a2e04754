// `govgraph platform status` and `govgraph platform rotate-key` (SPEC §12): the operator's view of the
// connected platforms and of this platform's signing keys.
// The connected platforms (graphql-tools' stitching, graphql, jose) load inside the actions: the other
// commands, `data import` above all, start without them.
import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../audit/log.ts';
import { undone } from '../workflow/audit.ts';
import { OPERATOR } from './grant.ts';
import { terminalText } from './terminal.ts';
import { announce, loadCommandPlatform, openCommandStore, storeIsThere, withCommonOptions, type CommonOptions } from './options.ts';
import { loadPlatformOrReport } from './catalogue.ts';
import { formatProblem, prefixProblems } from '../catalogue/problems.ts';
import { inValuesOverCostNote } from '../catalogue/checks/platform/limits.ts';
import { forwardedDepartmentBucket } from '../limits/rates.ts';
import { limitsOf, type Platform, type RateBucket } from '../model/platform.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { Store } from '../store/port.ts';

/** The actions of `platform rotate-key`'s and `platform adopt`'s audit entries (`audit verify` pairs them). */
export { ADOPT_PLATFORM_ACTION, ROTATE_KEY_ACTION } from '../workflow/unfinished-operations.ts';
import { ADOPT_PLATFORM_ACTION, ROTATE_KEY_ACTION } from '../workflow/unfinished-operations.ts';

/**
 * What `platform validate` notes of a connected platform's department when it is capped at half of
 * `perPlatform` (src/limits/rates.ts, forwardedDepartmentBucket): its bucket is not the file's
 * `perDepartment`, which the operator wrote for this platform's own departments too.
 */
function forwardedShareNote(p: Platform): string | undefined {
  const { perDepartment, perPlatform } = limitsOf(p).rate;
  if (!p.connected.length || !perDepartment || !perPlatform) return undefined;
  const capped = forwardedDepartmentBucket(perDepartment, perPlatform);
  if (!capped) return undefined;
  const said = (b: RateBucket) => `${b.requests} ${b.requests === 1 ? 'request' : 'requests'} per ${b.perMs / 1000} s`;
  return `limits.rate.perDepartment (${said(perDepartment)}) is more than half of limits.rate.perPlatform (${said(perPlatform)}): a department of a connected platform is served at most ${said(capped)} here, so that its other departments keep the rest`;
}

export function registerPlatformCommands(program: Command): void {
  const platform = program.command('platform').description('the platform file, connected platforms and this platform\'s signing keys');

  withCommonOptions(
    platform
      .command('validate')
      .description('validate the platform file, and with a store the published catalogues against it; exit 1 on any problem'),
  ).action(async (opts: CommonOptions) => {
    // The platform file alone was checked only by a command that needed it for something else (catalogue
    // validate wanted catalogues beside it): an operator editing it had no way to ask before a restart.
    const p = await loadPlatformOrReport(opts.platform, console.log);
    if (!p) return;
    const withStore = await storeIsThere(opts);
    announce(opts, { platform: opts.platform, store: withStore });
    const misfits: { path: string; message: string }[] = [];
    if (withStore) {
      // What a gateway would refuse at its start (the schema model is built as `serve` and `schema print`
      // build it): the catalogues in effect whose providers, names or share scopes no longer fit the file.
      const store = await openCommandStore(opts, { platform: { platform: p, file: opts.platform }, appendsAudit: false });
      try {
        const [{ publishedCatalogues }, { buildSchemaModel, PlatformMismatchError }] = await Promise.all([import('../catalogue/repository/versions.ts'), import('../generate/model.ts')]);
        try {
          buildSchemaModel(p, await publishedCatalogues(store));
        } catch (err) {
          if (!(err instanceof PlatformMismatchError)) throw err;
          misfits.push(...err.problems);
        }
      } finally {
        await store.close();
      }
    }
    for (const problem of prefixProblems(opts.platform, misfits)) console.log(formatProblem(problem));
    if (misfits.length) {
      process.exitCode = 1;
      return;
    }
    const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
    console.log(`${opts.platform}: ok (${count(p.departments.length, 'department')}, ${count(p.purposes.length, 'purpose')}, ${count(p.connected.length, 'connected platform')}${withStore ? ', the published catalogues fit it' : ''})`);
    for (const note of [forwardedShareNote(p), inValuesOverCostNote(p)]) if (note) console.log(`${opts.platform}: note: ${note}`);
  });

  withCommonOptions(
    platform
      .command('status')
      .description('asks each connected platform for its schema, signed with this platform\'s key (reachable, schema version, last error), and says which resources hold unfinished work and how to finish it; exit 1 on either'),
  ).action(async (opts: CommonOptions) => {
    const p = await loadCommandPlatform(opts.platform);
    announce(opts, { platform: opts.platform, store: true });
    const store = await openCommandStore(opts, { platform: { platform: p, file: opts.platform }, appendsAudit: false });
    try {
      console.log(terminalText(`platform ${p.platform.region} (${p.platform.name})`));
      const { publishedCatalogues } = await import('../catalogue/repository/versions.ts');
      const published = await publishedCatalogues(store);
      if (p.connected.length === 0) console.log('no connected platforms (the platform file lists none under `connected`)');
      const failing = p.connected.length === 0 ? 0 : await connectedStatus(p, store, published);
      // What the store holds unfinished (src/server/unfinished-work.ts): before, a gateway's log line and
      // `audit verify`'s notes told it, and this command, the operator's first question, said nothing.
      const { unfinishedWork, unfinishedWorkSaid, anyUnfinished } = await import('../server/unfinished-work.ts');
      const work = await unfinishedWork(store, published);
      const said = unfinishedWorkSaid(work);
      console.log(said.length === 0 ? 'unfinished work: none' : 'unfinished work:');
      for (const line of said) console.log(terminalText(line));
      if (failing || anyUnfinished(work)) process.exitCode = 1;
    } finally {
      await store.close();
    }
  });

  withCommonOptions(
    platform
      .command('rotate-key')
      .description('makes a new signing key; the old one verifies until the tokens it signed have expired'),
  ).action(async (opts: CommonOptions) => {
    const p = await loadCommandPlatform(opts.platform);
    announce(opts, { platform: opts.platform, store: true });
    const store = await openCommandStore(opts, { platform: { platform: p, file: opts.platform } });
    try {
      const { rotateSigningKey, storedCurrentKid, NEW_KEY_SIGNS_AFTER_MS, retiredKeyGraceMs } = await import('../identity/platform-keys.ts');
      // An operator's change a supervisor must see, as grant add and data import are seen: an entry before the
      // change (none written, no rotation), one after it. Key ids only: they are public (jwks.json).
      const entry = (outcome: 'ok' | 'error', detail: string) => appendAudit(store, {
        requestId, department: null, user: OPERATOR, purpose: null, operationName: null, documentHash: null,
        kind: 'operator', action: ROTATE_KEY_ACTION, resources: [], outcome, detail,
      });
      const requestId = randomUUID();
      // Read without making one: storedKeys makes the first key of a store that has none, a change made
      // before the entry (and kept when the entry could not be written).
      const before = await storedCurrentKid(store);
      const what = "rotation of the platform's signing key";
      const attempted = await entry('ok', `${what} attempted (current: ${before ?? 'none'})`);
      let rotated: Awaited<ReturnType<typeof rotateSigningKey>>;
      try {
        rotated = await rotateSigningKey(store);
      } catch (err) {
        await entry('error', `${what} — ${undone(attempted.seq, 'failed')}: ${(err as Error).message}`).catch(() => undefined);
        throw err;
      }
      const { current, retired } = rotated;
      // Retired by this rotation (at the new key's making): the current one, or the first key made by it on a store with none.
      const newlyRetired = retired.filter((k) => k.retiredAt === current.createdAt).map((k) => `, ${k.kid} retired`).join('');
      await entry('ok', `${what} done (entry #${attempted.seq}): ${current.kid} is current${newlyRetired}`).catch((err: Error) => {
        console.error(`govgraph: the key was rotated, but its "done" audit entry could not be written (entry #${attempted.seq} stands): ${err.message}`);
      });
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

  // The store records its platform's region (src/catalogue/store-platform.ts) and every command refuses a
  // platform file of another region. When the region code itself changed (a redistricting), the operator
  // records the edited file here, once: the published catalogues must still fit it.
  withCommonOptions(
    platform
      .command('adopt')
      .description("records the platform file as the store's platform, after its region code changed (the published catalogues must fit it)"),
  ).action(async (opts: CommonOptions) => {
    const p = await loadCommandPlatform(opts.platform);
    announce(opts, { platform: opts.platform, store: true });
    const store = await openCommandStore(opts);
    try {
      const [{ publishedCatalogues }, { assertPlatformHasProviders, assertScopesFitPlatform }, { adoptStorePlatform, storePlatform }, { withPublicationLock }] = await Promise.all([
        import('../catalogue/repository/versions.ts'),
        import('../generate/model.ts'),
        import('../catalogue/store-platform.ts'),
        import('../catalogue/publication-lock.ts'),
      ]);
      // Holding the publication lock, as an import or publication checks the store's platform: recorded
      // while one was under way (`catalogue import --publish` or `catalogue publish` of the old file, its
      // check made), that publication went on after it against the old platform, and its catalogues were
      // never checked against the adopted file. Now a publication under way ends first, and the published
      // catalogues checked below are those it left; one started after sees the new region and is refused.
      await withPublicationLock(store, `platform adopt of ${opts.platform}`, async () => {
        const published = await publishedCatalogues(store);
        assertPlatformHasProviders(p, published);
        assertScopesFitPlatform(p, published);
        const had = await storePlatform(store);
        const now = `${p.platform.region} (${p.platform.name})`;
        if (had && had.region === p.platform.region && had.name === p.platform.name) {
          console.log(`the store already belongs to the platform of region ${now}; nothing changed`);
          return;
        }
        const requestId = randomUUID();
        const entry = (outcome: 'ok' | 'error', detail: string) => appendAudit(store, {
          requestId, department: null, user: OPERATOR, purpose: null, operationName: null, documentHash: null,
          kind: 'operator', action: ADOPT_PLATFORM_ACTION, resources: [], outcome, detail,
      });
      // As rotate-key's: an entry before the change (none written, nothing recorded), one after it.
      const what = `store platform: region ${now}${had ? `, was ${had.region} (${had.name})` : ', none recorded before'}`;
      const attempted = await entry('ok', `${what}, attempted`);
      try {
        await adoptStorePlatform(store, p);
      } catch (err) {
        await entry('error', `${what} — ${undone(attempted.seq, 'failed')}: ${(err as Error).message}`).catch(() => undefined);
        throw err;
      }
      await entry('ok', `${what}, recorded (entry #${attempted.seq})`).catch((err: Error) => {
        console.error(`govgraph: the platform was recorded, but its "done" audit entry could not be written (entry #${attempted.seq} stands): ${err.message}`);
      });
      console.log(`${what}, recorded`);
      });
    } finally {
      await store.close();
    }
  });
}

/** Prints each connected platform's state, asked now; the number not reachable (or answering with a problem). */
async function connectedStatus(p: Platform, store: Store, published: Catalogue[]): Promise<number> {
  const [{ ConnectedPlatforms }, { PlatformKeys }] = await Promise.all([import('../federation/connected/platforms.ts'), import('../identity/platform-keys.ts')]);
  const connected = new ConnectedPlatforms(p, new PlatformKeys(store), { pollMs: 0 });
  await connected.refresh();
  connected.stop();
  // Put beside this platform's own schema as the gateway does: a clash with its types is a problem too.
  const { buildGatewaySchema } = await import('../server/assemble.ts');
  connected.extend(buildGatewaySchema(p, published, { rules: false }).schema);
  let failing = 0;
  for (const s of connected.status()) {
    const state = s.reachable && !s.lastError ? 'reachable' : s.reachable ? 'answers, with a problem' : 'unreachable';
    if (state !== 'reachable') failing++;
    // Escaped where they meet the terminal, whatever was escaped before (their-text.ts): a last error may hold
    // Node's own words, a store's message or a path.
    console.log(terminalText(`${s.namespace}  ${s.region}  ${s.name}  ${s.url}`));
    console.log(terminalText(`  ${state}; schema ${s.schemaVersion ?? 'unknown'}${s.lastError ? `; last error: ${s.lastError}` : ''}`));
  }
  return failing;
}
