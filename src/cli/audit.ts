// `govgraph audit verify` (SPEC §10, §11): checks the audit log's hash chain on the store.
import type { Command } from 'commander';
import { verifyAuditChain } from '../audit/verify.ts';
import { openStore } from '../store/open.ts';
import { withCommonOptions, type CommonOptions } from './options.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the audit log');

  withCommonOptions(
    audit
      .command('verify')
      .description('check the hash chain of the audit log and name the first broken entry'),
  ).action(async (opts: CommonOptions) => {
    const store = await openStore({ dataDir: opts.data, mongodbUri: opts.mongodbUri });
    try {
      const result = await verifyAuditChain(store);
      if (result.ok) {
        console.log(`audit chain ok: ${result.entries} entries`);
      } else {
        const broken = result.firstBroken!;
        console.log(`audit chain broken at entry #${broken.seq}: ${broken.reason}`);
        process.exitCode = 1;
      }
    } finally {
      await store.close();
    }
  });
}
