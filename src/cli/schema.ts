// govgraph schema print: the SDL of the schema in effect.
import type { Command } from 'commander';
import { loadPlatform } from '../catalogue/platform.ts';
import { publishedCatalogues } from '../catalogue/repository.ts';
import { buildGatewaySchema } from '../generate/executable.ts';
import { openStore } from '../store/open.ts';
import { withCommonOptions, type CommonOptions } from './options.ts';

export function registerSchemaCommands(program: Command): void {
  const schema = program.command('schema').description('the generated GraphQL schema');
  withCommonOptions(schema.command('print'))
    .description('print the SDL generated from the published catalogues')
    .action(async (opts: CommonOptions) => {
      const platform = loadPlatform(opts.platform);
      const store = await openStore({ dataDir: opts.data, mongodbUri: opts.mongodbUri });
      try {
        process.stdout.write(buildGatewaySchema(platform, await publishedCatalogues(store)).sdl + '\n');
      } finally {
        await store.close();
      }
    });
}
