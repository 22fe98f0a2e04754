// govgraph schema print: the SDL of the schema in effect, or of what one department may read of it.
// With connected platforms (SPEC §12) it is the schema the gateway serves: this platform's own fields and
// each connected platform's namespace, asked from that platform as the gateway asks it (signed with this
// platform's key); a platform that does not answer is left out with a note on stderr, as the gateway
// leaves its namespace out until it answers. --no-connected prints this platform's own schema only.
import type { Command } from 'commander';
import { announce, loadCommandPlatform, openCommandStore, unknownDepartmentMessage, UserError, withCommonOptions, type CommonOptions } from './options.ts';

interface PrintOptions extends CommonOptions {
  dept?: string;
  connected: boolean;
}

export function registerSchemaCommands(program: Command): void {
  const schema = program.command('schema').description('the generated GraphQL schema');
  withCommonOptions(schema.command('print'))
    .description('print the SDL generated from the published catalogues, with the connected platforms\' namespaces')
    .option('--dept <code>', 'only what this department may read at all (for its typed clients)')
    .option('--no-connected', 'leave out the connected platforms\' namespaces (asks no other platform)')
    .action(async (opts: PrintOptions) => {
      const platform = await loadCommandPlatform(opts.platform);
      const department = opts.dept === undefined ? undefined : platform.departments.find((d) => d.code === opts.dept);
      if (opts.dept !== undefined && !department) {
        throw new UserError(unknownDepartmentMessage(opts.dept, opts.platform, platform));
      }
      announce(opts, { platform: opts.platform, store: true });
      const store = await openCommandStore(opts, { platform: { platform, file: opts.platform }, appendsAudit: false });
      const { publishedCatalogues } = await import('../catalogue/repository/versions.ts');
      const { departmentCatalogues } = await import('../generate/department-view.ts');
      const { buildGatewaySchema } = await import('../server/assemble.ts');
      try {
        let catalogues = await publishedCatalogues(store);
        if (department) catalogues = departmentCatalogues(platform, catalogues, department);
        // The SDL does not depend on the access rules; leaving them out skips building them.
        const built = buildGatewaySchema(platform, catalogues, { rules: false });
        if (!opts.connected || platform.connected.length === 0) {
          process.stdout.write(built.sdl + '\n');
          return;
        }
        const { printSchema } = await import('graphql');
        const { ConnectedPlatforms } = await import('../federation/connected/platforms.ts');
        const { PlatformKeys } = await import('../identity/platform-keys.ts');
        const connected = new ConnectedPlatforms(platform, new PlatformKeys(store), { pollMs: 0, view: department });
        await connected.refresh();
        connected.stop();
        const schema = connected.extend(built.schema); // first: a clash with our own types shows in the status
        for (const s of connected.status()) {
          if (s.schemaVersion === null) console.error(`govgraph: namespace ${s.namespace} left out (${s.name}, ${s.region}): ${s.lastError ?? 'no answer'}`);
          else if (s.lastError) console.error(`govgraph: namespace ${s.namespace} (${s.name}, ${s.region}): ${s.lastError}`);
        }
        process.stdout.write(printSchema(schema) + '\n');
      } finally {
        await store.close();
      }
    });
}
