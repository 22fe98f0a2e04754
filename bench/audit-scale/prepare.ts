// Makes (or finds made) a data folder holding a published catalogue and an audit log of `entries` entries
// (fill.ts), for bench/audit-scale.ts. Kept under `root`, named by the count, so that a second run reuses it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and } from '../../src/store/port.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { fillAuditLog, writePlatformFiles } from './fill.ts';

export const BIN = fileURLToPath(new URL('../../bin/govgraph.js', import.meta.url));
/** The platform secret of the bench's gateways and commands (keys the chain). */
export const SECRET = 'foshan-audit-bench-secret-0123456789abcdef';

export interface Prepared {
  data: string;
  platform: string;
  env: NodeJS.ProcessEnv;
  entries: number;
  checkpoints: number;
}

export async function prepare(root: string, entries: number, log: (line: string) => void = () => {}): Promise<Prepared> {
  const dir = join(root, `log-${entries}`);
  const data = join(dir, 'data');
  const done = join(dir, 'filled.json');
  mkdirSync(dir, { recursive: true });
  const { platform, catalogue } = writePlatformFiles(dir);
  const env: NodeJS.ProcessEnv = { ...process.env, GOVGRAPH_JWT_SECRET: SECRET, GOVGRAPH_DATA_DIR: data, GOVGRAPH_PLATFORM: platform };
  delete env.MONGODB_URI;
  if (existsSync(done)) return { data, platform, env, entries, ...(JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(done, 'utf8'))) as { checkpoints: number }) };
  execFileSync(process.execPath, [BIN, 'catalogue', 'import', '--publish', catalogue], { env, stdio: 'ignore' });
  const store = await openSqliteStore(data);
  const started = performance.now();
  let checkpoints: number;
  try {
    // The log the import wrote is dropped: the bench's log is the year's, from entry #1.
    await store.delete('_audit', and());
    await store.delete('_audit_checkpoints', and());
    checkpoints = await fillAuditLog(store, entries, env, (n) => {
      if (n % (entries >= 200_000 ? 100_000 : 10_000) === 0) log(`  ${n.toLocaleString('en-US')} entries written (${Math.round((performance.now() - started) / 1000)} s)`);
    });
  } finally {
    await store.close();
  }
  log(`  ${entries.toLocaleString('en-US')} entries and ${checkpoints.toLocaleString('en-US')} checkpoints written in ${Math.round((performance.now() - started) / 1000)} s`);
  writeFileSync(done, JSON.stringify({ checkpoints }));
  return { data, platform, env, entries, checkpoints };
}

// Run alone: npx tsx bench/audit-scale/prepare.ts ROOT ENTRIES
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [root, entries] = process.argv.slice(2);
  const p = await prepare(root, Number(entries), console.log);
  console.log(JSON.stringify({ ...p, env: undefined }));
}
