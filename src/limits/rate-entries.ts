// Which RATE_LIMITED refusals get an audit entry (SPEC §10, §13). A refused request reads nothing; an
// entry for each would let one user over their rate grow the audit log as fast as they can send. So the
// first refusal of a bucket (a user's, a department's, a connected platform's) gets its entry, and the
// refusals after it are not written until the bucket has a token again (the refusal's `resetsAt`): the
// entry says when the bucket was found empty and by whom, and every refusal is still counted in the
// metrics (govgraph_denials_total{code="RATE_LIMITED"}, govgraph_graphql_requests_total). Kept per
// instance: each instance on one store writes the first refusal it answers for a bucket.
import type { GraphQLError } from 'graphql';
import { bucketKey, type Limit, type RateSubject } from './rates.ts';

/** Buckets remembered at most (one small entry each); past it the expired ones go, then the oldest. */
export const RATE_ENTRY_BUCKETS_KEPT = 10_000;

const LIMITS: ReadonlySet<unknown> = new Set<Limit>(['perUser', 'perDepartment', 'perPlatform']);

/** The bucket a RATE_LIMITED refusal names (extensions.limit), keyed as src/limits/rates.ts takes from it. */
function bucketOf(refusal: GraphQLError, who: RateSubject): string | null {
  const limit = refusal.extensions.limit;
  return LIMITS.has(limit) ? bucketKey(limit as Limit, who) : null;
}

export class RateRefusalEntries {
  /** Bucket → until when its refusals are not written (ms). */
  private readonly quiet = new Map<string, number>();
  /**
   * Bucket → whether its first refusal's entry was written, while it is being written. Refusals of the bucket
   * that come meanwhile (a client sending many requests at once) wait for it, and are folded into it once
   * it is written: without this, each of them saw no entry yet and wrote its own.
   */
  private readonly writing = new Map<string, { written: Promise<boolean>; until: number }>();

  constructor(private readonly kept = RATE_ENTRY_BUCKETS_KEPT) {}

  /**
   * Whether refusal `refusal` of `who` goes without an audit entry: a RATE_LIMITED refusal of a bucket
   * whose first refusal was written (`wrote`) and that has had no token since (before that refusal's
   * `resetsAt`). Any other refusal is written.
   */
  folded(refusal: GraphQLError, who: RateSubject, now = Date.now()): boolean {
    const bucket = refusal.extensions.code === 'RATE_LIMITED' ? bucketOf(refusal, who) : null;
    const until = bucket === null ? undefined : this.quiet.get(bucket);
    return until !== undefined && now < until;
  }

  /**
   * Writes the entry of refusal `refusal` of `who` (`write` answers the refusal itself once it is written,
   * AUDIT_UNAVAILABLE else), unless it is folded into its bucket's written entry (`'folded'`). One entry
   * per bucket is written at a time: a refusal of a bucket whose entry is being written waits for it, and
   * is `'folded'` once it was written, `'unwritten'` when it could not be (answer it as that one was;
   * the next refusal after it is written). Refusals other than a rate's are always written.
   */
  async entry(refusal: GraphQLError, who: RateSubject, write: () => Promise<GraphQLError>, now = Date.now()): Promise<GraphQLError | 'folded' | 'unwritten'> {
    const bucket = refusal.extensions.code === 'RATE_LIMITED' ? bucketOf(refusal, who) : null;
    if (bucket === null) return write();
    if (this.folded(refusal, who, now)) return 'folded';
    const pending = this.writing.get(bucket);
    // Not past the refusal being written's resetsAt: a refusal after it found the bucket empty again (it had
    // a token meanwhile), an emptying of its own that the entry being written does not speak for.
    if (pending && now < pending.until) return (await pending.written) ? 'folded' : 'unwritten';
    const answer = write();
    const mine = { written: answer.then((written) => written === refusal, () => false), until: resetsOf(refusal) || Infinity };
    this.writing.set(bucket, mine);
    try {
      const written = await answer;
      if (written === refusal) this.wrote(refusal, who, now);
      return written;
    } finally {
      if (this.writing.get(bucket) === mine) this.writing.delete(bucket);
    }
  }

  /**
   * Notes that the entry of RATE_LIMITED refusal `refusal` was written: the refusals of its bucket until its
   * `resetsAt` are folded into it. Only once written: a refusal answered AUDIT_UNAVAILABLE folds nothing,
   * and the next refusal of the bucket is written.
   */
  wrote(refusal: GraphQLError, who: RateSubject, now = Date.now()): void {
    const bucket = refusal.extensions.code === 'RATE_LIMITED' ? bucketOf(refusal, who) : null;
    const resets = resetsOf(refusal);
    if (bucket === null || Number.isNaN(resets)) return;
    // An entry written late (its store was slow) does not shorten the quiet of a later refusal's.
    const later = this.quiet.get(bucket);
    if (later !== undefined && later > resets) return;
    this.quiet.delete(bucket);
    if (this.quiet.size >= this.kept) {
      for (const [b, t] of this.quiet) if (t <= now) this.quiet.delete(b);
      if (this.quiet.size >= this.kept) this.quiet.delete(this.quiet.keys().next().value!);
    }
    this.quiet.set(bucket, resets);
  }
}

/** When the bucket a RATE_LIMITED refusal found empty has a token again (ms; NaN when it does not say). */
const resetsOf = (refusal: GraphQLError): number => Date.parse(String(refusal.extensions.resetsAt));

/** What the written entry adds to its refusal's detail: the refusals after it are counted, not written. */
export const foldedNote = (refusal: GraphQLError): string =>
  `; further refusals of this bucket until ${String(refusal.extensions.resetsAt)} are counted in the metrics, not written here`;
