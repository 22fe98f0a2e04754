// What one department's request bodies hold in memory while they arrive (SPEC §13: one query must not stall
// a gateway). A body is read whole before its request takes a rate token (its tokens are counted by its
// size), and each may trickle for node's requestTimeout, five minutes, a byte every clientIdleMs: one token
// holding a thousand connections, each a megabyte short of its last byte, held a gigabyte of the gateway's
// memory that no rate counted (300 such bodies: 170 MB to 450 MB), and enough of them end the process.
// So the bodies of one department (counterKey: a forwarded one's `dept@platform`) being received at once
// hold at most BODIES_HELD_PER_DEPARTMENT times maxRequestBytes on one gateway; the chunk that would pass
// it ends its body's reading, refused with 429 (graphql-route.ts). The department's own requests wait on
// each other so, as its queries do for their turns (turns.ts); every other department's go ahead.

/** How many bodies of maxRequestBytes one department may have arriving at once on one gateway. */
export const BODIES_HELD_PER_DEPARTMENT = 16;
/**
 * How many bodies of maxRequestBytes the departments one connected platform forwards may have arriving at
 * once, all together: each is a department of its own here (`dept@platform`), and a platform may name any
 * code within its region, so with the department's bound alone 1,000 made-up codes held 16 GiB (as
 * limits.rate.perPlatform bounds their rates together). A platform's gateway sends a body whole at once.
 */
export const BODIES_HELD_PER_PLATFORM = 64;

/** The refusal's Retry-After: the department's other bodies end (or are given up) meanwhile. */
export const BODIES_RETRY_AFTER_SECONDS = 1;

/** The bytes of request bodies each department has arriving now, under one bound for each. */
export class BodiesArriving {
  private readonly held = new Map<string, number>();

  constructor(readonly bound: number) {}

  /** Holds `bytes` more for department `key`: false, holding nothing more, when that would pass the bound. */
  hold(key: string, bytes: number): boolean {
    const now = this.held.get(key) ?? 0;
    if (now + bytes > this.bound) return false;
    this.held.set(key, now + bytes);
    return true;
  }

  /** Gives back `bytes` of department `key`'s, once its body is read whole or given up. */
  release(key: string, bytes: number): void {
    const left = (this.held.get(key) ?? 0) - bytes;
    if (left > 0) this.held.set(key, left);
    else this.held.delete(key);
  }

  /** The bytes department `key` has arriving now. */
  holding(key: string): number {
    return this.held.get(key) ?? 0;
  }
}

/** The refusal of a body that would pass its department's bound (HTTP 429, read no further). */
export function bodiesArrivingMessage(key: string, bound: number, maxRequestBytes: number): string {
  return `Department ${key} has more request bodies arriving at once than this gateway holds for one department (${bound} bytes: ${bound / maxRequestBytes} times limits.maxRequestBytes); this one was read no further. Send large requests one after another, not all at once.`;
}

/** The refusal of a forwarded body that would pass its platform's bound (HTTP 429, read no further). */
export function platformBodiesArrivingMessage(region: string, bound: number, maxRequestBytes: number): string {
  return `The departments connected platform ${region} forwards have more request bodies arriving at once than this gateway holds for one platform (${bound} bytes: ${bound / maxRequestBytes} times limits.maxRequestBytes); this one was read no further. Send large requests one after another, not all at once.`;
}
