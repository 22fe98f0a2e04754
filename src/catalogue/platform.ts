// The platform file (SPEC §3): JSON Schema, then the checks of checks/platform.ts; defaults filled in.
import path from 'node:path';
import { DEFAULT_LIMITS, deadlinesOf, type Limits, type Platform, type RateBucket, type TrustedDocuments } from '../model/platform.ts';
import { platformChecks } from './checks/platform.ts';
import { boundTooLowProblem } from './checks/platform/limits.ts';
import { noPurposeProblem } from './checks/platform/departments.ts';
import { schemaProblems } from './json-schema.ts';
import { DocumentInvalidError, type Problem } from './problems.ts';
import { readDocument } from './read/files.ts';
import { hiddenTextProblems, illFormedTextProblems } from './read/texts.ts';

/** The platform file as written: limits and trusted documents are optional and spelled for people. */
type RawBucket = 'off' | { requests: number; per: string };
type RawPlatform = Omit<Platform, 'limits' | 'trustedDocuments'> & {
  limits?: Partial<Omit<Limits, 'rate' | 'filter' | 'maskedProbes'>> & {
    filter?: Partial<Limits['filter']>;
    rate?: { perDepartment?: RawBucket; perUser?: RawBucket; perPlatform?: RawBucket };
    maskedProbes?: Partial<Limits['maskedProbes']>;
  };
  trustedDocuments?: Partial<TrustedDocuments>;
};

export function validatePlatform(doc: unknown, file?: string): { platform?: Platform; problems: Problem[] } {
  const problems = [...illFormedTextProblems(doc), ...hiddenTextProblems(doc), ...schemaProblems('platform.schema.json', doc).map((p) => rateOffProblem(doc, p) ?? boundTooLowProblem(doc, p) ?? purposesEmptyProblem(doc, p) ?? p)];
  if (problems.length) return { problems };
  problems.push(...maskedProbeBoundsNest(doc as RawPlatform));
  const platform = withDefaults(doc as RawPlatform, file);
  for (const check of platformChecks) problems.push(...check(platform));
  return problems.length ? { problems } : { platform, problems };
}

/** The schema's `minItems` refusal of `purposes: []`, worded to say why a platform needs one (the check's). */
function purposesEmptyProblem(doc: unknown, problem: Problem): Problem | undefined {
  const purposes = (doc as { purposes?: unknown }).purposes;
  return problem.path === 'purposes' && Array.isArray(purposes) && purposes.length === 0 ? noPurposeProblem() : undefined;
}

/**
 * `rate: off` is refused (operations.md: a bucket is turned off by name, so that a bucket added later is not
 * off unawares); the schema's "expected an object" would not say what to write instead.
 */
function rateOffProblem(doc: unknown, problem: Problem): Problem | undefined {
  const rate = (doc as { limits?: { rate?: unknown } } | null)?.limits?.rate;
  if (problem.path !== 'limits.rate' || typeof rate !== 'string' || rate.trim().toLowerCase() !== 'off') return undefined;
  return { path: problem.path, message: '"off" turns no bucket off by itself: name each bucket to turn off, rate: { perUser: off, perDepartment: off, perPlatform: off }' };
}

/**
 * The masked-probe quota of an hour lies within the day's: written the other way round, the hour's figure
 * went unread (`perHour: 1000, perDay: 10` allowed 10 an hour, and the day's refusal said so). The defaults
 * count for a key not set, as the problem says. (A `maxIn` over `perHour` is kept: an `in` that large is
 * refused by the quota instead, as tests of the quota write it.)
 */
function maskedProbeBoundsNest(doc: RawPlatform): Problem[] {
  const written = doc.limits?.maskedProbes ?? {};
  const bounds = { ...DEFAULT_LIMITS.maskedProbes, ...written };
  type Key = keyof Limits['maskedProbes'];
  const said = (key: Key) => `${key} (${bounds[key]}${written[key] === undefined ? ', the default' : ''})`;
  const out: Problem[] = [];
  for (const [small, large] of [['perHour', 'perDay']] as [Key, Key][]) {
    if (bounds[small] <= bounds[large]) continue;
    out.push({
      path: `limits.maskedProbes.${written[small] !== undefined ? small : large}`,
      message:
        `${said(small)} is more than ${said(large)}, which would bound it instead; ` +
        (written[small] === undefined
          ? `set ${small} to at most ${bounds[large]} too, or make ${large} at least ${bounds[small]}`
          : written[large] === undefined
            ? `make ${small} at most ${bounds[large]}, or set ${large} to at least ${bounds[small]}`
            : `make ${small} at most ${large}`),
    });
  }
  return out;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `60s`, `500ms`, `1h` (the schema's `duration` pattern) in milliseconds. Never 0: a rate bucket refilled
 * per 0 ms would divide by zero on every request.
 */
export function durationMs(text: string): number {
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(text);
  const ms = m ? Number(m[1]) * UNIT_MS[m[2]] : 0;
  if (!(ms > 0)) throw new Error(`not a duration longer than zero: ${text}`);
  return ms;
}

function bucket(raw: RawBucket | undefined, fallback: RateBucket | null): RateBucket | null {
  if (raw === undefined) return fallback;
  return raw === 'off' ? null : { requests: raw.requests, perMs: durationMs(raw.per) };
}

function withDefaults(doc: RawPlatform, file?: string): Platform {
  const p = structuredClone(doc);
  p.platform.holidays ??= [];
  p.connected ??= [];
  p.deadlines = deadlinesOf(p);
  const l = p.limits ?? {};
  const d = DEFAULT_LIMITS;
  const limits: Limits = {
    maxDepth: l.maxDepth ?? d.maxDepth,
    maxAliases: l.maxAliases ?? d.maxAliases,
    maxTokens: l.maxTokens ?? d.maxTokens,
    maxCost: l.maxCost ?? d.maxCost,
    maxRequestBytes: l.maxRequestBytes ?? d.maxRequestBytes,
    timeoutMs: l.timeoutMs ?? d.timeoutMs,
    concurrentPerDepartment: l.concurrentPerDepartment ?? d.concurrentPerDepartment,
    filter: { ...d.filter, ...l.filter },
    rate: {
      perDepartment: bucket(l.rate?.perDepartment, d.rate.perDepartment),
      perUser: bucket(l.rate?.perUser, d.rate.perUser),
      perPlatform: bucket(l.rate?.perPlatform, d.rate.perPlatform ?? null),
    },
    maskedProbes: { ...d.maskedProbes, ...l.maskedProbes },
  };
  const base = file ? path.dirname(path.resolve(file)) : process.cwd();
  const trustedDocuments: TrustedDocuments = {
    mode: p.trustedDocuments?.mode ?? 'off',
    manifests: (p.trustedDocuments?.manifests ?? []).map((m) => path.resolve(base, m)),
  };
  return { ...p, limits, trustedDocuments };
}

/** Reads and validates a platform file; DocumentInvalidError lists every problem. */
export function loadPlatform(file: string): Platform {
  const { platform, problems } = validatePlatform(readDocument(file), file);
  if (!platform) throw new DocumentInvalidError(problems, file);
  return platform;
}
