// Which connected answers are used, by the schema version that answered them (forward.ts, answerFits and
// answeredByOther of ConnectedPlatforms): an answer of a version known to serve the text the request was
// planned on, or of a platform that names no version, is used as it came; one of another version is used
// only when asking the platform's schema again shows that version serves the same text (a publication that
// changed no data field), else the namespace is null with an error saying where its new schema stands.
// The real processes are test/connected-retyped-item.test.ts's; here the Forwarder's answers are made up.
import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { forwardRequest, type Forwarder } from '../src/federation/forward.ts';
import type { JsonAnswer, PlatformClient } from '../src/federation/http-client.ts';
import { answerValueBounds } from '../src/federation/answer-values.ts';
import type { SchemaRecheck } from '../src/federation/schema-drift.ts';
import type { Platform } from '../src/model/platform.ts';

const guiyang = { region: '520100', name: '贵阳市数据共享平台', url: 'http://127.0.0.1:1', namespace: 'guiyang' };
const DATA = { gyHousing: { subsidisedHomes: { nodes: [{ homeNo: 'NM-0301', floor: 3 }] } } };

/** A Forwarder whose platform answers `answer`; `fits` and `other` stand for ConnectedPlatforms' own. */
function forwarder(answer: JsonAnswer, fits: boolean | undefined, other: SchemaRecheck | null = null) {
  const asked: string[] = [];
  const client: PlatformClient = { request: async () => answer, close: () => undefined };
  const f: Forwarder = {
    platform: { limits: {} } as unknown as Platform,
    client: () => client,
    headers: async () => ({}),
    valueBounds: answerValueBounds(1000),
    readFailed: () => undefined,
    ...(fits === undefined ? {} : {
      answerFits: (_c, plannedOn, version) => (asked.push(`fits ${plannedOn} ${version}`), fits),
      answeredByOther: async (_c, plannedOn, version) => (asked.push(`other ${plannedOn} ${version}`), other),
    }),
  };
  return { f, asked };
}

const read = (f: Forwarder) => forwardRequest(f, guiyang, { document: parse('{ gyHousing { subsidisedHomes { nodes { homeNo floor } } } }'), variables: {}, context: { identity: { user: 'u' } } }, 1000, 'planned-text');

describe('a connected answer, by the schema version that answered it', () => {
  it('is used as it came when the version serves the text planned on, or the platform names none', async () => {
    const fitting = forwarder({ status: 200, body: { data: DATA }, schemaVersion: 'v1' }, true);
    expect(await read(fitting.f)).toEqual({ data: DATA });
    expect(fitting.asked).toEqual(['fits planned-text v1']);
    const unnamed = forwarder({ status: 200, body: { data: DATA } }, false);
    expect(await read(unnamed.f)).toEqual({ data: DATA });
    expect(unnamed.asked).toEqual([]);
  });

  it('of another version, is used when that version serves the same text after all', async () => {
    const same = forwarder({ status: 200, body: { data: DATA }, schemaVersion: 'v2' }, false, null);
    expect(await read(same.f)).toEqual({ data: DATA });
    expect(same.asked).toEqual(['fits planned-text v2', 'other planned-text v2']);
  });

  it('of another text, is not used: the namespace is null with an error saying where the new schema stands', async () => {
    const pending = forwarder({ status: 200, body: { data: DATA }, schemaVersion: 'v2' }, false, { found: 'pending', at: '2026-12-06T19:00:00.000Z' });
    const refused = await read(pending.f);
    expect(refused.data).toBeUndefined();
    expect(refused.errors?.map((e) => [e.message, e.extensions])).toEqual([[
      'The connected platform 贵阳市数据共享平台 (520100) changed its schema while this request was read there: it answered with another schema than '
        + 'the one this gateway checked the request against, and its answer was not used (a value whose type changed there would read as null here). '
        + 'This gateway builds its new schema at 2026-12-06T19:00:00.000Z or later (a connected platform\'s schema changing often is built at most '
        + 'once a minute); until then the namespace is refused so (its answers come from a schema this gateway does not hold).',
      { code: 'PLATFORM_UNAVAILABLE', platform: '520100' },
    ]]);
    const unknown = await read(forwarder({ status: 200, body: { data: DATA }, schemaVersion: 'v3' }, false, { found: 'same' }).f);
    expect(unknown.errors?.[0].message).toMatch(/its answer was not used \(a value whose type changed there would read as null here\)\. Send the request again in a few seconds\.$/);
    const unstitchable = await read(forwarder({ status: 200, body: { data: DATA }, schemaVersion: 'v3' }, false, { found: 'unstitchable' }).f);
    expect(unstitchable.errors?.[0].message).toMatch(/Its new schema cannot be stitched here \(the operator sees why in `govgraph platform status`\); until it is fixed there, the namespace is refused so/);
  });
});
