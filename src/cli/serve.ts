// govgraph serve: the gateway. With --demo, the demo platform is loaded into the data folder on first run.
import type { Command } from 'commander';
import { loadPlatform } from '../catalogue/platform.ts';
import { ensureDemo } from '../demo/setup.ts';
import { DEMO_PLATFORM_FILE } from '../demo/paths.ts';
import { signToken } from '../identity/token.ts';
import { startGateway } from '../server/app.ts';
import { openStore } from '../store/open.ts';
import { withCommonOptions, type CommonOptions } from './options.ts';

interface ServeOptions extends CommonOptions {
  port: string;
  host: string;
  demo?: boolean;
}

export function registerServeCommand(program: Command): void {
  withCommonOptions(program.command('serve'))
    .description('serve GraphQL at /graphql, GraphiQL at /graphiql and /healthz')
    .option('--port <n>', 'port (env PORT)', process.env.PORT ?? '4000')
    .option('--host <addr>', 'address to listen on (env HOST)', process.env.HOST ?? '127.0.0.1')
    .option('--demo', 'serve the demo platform, loading it into the data folder on first run')
    .action(async (opts: ServeOptions, cmd: Command) => {
      const platformFile = opts.demo && cmd.getOptionValueSource('platform') === 'default' ? DEMO_PLATFORM_FILE : opts.platform;
      const platform = loadPlatform(platformFile);
      const store = await openStore({ dataDir: opts.data, mongodbUri: opts.mongodbUri });
      if (opts.demo) await ensureDemo(store, platform, (line) => console.log(line));
      const gateway = await startGateway({
        platform,
        store,
        port: Number(opts.port),
        host: opts.host,
        jwksUrl: process.env.GOVGRAPH_JWKS_URL,
        development: process.env.NODE_ENV === 'development',
        log: (err) => console.error(err),
      });
      console.log(`govgraph: ${platform.platform.name}`);
      console.log(`  GraphQL   ${gateway.url}/graphql`);
      console.log(`  GraphiQL  ${gateway.url}/graphiql`);
      if (opts.demo) {
        const token = await signToken(gateway.secret, { dept: '430000-MZ', user: 'demo-developer', roles: ['applicant'], ttl: '8h' });
        console.log('\nA demo token for the Provincial Department of Civil Affairs (430000-MZ), valid 8 hours:');
        console.log(`  Authorization: Bearer ${token}`);
        console.log('  x-purpose: social-assistance');
        console.log('Make others with: npx govgraph token --dept CODE [--roles applicant,approver]' + (opts.data !== './data' ? ` --data ${opts.data}` : ''));
      }
      const stop = async () => {
        await gateway.close();
        await store.close();
        process.exit(0);
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
