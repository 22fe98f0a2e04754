// `govgraph catalogue submit|review|publish|list` (SPEC §9, §15): the catalogue lifecycle from the
// command line. Each is a thin caller of the workflow function the GraphQL field of the same name calls
// (submitCatalogue, reviewCatalogue, publishCatalogue, the catalogues query), acting as src/cli/acting.ts
// says; docs/workflow.md walks through them.
import { interruption } from './interrupt.ts';
import type { Command } from 'commander';
import { resourceCountOf, type ListedVersion, type VersionStatus } from '../catalogue/repository/rows.ts';
import { catalogueVersions } from '../catalogue/repository/versions.ts';
import type { Catalogue } from '../model/catalogue.ts';
import type { WorkflowEnv } from '../workflow/actor.ts';
import type { SchemaService } from '../workflow/catalogues.ts';
import {
  actorFor, minute, positiveInt, refusedAsUserError, statusOption, table, upper, viewerFor, withActingOptions, type ActingOptions,
} from './acting.ts';
import { platformDate } from '../calendar/working-days.ts';
import { answeredLate } from '../workflow/deadlines.ts';
import { requireReadableFile } from './file-argument.ts';
import { departmentFilter } from './filters.ts';
import { UserError, withCommonOptions, type CommonOptions } from './options.ts';
import { withWorkflowEnv } from './quality.ts';

const VERSION_STATUSES: readonly VersionStatus[] = ['submitted', 'approved', 'rejected', 'published', 'superseded', 'withdrawn'];

/**
 * What publishing asks of the gateway, for a command: the schema of the catalogues must build (the
 * gateway's own check); there is no gateway here to swap, and every gateway on the store serves the new
 * schema at its next poll.
 */
async function buildCheck(env: WorkflowEnv): Promise<SchemaService> {
  const { buildGatewaySchema } = await import('../server/assemble.ts');
  return {
    check: (catalogues: Catalogue[]) => void buildGatewaySchema(env.platform, catalogues),
    refresh: async () => undefined,
  };
}

/**
 * What a publication's output line adds for each item it retypes (SPEC §14): the records stored before
 * keep values that may not fit the new type, and read as null with a CONFLICT error until the provider
 * imports them again. A personal or secret item is a String field whatever its type (so that its mask
 * fits), and no serialiser refuses its stored text: it reads as stored, masked for other departments, so
 * its line says that instead. From the two documents only: no record is read.
 */
export async function retypedLines(before: Catalogue | undefined, after: Catalogue): Promise<string[]> {
  const { breakingChanges } = await import('../workflow/warnings/breaking-changes.ts');
  return breakingChanges(before, after, new Map()).flatMap((w) => {
    if (w.kind !== 'BREAKING_CHANGE' || w.change !== 'retyped') return [];
    const sensitivity = after.resources.find((r) => r.code === w.resource)?.items.find((i) => i.name === w.item)?.sensitivity;
    const until = sensitivity
      ? `until then its stored values read as stored (a ${sensitivity} item is a String), masked for other departments`
      : 'until then a stored value that does not fit reads as null with a CONFLICT error';
    return [`  ${w.message}: its records stored before must be imported again (govgraph data import --resource ${w.resource} FILE); ${until}`];
  });
}

/** The published version of a catalogue, before a command publishes another. */
export async function inEffect(env: Pick<WorkflowEnv, 'store'>, id: string): Promise<Catalogue | undefined> {
  const { publishedCatalogues } = await import('../catalogue/repository/versions.ts');
  const { catalogueIdKey } = await import('../model/catalogue.ts');
  // The id as the operator typed it, in any case: ids are compared ignoring case (repository/versions.ts).
  return (await publishedCatalogues(env.store)).find((c) => catalogueIdKey(c.id) === catalogueIdKey(id));
}

/** The text of a catalogue document; bytes that are not UTF-8 are refused at their line, as `catalogue validate` does. */
async function readDocument(file: string): Promise<string> {
  requireReadableFile(file);
  const { readUtf8 } = await import('../catalogue/read/files.ts');
  const { DocumentInvalidError, formatProblem } = await import('../catalogue/problems.ts');
  try {
    return readUtf8(file);
  } catch (err) {
    if (err instanceof DocumentInvalidError) throw new UserError(err.problems.map(formatProblem).join('\n'));
    throw err;
  }
}

interface ReviewOptions extends CommonOptions, ActingOptions {
  approve?: boolean;
  reject?: boolean;
  comment?: string;
}

interface ListOptions extends CommonOptions {
  dept?: string;
  status?: string;
  compiler?: string;
  overdue?: boolean;
}

export function registerCatalogueWorkflowCommands(catalogue: Command): void {
  withActingOptions(
    withCommonOptions(
      catalogue
        .command('submit')
        .description('submit a catalogue document (YAML or JSON, one catalogue) as a new version for review')
        .argument('<file>', 'the catalogue document'),
    ),
    'compiler',
    { help: "the catalogue's compiler department", required: true },
  ).action(async (file: string, opts: CommonOptions & ActingOptions) => {
    const text = await readDocument(file); // before the store is opened: a wrong argument does nothing
    return withWorkflowEnv(opts, async (env) => {
      const { submitCatalogue } = await import('../workflow/catalogues.ts');
      const { version, warnings } = await refusedAsUserError(() => submitCatalogue(env, actorFor(env, opts, 'compiler'), text, file));
      console.log(`${version.id} version ${version.version} submitted by ${version.submittedBy} of ${version.catalogue.compiler} (${resources(version.catalogue)}); an auditor of ${env.platform.platform.competentDepartment} reviews it next`);
      for (const w of warnings) console.log(`  warning ${w.kind}${w.path ? ` ${w.path}` : ""}: ${w.message}`);
    });
  });

  withActingOptions(
    withCommonOptions(
      catalogue
        .command('review')
        .description('approve or reject a submitted version (the competent department\'s auditor)')
        .argument('<id>', 'catalogue id')
        .argument('<version>', 'version number')
        .option('--approve', 'approve the version')
        .option('--reject', 'reject the version (give --comment)')
        .option('--comment <text>', 'the review comment (needed to reject)'),
    ),
    'auditor',
    { help: 'the reviewing department (default: the competent department)' },
  ).action((id: string, version: string, opts: ReviewOptions) =>
    withWorkflowEnv(opts, async (env) => {
      if (Boolean(opts.approve) === Boolean(opts.reject)) throw new UserError('say --approve or --reject (one of them)');
      const n = positiveInt(version, 'version');
      const { reviewCatalogue } = await import('../workflow/catalogues.ts');
      const actor = actorFor(env, opts, 'auditor', env.platform.platform.competentDepartment);
      const v = await refusedAsUserError(() =>
        reviewCatalogue(env, actor, { id, version: n, decision: opts.approve ? 'approve' : 'reject', comment: opts.comment ?? null }),
      );
      const next = v.status === 'approved' ? `; its compiler ${v.catalogue.compiler} publishes it next` : '';
      console.log(`${v.id} version ${v.version} ${v.status} by ${v.reviewedBy} of ${actor.dept.code}${v.reviewComment ? `: ${v.reviewComment}` : ''}${next}`);
    }),
  );

  withActingOptions(
    withCommonOptions(
      catalogue
        .command('publish')
        .description('publish an approved version: it replaces the version in effect; every gateway on the store serves it within seconds')
        .argument('<id>', 'catalogue id')
        .argument('<version>', 'version number'),
    ),
    'compiler',
    { help: "the catalogue's compiler department", required: true },
  ).action((id: string, version: string, opts: CommonOptions & ActingOptions) =>
    withWorkflowEnv(opts, async (env) => {
      const n = positiveInt(version, 'version');
      const { publishCatalogue } = await import('../workflow/catalogues.ts');
      const actor = actorFor(env, opts, 'compiler');
      const before = await inEffect(env, id);
      const v = await refusedAsUserError(async () => publishCatalogue({ ...env, signal: interruption() }, actor, { id, version: n }, await buildCheck(env)));
      console.log(`${v.id} version ${v.version} published at ${v.publishedAt} by ${actor.user} of ${actor.dept.code} (${resources(v.catalogue)}); gateways on this store serve it at their next poll`);
      for (const line of await retypedLines(before, v.catalogue)) console.log(line);
    }),
  );

  withCommonOptions(
    catalogue
      .command('list')
      .description('list catalogue versions as a table: every published one, and the drafts the viewer may see')
      .option('--dept <code>', 'as this department sees them (default: the competent department, which sees every draft)')
      .option('--status <status>', 'only catalogues with a version SUBMITTED, APPROVED, REJECTED, PUBLISHED, SUPERSEDED or WITHDRAWN')
      .option('--compiler <code>', "only this department's catalogues")
      .option('--overdue', 'only catalogues whose revision is overdue'),
  ).action((opts: ListOptions) =>
    withWorkflowEnv(opts, async (env) => {
      const { listCatalogues } = await import('../workflow/catalogues.ts');
      const viewer = viewerFor(env, opts.dept);
      // Each version's summary, as the `catalogues` query reads it, not its document (up to megabytes,
      // parsed for a title and a count); a version stored before summaries, or before they kept the
      // count of resources, is read whole.
      const versions = catalogueVersions(env.store);
      const listed = memoised((id?: string) => versions.listed(id));
      const list = await listCatalogues(env, viewer.dept, {
        status: statusOption(opts.status, VERSION_STATUSES),
        // A compiler in another case is the department's; one neither the platform file nor any catalogue
        // names is refused, not answered with no catalogues (filters.ts).
        compiler: opts.compiler === undefined ? undefined : departmentFilter(
          '--compiler', opts.compiler, env.platform.departments.map((d) => d.code),
          (await listed()).map((v) => v.catalogue.compiler), 'catalogue',
        ),
        overdue: opts.overdue ? true : undefined,
      }, listed);
      const counts = new Map<ListedVersion, number>();
      for (const c of list) {
        for (const v of c.versions) counts.set(v, resourceCountOf(v) ?? (await versions.get(v.id, v.version))?.catalogue.resources.length ?? 0);
      }
      const rows = list.flatMap((c) =>
        c.versions.map((v) => [
          v.id,
          String(v.version),
          upper(v.status),
          c.compiler,
          String(counts.get(v)),
          minute(v.publishedAt ?? v.reviewedAt ?? v.submittedAt),
          v === c.versions.at(-1) && c.revision ? revisionCell(c.revision) : '',
          v.catalogue.title,
        ]),
      );
      if (rows.length) console.log(table(['CATALOGUE', 'V', 'STATUS', 'COMPILER', 'RESOURCES', 'CHANGED (UTC)', 'REVISION', 'TITLE'], rows));
      console.error(`${list.length} catalogue${list.length === 1 ? '' : 's'}, ${rows.length} version${rows.length === 1 ? '' : 's'}, as ${viewer.dept} sees them`);
    }, { appendsAudit: false }),
  );
}

/** `read` called once for each id asked (undefined: every catalogue), its answer kept for the command. */
function memoised<T>(read: (id?: string) => Promise<T>): (id?: string) => Promise<T> {
  const kept = new Map<string | undefined, Promise<T>>();
  return (id) => {
    if (!kept.has(id)) kept.set(id, read(id));
    return kept.get(id)!;
  };
}

/**
 * A catalogue's revision: met on the day (the platform's) a version carrying it was published, or late
 * when that day is after the due date, or early when it is before the revision's `since` (a version
 * published ahead of the change it answers: a regulation published before it takes effect, or a `since`
 * written wrong; "met" told a supervisor it answered a change that had not happened yet); else due (or
 * overdue).
 */
export function revisionCell(r: { revision: { since: string }; dueDate: string | null; overdue: boolean; publishedAt: string | null }): string {
  // No due date after 9999-12-31 (a version stored before validation refused such a since).
  if (r.dueDate === null) return `no due date (since ${r.revision.since})${r.publishedAt ? `, met ${platformDate(r.publishedAt)}` : ''}`;
  if (r.publishedAt) {
    const day = platformDate(r.publishedAt);
    if (day < r.revision.since) return `early ${day} (since ${r.revision.since}, due ${r.dueDate})`;
    return answeredLate(r.publishedAt, r.dueDate) ? `late ${day} (due ${r.dueDate})` : `met ${day}`;
  }
  return `${r.overdue ? 'OVERDUE, ' : ''}due ${r.dueDate}`;
}

function resources(c: Catalogue): string {
  return `${c.resources.length} resource${c.resources.length === 1 ? '' : 's'}`;
}
