// "An expired grant stops working" (issue 4, point 6) through the gateway, on a platform unlike the demo
// (test/fixtures/jiangxi): the gateway keeps each department's unrevoked grants between changes
// (src/access/grant-cache.ts), so nothing in the store changes when a grant's last day ends. The read
// must still be refused from the first moment of the next platform day (Asia/Shanghai), on the same
// gateway, without any write to the grants.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';

const here = fileURLToPath(new URL('.', import.meta.url));
const fixture = (name: string) => join(here, 'fixtures/jiangxi', name);

// 2026-12-10 is a Thursday; its platform day ends at 2026-12-10T16:00:00Z (UTC+8).
const DAY = '2026-12-10';
const MORNING = new Date('2026-12-10T01:00:00Z');
const LAST_SECOND = new Date('2026-12-10T15:59:59Z');
const NEXT_DAY = new Date('2026-12-10T16:00:01Z');

const APPLICANT = { dept: '360000-RST', roles: ['applicant' as const], purpose: 'job-placement' };
const APPROVER = { dept: '360000-GAT', roles: ['approver' as const] };
const READ = '{ jxPolice { persons(first: 5) { nodes { idNo born } } } }';

let gw: TestGateway;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(MORNING);
  gw = await startTestGateway({ platformFile: fixture('platform.yaml'), catalogueFiles: [fixture('persons.yaml')] });
});
afterAll(async () => {
  vi.useRealTimers();
  await gw?.close();
});

const codes = (r: { errors?: { extensions?: Record<string, unknown> }[] }) => r.errors?.map((e) => e.extensions?.code) ?? [];

describe('a grant whose last day has ended', () => {
  it('works through its last day and is refused from the next, on the same gateway', async () => {
    const asked = await gw.query(
      `mutation { requestSharing(input: { resource: "360000-GAT-00007", items: ["idNo", "born"], purposes: ["job-placement"],
        justification: "Placement checks", until: "${DAY}" }) { id } }`,
      APPLICANT,
    );
    expect(asked.errors).toBeUndefined();
    const decided = await gw.query(
      `mutation { decideSharingRequest(input: { id: "${asked.data!.requestSharing.id}", decision: APPROVE }) { grant { until active } } }`,
      APPROVER,
    );
    expect(decided.data!.decideSharingRequest.grant).toEqual({ until: DAY, active: true });

    const before = await gw.query(READ, APPLICANT);
    expect(codes(before)).toEqual([]);
    expect(before.data!.jxPolice.persons).toEqual({ nodes: [] });

    vi.setSystemTime(LAST_SECOND);
    const last = await gw.query(READ, APPLICANT);
    expect(codes(last)).toEqual([]);

    vi.setSystemTime(NEXT_DAY);
    const after = await gw.query(READ, APPLICANT);
    expect(after.data!.jxPolice.persons).toBeNull();
    expect(codes(after)).toEqual(['GRANT_REQUIRED']);
    const listed = await gw.query('{ grants { until active } }', APPLICANT);
    expect(listed.data!.grants).toEqual([{ until: DAY, active: false }]);
  });
});
