// govgraph schema print: the SDL of the schema in effect, or of what one department may read of it.
import type { Command } from 'commander';
import { announce, loadCommandPlatform, openCommandStore, UserError, withCommonOptions, type CommonOptions } from './options.ts';

interface PrintOptions extends CommonOptions {
  dept?: string;
}

export function registerSchemaCommands(program: Command): void {
  const schema = program.command('schema').description('the generated GraphQL schema');
  withCommonOptions(schema.command('print'))
    .description('print the SDL generated from the published catalogues')
    .option('--dept <code>', 'only what this department may read at all (for its typed clients)')
    .action(async (opts: PrintOptions) => {
      const platform = await loadCommandPlatform(opts.platform);
      if (opts.dept !== undefined && !platform.departments.some((d) => d.code === opts.dept)) {
        throw new UserError(`Department ${opts.dept} is not a department of the platform (${opts.platform}).`);
      }
      announce(opts, { platform: opts.platform, store: true });
      const store = await openCommandStore(opts);
      const { publishedCatalogues } = await import('../catalogue/repository.ts');
      const { departmentCatalogues } = await import('../generate/department-view.ts');
      const { buildGatewaySchema } = await import('../server/assemble.ts');
      try {
        let catalogues = await publishedCatalogues(store);
        if (opts.dept !== undefined) catalogues = departmentCatalogues(platform, catalogues, opts.dept);
        // The SDL does not depend on the access rules; leaving them out skips building them.
        process.stdout.write(buildGatewaySchema(platform, catalogues, { rules: false }).sdl + '\n');
      } finally {
        await store.close();
      }
    });
}
