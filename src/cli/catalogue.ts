// `govgraph catalogue validate|import` (SPEC §11): check catalogue documents, and the operator's bootstrap; the
// lifecycle commands (submit, review, publish, list) are in catalogue-workflow.ts.
import type { Command } from 'commander';
import type { Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { DocumentInvalidError, formatProblem, prefixProblems } from '../catalogue/problems.ts';
import { randomUUID } from 'node:crypto';
import { registerCatalogueWorkflowCommands, retypedLines } from './catalogue-workflow.ts';
import { importBreakingLines } from './import-breaking.ts';
import { announce, loadCommandPlatform, openCommandStore, platformSource, storeIsThere, withCommonOptions, type CommonOptions } from './options.ts';
import { terminalText } from './terminal.ts';
import { interruption } from './interrupt.ts';

/** Loads the platform file; its problems are printed as `FILE: path: message` and the command fails. */
export async function loadPlatformOrReport(file: string, write: (line: string) => void = console.error): Promise<Platform | undefined> {
  try {
    return await loadCommandPlatform(file);
  } catch (err) {
    if (!(err instanceof DocumentInvalidError)) throw err;
    for (const p of prefixProblems(file, err.problems)) write(formatProblem(p));
    process.exitCode = 1;
    return undefined;
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function registerCatalogueCommands(program: Command): void {
  const catalogue = program.command('catalogue').description('catalogue documents: their format is schema/catalogue.schema.json, the lifecycle docs/workflow.md');

  withCommonOptions(
    catalogue
      .command('validate')
      .description('validate catalogue documents (YAML or JSON) together against the platform; exit 1 on any problem')
      .argument('<files...>', 'catalogue documents; a YAML file may hold several (---)'),
  ).action(async (files: string[], opts: CommonOptions) => {
    const platform = await loadPlatformOrReport(opts.platform, console.log);
    if (!platform) return;
    const { catalogueVersions } = await import('../catalogue/repository/versions.ts');
    const { validateCatalogueFiles } = await import('../catalogue/files.ts');
    const { historyProblems } = await import('../catalogue/history.ts');
    const { firstPublicationProblems } = await import('../catalogue/codes.ts');
    // Against the catalogues in effect and every version ever published when there is a store to ask
    // (codes, names and links are unique platform-wide; a code belongs to its provider for good); on a
    // machine with no data folder (or an empty MongoDB database), against the platform alone, where every
    // code is at its first publication (in its provider's code space).
    const withStore = await storeIsThere(opts);
    announce(opts, { platform: opts.platform, store: withStore });
    const store = withStore ? await openCommandStore(opts, { platform: { platform, file: opts.platform }, appendsAudit: false }) : null;
    try {
      const versions = store && catalogueVersions(store);
      const report = validateCatalogueFiles(files, platform, versions ? (await versions.published()).map((v) => v.catalogue) : []);
      let failed = report.problems.length > 0;
      for (const e of report.entries) {
        const refused = !e.catalogue ? [] : store && versions ? await historyProblems(store, platform, e.catalogue, versions) : firstPublicationProblems(platform, e.catalogue);
        if (e.catalogue && !refused.length) console.log(`${e.label}: ok (${plural(e.catalogue.resources.length, 'resource')})`);
        for (const p of prefixProblems(e.label, [...e.problems, ...refused])) console.log(formatProblem(p));
        if (refused.length) failed = true;
      }
      if (failed) process.exitCode = 1;
    } finally {
      await store?.close();
    }
  });

  withCommonOptions(
    catalogue
      .command('import')
      .description("the operator's bootstrap: store (and with --publish publish) catalogues without the review workflow")
      .argument('<files...>', 'catalogue documents')
      .option('--publish', 'publish them at once'),
  ).action(async (files: string[], opts: CommonOptions & { publish?: boolean }) => {
    const platform = await loadPlatformOrReport(opts.platform);
    if (!platform) return;
    announce(opts, { platform: opts.platform, store: true });
    const refused = (err: unknown) => {
      if (!(err instanceof DocumentInvalidError)) throw err;
      console.error('Nothing was imported:');
      for (const p of err.problems) console.error(formatProblem(p));
      process.exitCode = 1;
    };
    // A new store is made only for documents that will go into it: checked first against the platform
    // alone (a store that does not exist has nothing published), so that a refused import leaves no
    // folder and no store behind (nor, in an empty MongoDB database, a marker, a secret and an audit
    // entry of the refusal). Against an existing store, they are checked with it below.
    if (!(await storeIsThere(opts))) {
      const { validateCatalogueFiles } = await import('../catalogue/files.ts');
      const report = validateCatalogueFiles(files, platform, []);
      if (!report.catalogues) return refused(new DocumentInvalidError(report.problems));
    }
    const requestId = randomUUID();
    // Refused for the platform file of another region, the attempt is on the store's record
    // (src/catalogue/import-refusal.ts), as a refusal of the documents is.
    const { auditOtherRegionRefusal } = await import('../catalogue/import-refusal.ts');
    const onRefusal = (into: Store, problem: string) => auditOtherRegionRefusal(into, { files, publish: opts.publish ?? false, requestId }, problem);
    const store = await openCommandStore(opts, { create: true, platform: { platform, file: opts.platform, onRefusal } });
    const { importCatalogueFiles } = await import('../catalogue/import.ts');
    const { fulfilDemands } = await import('../workflow/demands/fulfilling.ts');
    try {
      const { publishedCatalogues } = await import('../catalogue/repository/versions.ts');
      // In effect before the import: what a new version retypes is said against it.
      const before = await publishedCatalogues(store);
      const imported = await importCatalogueFiles(store, platform, files, { publish: opts.publish ?? false, signal: interruption(), platformFile: `${opts.platform}${platformSource(opts.platform)}`, requestId });
      // The store's platform is recorded by the import, holding the publication lock, before it stores anything.
      for (const { file, version, unchanged, newerInEffect } of imported) {
        console.log(`${file}: ${version.id} version ${version.version} ${version.status} (${plural(version.catalogue.resources.length, 'resource')}${unchanged ? '; unchanged, no new version' : ''})`);
        if (newerInEffect !== undefined) {
          console.error(`${file}: ${version.id} version ${version.version} was not published: another process published version ${newerInEffect} meanwhile, which is in effect; import the file again to publish it as a newer version.`);
          process.exitCode = 1;
        }
        if (newerInEffect !== undefined) continue;
        const was = before.find((c) => c.id === version.id);
        // Also a version stored unchanged that this import publishes (imported before without --publish).
        const published = version.status === 'published';
        if (!unchanged || published) for (const line of await importBreakingLines(store, was, version.catalogue, published)) console.log(line);
        if (published && !unchanged) for (const line of await retypedLines(was, version.catalogue)) console.log(line);
      }
      // The demands this import's publications keep, from what each recorded it brought into effect; and
      // those kept by an earlier publication whose process was killed before it marked them.
      // The demand's resource is the code as published, as the fulfilDemand entry names it: the promise may
      // have written it in another case.
      for (const { demand: d, late } of await fulfilDemands({ store, now: new Date() }, { requestId })) {
        const by = d.fulfilledBy!.replace('@', ' v');
        console.log(terminalText(late
          ? `demand ${d.id} of ${d.requester} (${d.title}) fulfilled: kept by the publication of ${by}, whose process stopped before it marked it`
          : `  fulfils demand ${d.id} of ${d.requester} (${d.title}): ${by} publishes ${d.resource}`));
      }
    } catch (err) {
      refused(err);
    } finally {
      await store.close();
    }
  });

  registerCatalogueWorkflowCommands(catalogue);
}
