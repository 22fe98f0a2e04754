// The status of the connected platforms (SPEC §12): for operators with their urls (`platform status`, the
// log, /metrics), and for anyone without them (/healthz); a change of a platform's problem is logged once.

import { createHash } from 'node:crypto';
import type { ConnectedPlatform, Platform } from '../model/platform.ts';
import { platformBase } from '../identity/forwarded.ts';
import type { Reason } from './unavailable.ts';

export interface ConnectedStatus {
  region: string;
  name: string;
  namespace: string;
  url: string;
  reachable: boolean;
  /** The signature of the connected platform's published catalogues in effect here (its schema version). */
  schemaVersion: string | null;
  /** A changed schema seen there and not yet built here (SchemaRebuilds): its version, and when it will be; null while it does not answer. */
  pendingSchema: string | null;
  lastError: string | null;
  checkedAt: string | null;
}

/** A connected platform's status as /healthz shows it to anyone: without its url, in words for callers. */
export type PublicConnectedStatus = Omit<ConnectedStatus, 'url'>;

/**
 * A connected platform's schema version as /healthz shows it to anyone: the first 12 hexadecimal digits of
 * its SHA-256, as /metrics shows this platform's own (`govgraph_schema_version`). The version itself lists
 * that platform's published catalogues (`YC-ZJJ@1,YC-GAJ@4`: its departments' catalogue ids, how often
 * each was published), which a caller without a token sees nowhere else; the digest still says when it
 * changes. `platform status` and the log, the operator's, give the version.
 */
export const publicVersion = (version: string): string => createHash('sha256').update(version).digest('hex').slice(0, 12);

/** Each connected platform's status as last noted, and its last error as callers get it. */
export class ConnectedStatuses {
  private readonly statuses = new Map<string, ConnectedStatus>();
  /** Each status's last error as callers get it (without the url). */
  private readonly callerErrors = new Map<string, string | null>();
  /** The version each status's `pendingSchema` starts with, by region (its public form names its digest). */
  private readonly pendingVersions = new Map<string, string>();

  constructor(
    platform: Platform,
    /** A problem (`warn`) or its end (`info`), for the gateway's log. */
    private readonly log?: (level: 'warn' | 'info', message: string, fields: Record<string, unknown>) => void,
  ) {
    for (const c of platform.connected) {
      this.statuses.set(c.region, {
        region: c.region, name: c.name, namespace: c.namespace, url: c.url,
        reachable: false, schemaVersion: null, pendingSchema: null, lastError: null, checkedAt: null,
      });
    }
  }

  /** A platform's status, by its region. */
  get(region: string): ConnectedStatus | undefined {
    return this.statuses.get(region);
  }

  /** Every platform's status; `leftOut`: why the namespaces were left out of the last schema extended. */
  status(leftOut: string | null): ConnectedStatus[] {
    // A schema that answered but could not be put beside this platform's own is not reachable-and-well.
    return [...this.statuses.values()].map((s) => (leftOut && s.reachable ? { ...s, lastError: s.lastError ?? leftOut } : { ...s }));
  }

  /** The status for /healthz, which needs no login: no url, and the last errors as callers get them. */
  publicStatus(leftOut: string | null): PublicConnectedStatus[] {
    return this.status(leftOut).map(({ url: _url, ...s }) => ({
      ...s,
      schemaVersion: s.schemaVersion === null ? null : publicVersion(s.schemaVersion),
      pendingSchema: this.publicPending(s.region, s.pendingSchema),
      lastError: s.lastError === null ? null : this.callerErrors.get(s.region) ?? s.lastError,
    }));
  }

  private publicPending(region: string, pending: string | null): string | null {
    const version = this.pendingVersions.get(region);
    if (pending === null) return null;
    // Said without the version when it is not known to lead the text: nothing of it reaches /healthz.
    if (version === undefined || !pending.startsWith(version)) return 'a changed schema, to be built later';
    return `${publicVersion(version)}${pending.slice(version.length)}`;
  }

  /**
   * Notes what the last call found: the platform's state, and its problem (null when none); with a
   * `pendingSchema`, `pendingVersion`, the version it starts with.
   */
  note(c: ConnectedPlatform, patch: Partial<ConnectedStatus>, problem: Reason | null, pendingVersion?: string): void {
    const s = this.statuses.get(c.region)!;
    if (pendingVersion !== undefined) this.pendingVersions.set(c.region, pendingVersion);
    else if ('pendingSchema' in patch) this.pendingVersions.delete(c.region);
    const before = s.lastError;
    const lastError = problem ? problem(platformBase(c)) : null;
    Object.assign(s, patch, { lastError, checkedAt: new Date().toISOString() });
    this.callerErrors.set(c.region, problem ? problem(null) : null);
    // Logged when it changes, not at every poll: a platform down for an hour is one line, and one when it is back.
    if (lastError && lastError !== before) this.log?.('warn', 'connected platform unavailable', { platform: c.region, namespace: c.namespace, reason: lastError });
    else if (lastError === null && before) this.log?.('info', 'connected platform available again', { platform: c.region, namespace: c.namespace });
  }
}
