// Usage figures for the yearly report of use (issue 4, point 8) over platform dates: `from` and `to`
// are inclusive days of the platform's calendar (Asia/Shanghai), turned into the UTC instants the audit
// log keeps. Supervisors of the competent department see every resource; any other department the
// resources it provides.
import { auditUsage, type ResourceUsage } from '../audit/usage.ts';
import type { Store } from '../store/port.ts';
import type { Platform } from '../model/platform.ts';
import { badInput } from './errors.ts';
import { probeUsage, type ProbeUsage } from '../limits/probes.ts';
import { supervisesPlatform } from '../identity/roles.ts';
import { findPublishedResource, lastPublishedResources } from './resource-info.ts';
import type { Catalogue } from '../model/catalogue.ts';

export interface UsageView {
  from: string;
  to: string;
  resources: ResourceUsage[];
  maskedProbes: ProbeUsage[];
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** The UTC instant at which a platform day (UTC+08:00) starts. */
export function platformDayStart(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00+08:00`)).toISOString();
}

/** `inEffect`: the catalogues in effect (the gateway's, the command's), whose providers need no read. */
export async function usageReport(
  store: Store,
  platform: Platform,
  viewer: { dept: string; roles: readonly string[] },
  period: { from: string; to: string; resource?: string | null },
  inEffect: readonly Catalogue[],
): Promise<UsageView> {
  if (period.to < period.from) throw badInput(`The period ends (${period.to}) before it starts (${period.from}).`);
  const supervisor = supervisesPlatform(viewer, platform.platform.competentDepartment);
  const report = await auditUsage(store, {
    from: platformDayStart(period.from),
    to: new Date(Date.parse(platformDayStart(period.to)) + DAY_MS).toISOString(),
    resource: period.resource ?? undefined,
    provider: supervisor ? undefined : viewer.dept,
  });
  const asked = (await probeUsage(store, period.from, period.to)).filter((p) => !period.resource || p.resource === period.resource);
  // A provider's probes are those on the resources it provides or provided: a code is its provider's for
  // good, and a period's figures outlive the catalogue (withdrawn, or a version without the resource), as
  // the read figures above do; asked of the catalogues in effect alone, they were left out of its report.
  // The versions are read only for a code no catalogue in effect carries, as the objections' view does
  // (objections/viewing.ts): every version ever published, read whole at each usage field, cost what the
  // platform's catalogue history weighs.
  const providers = new Map<string, string | undefined>();
  if (!supervisor) {
    const gone = new Set<string>();
    for (const { resource } of asked) {
      const provider = findPublishedResource(inEffect, resource)?.resource.provider;
      if (provider === undefined) gone.add(resource);
      else providers.set(resource, provider);
    }
    for (const [code, resource] of await lastPublishedResources(store, gone)) providers.set(code, resource?.provider);
  }
  const probes = asked.filter((p) => supervisor || providers.get(p.resource) === viewer.dept);
  return { from: period.from, to: period.to, resources: report.resources, maskedProbes: probes };
}
