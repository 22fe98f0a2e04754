// Which platform file the gateways on a store serve with (SPEC §3: every instance over one store reads the
// same file). Its sections the store does not check (`trustedDocuments`, `limits`, `server`, purposes,
// connected platforms, ...) are each instance's own: two gateways behind one load balancer, one of them
// started with a file under `trustedDocuments: { mode: require }` and the other with one without it, ran
// any document a client sent to the second, the first's refusal undone by its neighbour, and nothing said
// so. Each gateway now keeps a digest of each section of its file in the store (`_settings`, key
// `served-platform`; digests only, nothing of the file), and one started after another whose file differed
// says which sections differ and who read the other file, serving all the same (a rolling restart onto an
// edited file passes through this). A gateway restarted on its machine (the one before it has ended) is
// not compared: editing the file and restarting the only instance is what an operator does.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import type { Platform } from '../model/platform.ts';
import { SETTINGS } from '../identity/secret.ts';
import { eq, type Store } from '../store/port.ts';

export const SERVED_PLATFORM_KEY = 'served-platform';

interface Served {
  sections: Record<string, string>;
  file: string;
  pid: number;
  host: string;
  since: string;
}

/** A digest of each top-level section of the platform as loaded (its defaults filled in), by name. */
export function sectionDigests(platform: Platform): Record<string, string> {
  const sections: Record<string, string> = {};
  for (const [name, value] of Object.entries(platform).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (value === undefined) continue;
    sections[name] = createHash('sha256').update(JSON.stringify(value) ?? 'null').digest('hex').slice(0, 16);
  }
  return sections;
}

function servedOf(value: unknown): Served | null {
  try {
    const v = typeof value === 'string' ? (JSON.parse(value) as Served) : null;
    return v && typeof v.sections === 'object' && v.sections !== null ? v : null;
  } catch {
    return null;
  }
}

/** Whether process `pid` of this machine runs (signal 0 checks without sending; EPERM: it runs as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Records what this gateway serves with, and returns what differs from the gateway recorded before it
 * (null when nothing does, or none was): a line for the operator naming the sections and the other gateway.
 */
export async function recordServedPlatform(store: Store, platform: Platform, file: string, now = new Date()): Promise<string | null> {
  const mine: Served = { sections: sectionDigests(platform), file, pid: process.pid, host: hostname(), since: now.toISOString() };
  const [row] = await store.find(SETTINGS, { filter: eq('key', SERVED_PLATFORM_KEY), limit: 1 });
  const before = row ? servedOf(row.value) : null;
  await store.upsert(SETTINGS, 'key', [{ key: SERVED_PLATFORM_KEY, value: JSON.stringify(mine) }]);
  // The gateway before, on this machine, has ended: this one restarted it, maybe onto an edited file.
  if (!before || (before.host === mine.host && !running(before.pid))) return null;
  const names = [...new Set([...Object.keys(before.sections), ...Object.keys(mine.sections)])].sort();
  const differ = names.filter((n) => before.sections[n] !== mine.sections[n]);
  if (differ.length === 0) return null;
  return (
    `the gateway started before this one on this store (process ${before.pid} on ${before.host}, at ${before.since}) read a platform file ` +
    `(${before.file}) whose ${differ.map((n) => `\`${n}\``).join(', ')} ${differ.length === 1 ? 'differs' : 'differ'} from this one's (${file}). ` +
    'Every instance over one store must read the same file: each applies its own trusted documents, limits and server settings, so a ' +
    'client sent to the other instance is held to the other file. If that gateway still runs, give both the same file and restart one; ' +
    'during a rolling restart onto an edited file this is said until every instance runs the new one (docs/operations.md, Several instances over one store)'
  );
}
