// What a change to the catalogues in effect (a publication, a withdrawal) needs: the set it would make,
// a schema the gateway can serve from it, and the store's publication lock while it writes.
import { PublicationBusyError, PublicationLockLostError, PublicationLockRowError, withPublicationLock, type StillHeld } from '../../catalogue/publication-lock.ts';
import { storePlatform } from '../../catalogue/store-platform.ts';
import type { CatalogueVersions } from '../../catalogue/repository/versions.ts';
import { catalogueIdKey, type Catalogue } from '../../model/catalogue.ts';
import type { Platform } from '../../model/platform.ts';
import { platformMisfits } from '../../catalogue/validate.ts';
import { offThread } from '../off-thread.ts';
import { invalid } from '../document.ts';
import type { WorkflowEnv } from '../actor.ts';
import { conflict } from '../errors.ts';

/**
 * What publishing needs of the gateway, as a port (the server's schema holder implements it; the workflow
 * never builds the gateway itself): to check that it could serve a set of catalogues, and to swap in the
 * schema of the catalogues now published.
 */
export interface SchemaService {
  /** Throws (or rejects), saying why, when the gateway could not serve these catalogues. */
  check(catalogues: Catalogue[]): Promise<void> | void;
  /** Installs the schema of the catalogues now published. */
  refresh(): Promise<unknown>;
}
// Called without a schema service (a command, a test of the workflow alone), publishing checks only what
// the workflow knows itself (names clashing with the platform schema); a gateway builds when it loads.

/** The catalogues in effect with `catalogue` in place of its published version, as a publish would make them. */
export async function catalogueSetWith(
  versions: CatalogueVersions,
  catalogue: Catalogue | null,
  id: string,
): Promise<{ others: Catalogue[]; all: Catalogue[]; inEffect: Catalogue[] }> {
  const inEffect = (await versions.published()).map((v) => v.catalogue);
  const others = inEffect.filter((c) => c.id !== id);
  return { others, all: catalogue ? [...others, catalogue] : others, inEffect };
}

/**
 * Refuses a set of catalogues the gateway could not serve (the schema in effect then stays): the schema
 * must build, and no generated type may share a name with a type of the platform's own SDL (the
 * schema tools would merge the two silently rather than fail). The names are compared on the worker
 * thread (checks.ts); the build is the schema service's.
 */
export async function checkBuildable(env: WorkflowEnv, schema: SchemaService | undefined, catalogues: Catalogue[], what: string, changed?: string): Promise<void> {
  const head = `${what} would make a schema the gateway cannot serve; the schema in effect stays:`;
  let clashes: string[] = [];
  const tried = async (set: Catalogue[]) => {
    clashes = await offThread({ kind: 'clashes', platform: env.platform, catalogues: set });
    await schema?.check(set);
  };
  try {
    try {
      await tried(catalogues);
    } catch (err) {
      // Only then are the catalogues in effect asked for misfits (on the event loop, each one's share checks).
      const built = withoutMisfitsBefore(env.platform, catalogues, changed);
      if (built.length === catalogues.length) throw err;
      await tried(built);
    }
  } catch (err) {
    throw invalid(head, [{ path: '', message: (err as Error).message }]);
  }
  if (clashes.length) {
    throw invalid(head, clashes.map((t) => ({ path: '', message: `type ${t} is already a type of the platform schema; rename the resource's graphql type` })));
  }
}

/**
 * The set the schema service builds: without the other catalogues in effect whose share scopes already do
 * not fit this platform file (the change, `changed`'s id, is always built). After a platform file change
 * that two catalogues misfit, the way out the refusal names (a new version of each that fits) was refused
 * for each of them, since the other still misfit: `catalogue publish` of either said "would make a schema
 * the gateway cannot serve", as did withdrawing either. The others' misfits are not this change's; they are
 * still refused where the schema is served (serve, schema print) until each catalogue fits.
 */
function withoutMisfitsBefore(platform: Platform, catalogues: Catalogue[], changed: string | undefined): Catalogue[] {
  const key = changed === undefined ? undefined : catalogueIdKey(changed);
  return catalogues.filter((c) => catalogueIdKey(c.id) === key || platformMisfits(platform, [c]).length === 0);
}

/** `work` holding the store's publication lock (publication-lock.ts); a lock held too long is a CONFLICT. */
export async function publicationLocked(env: WorkflowEnv, what: string, notDone: string, work: (held: StillHeld) => Promise<void>): Promise<void> {
  try {
    await withPublicationLock(env.store, what, async (held) => {
      // The store's platform, checked holding the lock as an import checks it (src/catalogue/import.ts):
      // `platform adopt` records another region holding the lock too, so a publication whose command or
      // gateway checked the store at its open, before the adoption, is refused rather than published
      // against the platform file the store no longer belongs to.
      const recorded = await storePlatform(env.store);
      const own = env.platform.platform;
      if (recorded && recorded.region !== own.region) {
        throw conflict(`${notDone}: this store now belongs to the platform of region ${recorded.region} (${recorded.name}), not to region ${own.region} (${own.name}) of this platform file; use that platform's file (govgraph platform adopt recorded it)`);
      }
      await work(held);
    }, { signal: env.signal });
  } catch (err) {
    if (err instanceof PublicationBusyError || err instanceof PublicationLockLostError || err instanceof PublicationLockRowError) throw conflict(`${notDone}: ${err.message}.`);
    throw err;
  }
}
