// Keys and failure of connected platforms, in one process: the signing key's rotation (the old key
// verifies until its tokens expire), the forwarded-identity verifier against crafted tokens, and a
// connected platform that accepts the connection but never answers, which makes its namespace null with
// PLATFORM_UNAVAILABLE within its timeoutMs (shown by the order of two timers, not by the clock).
import { createServer, type Server } from 'node:http';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { signEd25519, verifyEd25519 } from '../src/identity/ed25519.ts';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createForwardedVerifier, signForwarded } from '../src/identity/forwarded.ts';
import type { AuthenticationError } from '../src/identity/errors.ts';
import { NEW_KEY_SIGNS_AFTER_MS, PlatformKeys, publicKeySet, rotateSigningKey, storedKeys, RETIRED_KEY_GRACE_MS } from '../src/identity/platform-keys.ts';
import { SETTINGS } from '../src/identity/secret.ts';
import { ConnectedPlatforms } from '../src/federation/connected.ts';
import { composeSchema } from '../src/federation/compose.ts';
import { platformClient } from '../src/federation/http-client.ts';
import { forwardedPlugin } from '../src/server/plugins/forwarded.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSchema, execute, GraphQLError, parse, print, type GraphQLSchema } from 'graphql';
import { withoutTypenames } from '../src/federation/typenames.ts';
import { answerErrorBound, MAX_ANSWER_ERRORS, MIN_ANSWER_ERRORS } from '../src/federation/answer-errors.ts';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { DEFAULT_CONNECTED_TIMEOUT_MS, type Platform } from '../src/model/platform.ts';
import { provinceListing } from './helpers/stand-in-province.ts';

const dirs: string[] = [];
const servers: Server[] = [];
afterAll(() => {
  for (const s of servers) s.closeAllConnections?.(), s.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function store() {
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-keys-'));
  dirs.push(dir);
  return openSqliteStore(dir);
}

/**
 * A stand-in city platform on loopback answering with `remote` (and `received` told of every request),
 * and a province connected to it: the province's platform and its schema with the `city` namespace.
 */
async function stitchedCity(
  remote: GraphQLSchema,
  sdl: string,
  received: (query: string, variables: Record<string, unknown> | undefined, authorization: string) => void,
): Promise<{ platform: Platform; schema: GraphQLSchema; connected: ConnectedPlatforms }> {
  const city = createServer(async (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/.well-known/govgraph/schema')) {
      res.end(JSON.stringify({ region: '610100', name: 'city', version: 'v1', sdl }));
      return;
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const { query, variables } = JSON.parse(body) as { query: string; variables?: Record<string, unknown> };
    received(query, variables, String(req.headers.authorization));
    res.end(JSON.stringify(await execute({ schema: remote, document: parse(query), variableValues: variables })));
  });
  servers.push(city);
  await new Promise<void>((r) => city.listen(0, '127.0.0.1', r));
  const platform = provinceListing([{ region: '610100', name: 'City', url: `http://127.0.0.1:${(city.address() as { port: number }).port}`, namespace: 'city', timeoutMs: 3000 }]);
  const connected = new ConnectedPlatforms(platform, new PlatformKeys(await store()), { pollMs: 0 });
  await connected.refresh();
  return { platform, connected, schema: connected.extend(makeExecutableSchema({ typeDefs: 'type Query { own: Int }', resolvers: { Query: { own: () => 1 } } })) };
}

const claims = { iss: '610000', aud: '610100', sub: 'u', dept: '610000-MZ', deptLevel: 'province' as const, deptRegion: '610000', purpose: null };

describe('signing keys', () => {
  it('are made once per store and agree between two readers', async () => {
    const s = await store();
    const [a, b] = await Promise.all([storedKeys(s), storedKeys(s)]);
    expect(a[0].kid).toBe(b[0].kid);
    expect(publicKeySet(a).keys[0]).not.toHaveProperty('d');
  });

  it('rotate: a new kid signs; the old key still verifies its tokens until the grace ends, then drops out', async () => {
    const s = await store();
    const before = new PlatformKeys(s);
    const old = await signForwarded(before, claims);
    const t0 = new Date();
    const { current, retired } = await rotateSigningKey(s, t0);
    expect(retired.map((k) => k.kid)).toEqual([decodeProtectedHeader(old).kid]);
    const set = publicKeySet(await storedKeys(s), t0);
    expect(set.keys.map((k) => k.kid)).toEqual([current.kid, retired[0].kid]);
    await expect(jwtVerify(old, createLocalJWKSet(set))).resolves.toBeTruthy();
    const fresh = await signForwarded(new PlatformKeys(s, () => t0.getTime() + NEW_KEY_SIGNS_AFTER_MS), claims);
    expect(decodeProtectedHeader(fresh).kid).toBe(current.kid);
    const later = publicKeySet(await storedKeys(s), new Date(t0.getTime() + RETIRED_KEY_GRACE_MS + 1));
    expect(later.keys.map((k) => k.kid)).toEqual([current.kid]);
    await expect(jwtVerify(old, createLocalJWKSet(later))).rejects.toThrow();
  });

  // Instances over one store read the keys every 5 s each, and a connected platform fetches them from any
  // instance: a token signed with the new key by the first instance to read it was refused while the
  // instance that served the keys still published the old set. The new key signs once all publish it.
  it('rotate: the new key is published at once and signs only NEW_KEY_SIGNS_AFTER_MS later; meanwhile the old one signs', async () => {
    const s = await store();
    const t0 = Date.now();
    const [{ kid: first }] = await storedKeys(s, new Date(t0 - 60_000));
    const { current } = await rotateSigningKey(s, new Date(t0));
    const soon = new PlatformKeys(s, () => t0 + 1);
    expect((await soon.jwks()).keys.map((k) => k.kid)).toEqual([current.kid, first]);
    expect((await soon.signing()).kid).toBe(first);
    expect((await new PlatformKeys(s, () => t0 + NEW_KEY_SIGNS_AFTER_MS - 1).signing()).kid).toBe(first);
    expect((await new PlatformKeys(s, () => t0 + NEW_KEY_SIGNS_AFTER_MS).signing()).kid).toBe(current.kid);
    // Two rotations within seconds: the key before both signs until the newest is old enough.
    const { current: third } = await rotateSigningKey(s, new Date(t0 + 2_000));
    expect((await new PlatformKeys(s, () => t0 + 3_000).signing()).kid).toBe(first);
    expect((await new PlatformKeys(s, () => t0 + 2_000 + NEW_KEY_SIGNS_AFTER_MS).signing()).kid).toBe(third.kid);
    // The first key a platform makes signs at once: there is no other.
    const fresh = await store();
    const [made] = await storedKeys(fresh);
    expect((await new PlatformKeys(fresh).signing()).kid).toBe(made.kid);
  });

  // A rotation by another process landing between this one's read of the keys and its update: the update
  // must not hold (it compares with what was read), and the retry keeps the other's key. Once the list was
  // built from an earlier read than the value compared, and the other process's key was dropped though
  // that process had said it was current.
  it('rotate: a rotation by another process between its read of the keys and its update is kept', async () => {
    const s = await store();
    await storedKeys(s);
    let updates = 0;
    let other: Awaited<ReturnType<typeof rotateSigningKey>> | undefined;
    const racing = new Proxy(s, {
      get(target, key, receiver) {
        if (key !== 'update') return Reflect.get(target, key, receiver);
        return async (...args: Parameters<typeof target.update>) => {
          if (args[0] === SETTINGS && ++updates === 1) other = await rotateSigningKey(target);
          return target.update(...args);
        };
      },
    });
    const mine = await rotateSigningKey(racing);
    expect(other).toBeDefined();
    const keys = await storedKeys(s);
    expect(keys.map((k) => k.kid)).toEqual([mine.current.kid, other!.current.kid, other!.retired[0].kid]);
    expect(keys.filter((k) => k.retiredAt === null).map((k) => k.kid)).toEqual([mine.current.kid]);
  });
});

describe('a connected platform that never answers', () => {
  it('makes its namespace null with PLATFORM_UNAVAILABLE within timeoutMs; the rest answers', async () => {
    // Answers the schema, then holds every GraphQL request open.
    const sdl = 'type Query { housing: Housing } type Housing { permits: Int }';
    const hanging = createServer((req, res) => {
      if (req.url?.startsWith('/.well-known/govgraph/schema')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ region: '610100', name: 'slow', version: 'v1', sdl }));
      }
    });
    servers.push(hanging);
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    const port = (hanging.address() as { port: number }).port;
    const platform = provinceListing([{ region: '610100', name: 'Slow City', url: `http://127.0.0.1:${port}`, namespace: 'slow', timeoutMs: 300 }]);
    const connected = new ConnectedPlatforms(platform, new PlatformKeys(await store()), { pollMs: 0 });
    await connected.refresh();
    expect(connected.status()[0]).toMatchObject({ reachable: true, schemaVersion: 'v1', lastError: null });
    const local = makeExecutableSchema({ typeDefs: 'type Query { own: Int }', resolvers: { Query: { own: () => 1 } } });
    const schema = connected.extend(local);
    const forwards: unknown[] = [];
    // Within its 300 ms, not another bound (the 5000 ms default): the answer comes before a timer of 3000 ms
    // set ahead of the request. Timers fire in the order of their deadlines however late a loaded machine
    // runs them, and the answer follows the request's timer without waiting on anything else (not under
    // 1500 ms on the clock, which a late timer breaks).
    expect(DEFAULT_CONNECTED_TIMEOUT_MS).toBeGreaterThan(3000);
    const bound = new Promise<'a timer of 3000 ms'>((r) => setTimeout(() => r('a timer of 3000 ms'), 3000));
    const answered = execute({
      schema,
      document: parse('{ own slow { housing { permits } } }'),
      contextValue: { identity: { user: 'u', dept: platform.departments[0] }, purpose: null, forwards },
    });
    expect(await Promise.race([Promise.resolve(answered).then(() => 'the answer' as const), bound])).toBe('the answer');
    const result = await answered;
    expect(result.data).toEqual({ own: 1, slow: null });
    expect(result.errors?.map((e) => [e.path, e.extensions.code, e.message])).toEqual([
      [['slow'], 'PLATFORM_UNAVAILABLE', 'The connected platform Slow City (610100) is unavailable: no answer within 300 ms.'],
    ]);
    expect(forwards).toEqual([{ namespace: 'slow', platform: '610100', outcome: 'unavailable', errors: 1 }]);
  });

  // A type of ours under a connected platform's prefix (a catalogue published before the platform was
  // connected) leaves the namespaces out; the status used to say "reachable" with no error all the same.
  it('says in its status why the namespaces were left out when a type of ours clashes with theirs', async () => {
    const sdl = 'type Query { housing: Housing } type Housing { permits: [Permit] } type Permit { no: String }';
    const { connected } = await stitchedCity(makeExecutableSchema({ typeDefs: sdl }), sdl, () => {});
    expect(connected.status()[0]).toMatchObject({ reachable: true, lastError: null });
    const clashing = makeExecutableSchema({ typeDefs: 'type Query { own: City_Permit } type City_Permit { x: Int }' });
    expect(connected.extend(clashing)).toBe(clashing);
    expect(connected.status()[0]).toMatchObject({
      reachable: true,
      lastError: 'left out of this gateway\'s schema: Schema must contain uniquely named types but contains multiple types named "City_Permit". '
        + '(a type of this platform\'s catalogues under a connected platform\'s prefix; rename it)',
    });
    // Renamed (the next publication): composed again, and the status clears.
    expect(connected.extend(makeExecutableSchema({ typeDefs: 'type Query { own: Int }' })).getQueryType()!.getFields().city).toBeDefined();
    expect(connected.status()[0].lastError).toBeNull();
  });

  it('composes nothing when no connected schema is known', () => {
    const local = buildSchema('type Query { own: Int }');
    expect(composeSchema(local, null)).toBe(local);
  });
});

describe('a namespace read', () => {
  it('is one request to the platform per operation, batched when it selects the namespace twice; type names prefixed; errors at their paths under the namespace', async () => {
    const sdl = 'type Query { housing: Housing } type Housing { permits: [Permit] } type Permit { no: String fee: Int kind: Kind } enum Kind { A B }';
    const remote = makeExecutableSchema({
      typeDefs: sdl,
      resolvers: {
        Query: { housing: () => ({ permits: [{ no: 'B1', fee: 1, kind: 'A' }, { no: 'B2', fee: 2, kind: 'B' }] }) },
        Permit: {
          fee: (p: { no: string; fee: number }) => {
            if (p.no === 'B2') throw new GraphQLError('Item `fee` is not shared.', { extensions: { code: 'NOT_SHARED', item: 'fee' } });
            return p.fee;
          },
        },
      },
    });
    const received: string[] = [];
    const { platform, schema, connected } = await stitchedCity(remote, sdl, (query) => received.push(query));
    const run = async (query: string) => {
      const forwards: unknown[] = [];
      const before = received.length;
      const result = await execute({ schema, document: parse(query), contextValue: { identity: { user: 'u', dept: platform.departments[0] }, purpose: null, forwards } });
      return { data: result.data, errors: result.errors?.map((e) => [e.path, e.extensions.code, e.message]), requests: received.length - before, forwards: forwards.length };
    };

    expect(await run('{ own city { __typename housing { __typename permits { __typename no fee kind } } } }')).toEqual({
      data: { own: 1, city: { __typename: 'City_Query', housing: { __typename: 'City_Housing', permits: [
        { __typename: 'City_Permit', no: 'B1', fee: 1, kind: 'A' },
        { __typename: 'City_Permit', no: 'B2', fee: null, kind: 'B' },
      ] } } },
      errors: [[['city', 'housing', 'permits', 1, 'fee'], 'NOT_SHARED', 'Item `fee` is not shared.']],
      requests: 1,
      forwards: 1,
    });
    expect(await run('{ a: city { housing { permits { no } } } b: city { housing { list: permits { fee } } } }')).toEqual({
      data: { a: { housing: { permits: [{ no: 'B1' }, { no: 'B2' }] } }, b: { housing: { list: [{ fee: 1 }, { fee: null }] } } },
      errors: [[['b', 'housing', 'list', 1, 'fee'], 'NOT_SHARED', 'Item `fee` is not shared.']],
      requests: 1,
      forwards: 1,
    });
    // The namespace twice under one response key (a fragment): both selections answered, as one field.
    expect(await run('{ city { housing { permits { no } } } ...F } fragment F on Query { city { housing { permits { kind fee } } } }')).toEqual({
      data: { city: { housing: { permits: [{ no: 'B1', kind: 'A', fee: 1 }, { no: 'B2', kind: 'B', fee: null }] } } },
      errors: [[['city', 'housing', 'permits', 1, 'fee'], 'NOT_SHARED', 'Item `fee` is not shared.']],
      requests: 1,
      forwards: 1,
    });
    connected.stop();
  });
});

describe('a planned namespace read', () => {
  it('runs the same parsed operation again with its own identity and variables, answering as a fresh parse does', async () => {
    const sdl = 'type Query { housing: Housing } type Housing { permits(first: Int, kind: Kind): [Permit] } type Permit { no: String fee: Int kind: Kind } enum Kind { A B }';
    const all = [{ no: 'B1', fee: 1, kind: 'A' }, { no: 'B2', fee: 2, kind: 'B' }, { no: 'B3', fee: 3, kind: 'A' }];
    const remote = makeExecutableSchema({
      typeDefs: sdl,
      resolvers: {
        Query: { housing: () => ({}) },
        Housing: { permits: (_: unknown, a: { first?: number | null; kind?: string | null }) => all.filter((p) => !a.kind || p.kind === a.kind).slice(0, a.first ?? undefined) },
        Permit: {
          fee: (p: { no: string; fee: number }) => {
            if (p.no === 'B2') throw new GraphQLError('Item `fee` is not shared.', { extensions: { code: 'NOT_SHARED', item: 'fee' } });
            return p.fee;
          },
        },
      },
    });
    const received: { query: string; variables?: Record<string, unknown>; sub: unknown; jti: unknown }[] = [];
    const { platform, schema, connected } = await stitchedCity(remote, sdl, (query, variables, authorization) => {
      const token = JSON.parse(Buffer.from(authorization.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
      received.push({ query, variables, sub: token.sub, jti: token.jti });
    });
    const text = 'query Q($first: Int, $kind: City_Kind, $unused: Int) { own city { housing { permits(first: $first, kind: $kind) { ...P } } } } fragment P on City_Permit { __typename no fee }';
    const run = async (document: ReturnType<typeof parse>, user: string, variableValues: Record<string, unknown>) => {
      const result = await execute({ schema, document, variableValues, contextValue: { identity: { user, dept: platform.departments[0] }, purpose: null, forwards: [] } });
      return { data: result.data, errors: result.errors?.map((e) => [e.path, e.extensions.code, e.message]) };
    };
    const document = parse(text);
    const cases: [string, Record<string, unknown>][] = [['u1', { first: 2 }], ['u2', { first: 1, kind: 'B' }], ['u3', { kind: null }], ['u4', {}]];
    const planned = [];
    for (const [user, variables] of cases) planned.push(await run(document, user, variables));
    const sentPlanned = received.splice(0);
    const fresh = [];
    for (const [user, variables] of cases) fresh.push(await run(parse(text), user, variables));
    const sentFresh = received.splice(0);
    expect(planned).toEqual(fresh);
    expect(planned[0]).toEqual({
      data: { own: 1, city: { housing: { permits: [{ __typename: 'City_Permit', no: 'B1', fee: 1 }, { __typename: 'City_Permit', no: 'B2', fee: null }] } } },
      errors: [[['city', 'housing', 'permits', 1, 'fee'], 'NOT_SHARED', 'Item `fee` is not shared.']],
    });
    expect(planned[1].data).toEqual({ own: 1, city: { housing: { permits: [{ __typename: 'City_Permit', no: 'B2', fee: null }] } } });
    expect(planned[2].data).toEqual({ own: 1, city: { housing: { permits: all.map((p) => ({ __typename: 'City_Permit', no: p.no, fee: p.no === 'B2' ? null : p.fee })) } } });
    // The same delegated request each time, with each request's own variables (only those it uses) and identity, a fresh jti.
    expect(sentPlanned.map((r) => [r.query, r.variables, r.sub])).toEqual(sentFresh.map((r) => [r.query, r.variables, r.sub]));
    expect(sentPlanned.map((r) => [r.variables, r.sub])).toEqual([[{ first: 2 }, 'u1'], [{ first: 1, kind: 'B' }, 'u2'], [{ kind: null }, 'u3'], [{}, 'u4']]);
    expect(new Set([...sentPlanned, ...sentFresh].map((r) => r.jti)).size).toBe(8);
    // Without the __typename of concrete object types below the root (src/federation/typenames.ts), also where the operation asks one.
    expect(sentPlanned[0].query.replace(/\s+/g, ' ')).toBe(
      'query Q($first: Int, $kind: Kind) { __typename __gqtld0__: housing { permits(first: $first, kind: $kind) { ...P } } __gqtld1__: __typename } fragment P on Permit { no fee }',
    );
    // The namespace selected twice (batched into one request to the platform), planned: the same answer each time.
    const twice = 'query T($kind: City_Kind) { a: city { housing { permits(first: 1) { no } } } b: city { housing { list: permits(kind: $kind) { fee } } } }';
    const batched = parse(twice);
    const answers = [];
    for (const user of ['u5', 'u6']) answers.push(await run(batched, user, { kind: 'A' }));
    answers.push(await run(parse(twice), 'u7', { kind: 'A' }));
    expect(answers[0]).toEqual({ data: { a: { housing: { permits: [{ no: 'B1' }] } }, b: { housing: { list: [{ fee: 1 }, { fee: 3 }] } } }, errors: undefined });
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(received.map((r) => r.sub)).toEqual(['u5', 'u6', 'u7']);
    connected.stop();
  });
});

describe('a namespace answer without errors', () => {
  it('answers what graphql-tools\' merged resolvers make of it, whatever the platform sends', async () => {
    // An operation's first read goes through graphql-tools' handling of the answer; its later reads may
    // serve the answer as plain values (src/federation/plain-answer.ts). Both must agree, on answers a
    // govgraph platform sends and on ones it never would.
    const sdl = 'type Query { housing: Housing } type Housing { permits: [Permit] } type Permit { no: String fee: Int kind: Kind id: ID at: Date } enum Kind { A B } scalar Date';
    let answer: unknown = null;
    const city = createServer(async (req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/.well-known/govgraph/schema')) {
        res.end(JSON.stringify({ region: '610100', name: 'city', version: 'v1', sdl }));
        return;
      }
      for await (const _ of req);
      res.end(JSON.stringify(answer));
    });
    servers.push(city);
    await new Promise<void>((r) => city.listen(0, '127.0.0.1', r));
    const platform = provinceListing([{ region: '610100', name: 'City', url: `http://127.0.0.1:${(city.address() as { port: number }).port}`, namespace: 'city', timeoutMs: 3000 }]);
    const connected = new ConnectedPlatforms(platform, new PlatformKeys(await store()), { pollMs: 0 });
    await connected.refresh();
    const schema = connected.extend(makeExecutableSchema({ typeDefs: 'type Query { own: Int }', resolvers: { Query: { own: () => 1 } } }));
    // The delegated request hoists the namespace's fields under aliases of graphql-tools' WrapType.
    const housing = (h: unknown) => ({ data: { __typename: 'Query', __gqtld0__: h, __gqtld1__: 'Query' } });
    const permits = (p: unknown) => housing({ __typename: 'Housing', permits: p });
    const permit = { __typename: 'Permit', no: 'B1', fee: 1, kind: 'A', id: '7', at: '2026-12-03' };
    const answers = [
      permits([permit, { ...permit, no: null }, null]),
      permits([{ ...permit, no: 5 }]), permits([{ ...permit, fee: 1.5 }]), permits([{ ...permit, fee: '1' }]), permits([{ ...permit, fee: 2 ** 40 }]),
      permits([{ ...permit, kind: 'C' }]), permits([{ ...permit, kind: 1 }]), permits([{ ...permit, id: 3 }]), permits([{ ...permit, at: { y: 2026 } }]),
      permits([{ ...permit, extra: { a: 1 } }]), permits([{ __typename: 'Permit', no: 'B1' }]), permits([{ ...permit, __typename: 'Other' }]),
      permits({ ...permit }), permits(['x']), permits([[permit]]), permits('x'), permits(null), housing(null), housing('x'), housing([]), { data: null }, { data: {} },
      // As a platform answers the delegated document now: no __typename below the root.
      housing({ permits: [{ no: 'B1', fee: 1, kind: 'A', id: '7', at: '2026-12-03' }, null] }),
      { ...housing({ permits: [{ no: 'B1', fee: null }] }), errors: [{ message: 'Item `fee` is not shared.', path: ['__gqtld0__', 'permits', 0, 'fee'], extensions: { code: 'NOT_SHARED' } }] },
    ];
    const queries = ['{ city { housing { permits { no fee kind id at } } } }', '{ city { __typename housing { __typename permits { __typename no fee } } } }'];
    for (const query of queries) {
      for (const a of answers) {
        answer = a;
        const document = parse(query);
        const results = [];
        for (let i = 0; i < 3; i++) {
          const result = await execute({ schema, document, contextValue: { identity: { user: 'u', dept: platform.departments[0] }, purpose: null, forwards: [] } });
          results.push({ data: result.data, errors: result.errors?.map((e) => [e.path, e.message]) });
        }
        expect([query, a, results[1]]).toEqual([query, a, results[0]]);
        expect(results[2]).toEqual(results[0]);
      }
    }
    // Aliases (the answer keyed by them) and a fragment: graphql-tools' own handling every time.
    answer = housing({ __typename: 'Housing', list: [{ __typename: 'Permit', n: 'B1', fee: 1 }] });
    for (const query of ['{ city { housing { list: permits { n: no fee } } } }', '{ city { housing { list: permits { ...P } } } } fragment P on City_Permit { n: no fee }']) {
      const document = parse(query);
      for (let i = 0; i < 2; i++) {
        const result = await execute({ schema, document, contextValue: { identity: { user: 'u', dept: platform.departments[0] }, purpose: null, forwards: [] } });
        expect(result).toEqual({ data: { city: { housing: { list: [{ n: 'B1', fee: 1 }] } } } });
      }
    }
    answer = answers[0];
    const result = await execute({ schema, document: parse(queries[0]), contextValue: { identity: { user: 'u', dept: platform.departments[0] }, purpose: null, forwards: [] } });
    expect(result).toEqual({ data: { city: { housing: { permits: [{ no: 'B1', fee: 1, kind: 'A', id: '7', at: '2026-12-03' }, { no: null, fee: 1, kind: 'A', id: '7', at: '2026-12-03' }, null] } } } });
    connected.stop();
  });
});

describe('Ed25519 through libsodium (ed25519.ts)', () => {
  it('signs as node:crypto does, and verifies what node:crypto verifies, nothing else', () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const other = generateKeyPairSync('ed25519').publicKey;
    for (const text of ['', 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1In0', '申请人'.repeat(50)]) {
      const message = Buffer.from(text);
      const signature = signEd25519(message, privateKey);
      expect(signature.equals(sign(null, message, privateKey))).toBe(true);
      expect(verifyEd25519(message, signature, publicKey)).toBe(true);
      const tampered = Buffer.from(signature);
      tampered[5] ^= 1;
      for (const [m, s, k] of [[Buffer.from(text + 'x'), signature, publicKey], [message, tampered, publicKey], [message, signature, other], [message, signature.subarray(0, 63), publicKey]] as const) {
        expect([verifyEd25519(m, s, k), s.length === 64 && verify(null, m, k, s)]).toEqual([false, false]);
      }
    }
  });
});

describe('the forwarded-identity verifier', () => {
  it('accepts the listed platform\'s token once; refuses tampered, re-signed, unsigned, future and critical-header tokens', async () => {
    const issuerStore = await store();
    const keys = new PlatformKeys(issuerStore);
    const jwks = createServer(async (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(await keys.jwks()));
    });
    servers.push(jwks);
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const platform = {
      platform: { region: '610100', level: 'city', name: 'c', competentDepartment: '610100-ZWB', holidays: [] },
      purposes: [], departments: [{ code: '610100-ZWB', name: 'z', graphqlName: 'z', level: 'city', region: '610100' }],
      connected: [{ region: '610000', name: 'Province', url: `http://127.0.0.1:${(jwks.address() as { port: number }).port}`, namespace: 'province' }],
    } as unknown as Platform;
    const verifier = createForwardedVerifier({ platform, store: await store() });
    const reason = (token: string) => verifier.verify(`Bearer ${token}`, '610000').then(() => 'accepted', (e: AuthenticationError) => e.reason);
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const parts = (t: string) => t.split('.');

    const good = await signForwarded(keys, claims);
    const [h, p, sig] = parts(good);
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    expect(await reason(good)).toBe('accepted');
    expect(await reason(good)).toBe('replayed');
    const fresh = parts(await signForwarded(keys, claims));
    // Another department in the payload under the original signature.
    expect(await reason(`${fresh[0]}.${b64({ ...payload, jti: 'other', dept: '610000-GA' })}.${fresh[2]}`)).toBe('bad-signature');
    expect(await reason(`${h}.${p}.${sig.slice(0, 20)}`)).toBe('bad-signature');
    // The same claims signed with HS256 over the public key's bytes, or unsigned.
    const { kid } = await keys.signing();
    const hs = await new SignJWT({ ...payload, jti: 'hs' }).setProtectedHeader({ alg: 'HS256', kid }).sign(new TextEncoder().encode('x'));
    expect(await reason(hs)).toBe('algorithm-not-allowed');
    expect(await reason(`${b64({ alg: 'none', kid })}.${b64({ ...payload, jti: 'none' })}.`)).toBe('algorithm-not-allowed');
    expect(await reason(await signRaw(keys, { alg: 'EdDSA', kid, crit: ['exp'] }, { ...payload, jti: 'crit' }))).toBe('algorithm-not-allowed');
    const now = Math.floor(Date.now() / 1000);
    expect(await reason(await signRaw(keys, { alg: 'EdDSA', kid }, { ...payload, jti: 'future', iat: now + 3600, exp: now + 3630 }))).toBe('not-yet-valid');
    expect(await reason(await signRaw(keys, { alg: 'EdDSA', kid }, { ...payload, jti: 'aud', aud: ['610102'] }))).toBe('invalid');
    expect(await reason(await signRaw(keys, { alg: 'EdDSA', kid }, { ...payload, jti: 'noexp', exp: undefined }))).toBe('missing-claims');
    expect(await reason(await signRaw(keys, { alg: 'EdDSA', kid }, { ...payload, jti: 'ok' }))).toBe('accepted');
  });
});

describe('a connected platform whose key set answer is huge', () => {
  it('is refused as unknown, read no further than MAX_JWKS_BYTES (it is not held in memory whole)', async () => {
    const keys = new PlatformKeys(await store());
    // The real keys, then 20 MB of blanks: valid JSON, that a key set never needs.
    const padding = Buffer.alloc(1024 * 1024, 0x20);
    const jwks = createServer(async (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.write(JSON.stringify(await keys.jwks()));
      for (let i = 0; i < 20 && !res.destroyed; i++) if (!res.write(padding)) await new Promise((r) => res.once('drain', r));
      res.end();
    });
    servers.push(jwks);
    await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', r));
    const platform = {
      platform: { region: '610100', level: 'city', name: 'c', competentDepartment: '610100-ZWB', holidays: [] },
      purposes: [], departments: [{ code: '610100-ZWB', name: 'z', graphqlName: 'z', level: 'city', region: '610100' }],
      connected: [{ region: '610000', name: 'Province', url: `http://127.0.0.1:${(jwks.address() as { port: number }).port}`, namespace: 'province' }],
    } as unknown as Platform;
    const verifier = createForwardedVerifier({ platform, store: await store() });
    const reason = await verifier.verify(`Bearer ${await signForwarded(keys, claims)}`, '610000').then(() => 'accepted', (e: AuthenticationError) => e.reason);
    expect(reason).toBe('unknown-platform');
  });
});

describe('a connected platform listed at a port WHATWG fetch refuses ("bad port": 5060, 5061, 6000, 10080, ...)', () => {
  it('has its keys fetched all the same, and its tokens accepted', async (ctx) => {
    const keys = new PlatformKeys(await store());
    const jwks = createServer(async (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(await keys.jwks()));
    });
    servers.push(jwks);
    // 5060 and 5061 (SIP) are on fetch's list of blocked ports; a gateway may well listen there.
    const listen = (port: number) => new Promise<boolean>((r) => {
      jwks.once('error', () => r(false));
      jwks.listen(port, '127.0.0.1', () => r(true));
    });
    const port = (await listen(5060)) ? 5060 : (await listen(5061)) ? 5061 : null;
    if (port === null) return ctx.skip(); // both taken on this machine: said as skipped, not passed
    const platform = {
      platform: { region: '610100', level: 'city', name: 'c', competentDepartment: '610100-ZWB', holidays: [] },
      purposes: [], departments: [{ code: '610100-ZWB', name: 'z', graphqlName: 'z', level: 'city', region: '610100' }],
      connected: [{ region: '610000', name: 'Province', url: `http://127.0.0.1:${port}`, namespace: 'province' }],
    } as unknown as Platform;
    const verifier = createForwardedVerifier({ platform, store: await store() });
    const reason = await verifier.verify(`Bearer ${await signForwarded(keys, claims)}`, '610000').then(() => 'accepted', (e: AuthenticationError) => e.reason);
    expect(reason).toBe('accepted');
  });
});

describe('a connected platform listed at an IPv6 address (http://[::1]:PORT)', () => {
  it('is reached: the brackets of the URL are not taken for part of a host name (ENOTFOUND)', async (ctx) => {
    const server = createServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
    servers.push(server);
    const listening = await new Promise<boolean>((r) => {
      server.once('error', () => r(false));
      server.listen(0, '::1', () => r(true));
    });
    if (!listening) return ctx.skip(); // no IPv6 loopback on this machine: said as skipped, not passed
    const client = platformClient(`http://[::1]:${(server.address() as { port: number }).port}`);
    try {
      await expect(client.request('/.well-known/govgraph/schema', { method: 'GET', headers: {}, timeoutMs: 3000 })).resolves.toMatchObject({ status: 200, body: { ok: true } });
    } finally {
      client.close();
    }
  });
});

/** A compact JWS with any header and payload, signed with the platform's Ed25519 key. */
async function signRaw(keys: PlatformKeys, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const { key } = await keys.signing();
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${sign(null, Buffer.from(input), key).toString('base64url')}`;
}

describe('a forwarded request', () => {
  const ctx = { identity: { via: '610000' }, published: [], platform: { departments: [] } };
  const listen = async () => (await forwardedPlugin.requestDidStart!({ contextValue: ctx } as never))!;

  it('whose document names no operation is left to the execution, which answers graphql\'s own error (OPERATION_RESOLUTION_FAILURE)', async () => {
    await expect((await listen()).didResolveOperation!({ operation: undefined } as never)).resolves.toBeUndefined();
  });

  it('that selects anything but the departments\' data fields is refused', async () => {
    const operation = parse('{ auditLog { totalCount } }').definitions[0];
    await expect((await listen()).didResolveOperation!({ operation } as never)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});

describe('the delegated document without typenames (typenames.ts)', () => {
  it('drops the __typename of concrete object types below the root, keeps the root\'s, abstract types\', aliased, conditional and lone ones', () => {
    const schema = buildSchema(`type Query { housing: Housing node: Node any: Any }
      type Housing { permits: [Permit] }
      interface Node { id: ID }
      type Permit implements Node { id: ID no: String }
      union Any = Permit | Housing`);
    const document = parse(`query($x: Boolean!) { __typename housing { __typename permits { __typename no t: __typename } }
      node { __typename id ... on Permit { __typename no } }
      any { __typename ...H }
      again: housing { __typename @include(if: $x) permits { __typename } } }
      fragment H on Housing { __typename permits { __typename id } }`);
    expect(print(withoutTypenames(document, schema)).replace(/\s+/g, ' ')).toBe(
      'query ($x: Boolean!) { __typename housing { permits { no t: __typename } } node { __typename id ... on Permit { no } } any { __typename ...H } ' +
        'again: housing { __typename @include(if: $x) permits { __typename } } } fragment H on Housing { permits { id } }',
    );
  });
});

describe('the errors an answer to a delegated document may hold (answer-errors.ts)', () => {
  // 200 items, as a resource may have at most: `a0 ... a199`.
  const items = Array.from({ length: 200 }, (_, i) => `a${i}`).join(' ');
  it('at least MIN_ANSWER_ERRORS, whatever the document selects', () => {
    expect(answerErrorBound(parse('{ housing { permits } }'))).toBe(MIN_ANSWER_ERRORS);
  });
  it('every field the document selects, a fragment counted at each place it is spread, inline fragments too', () => {
    // A typed client's fragment of 200 items, spread on a list and on five links: 6 x 200 + the 8 fields above them.
    const doc = parse(`{ housing { permits { nodes { ...P plot { ...P } owner { ...P } heir { ...P } lessee { ...P } ... on Permit { permit { ...P } } } } } } fragment P on Permit { ${items} }`);
    expect(answerErrorBound(doc)).toBe(6 * 200 + 8);
    // Spread twice at every level of nine fragments: 2^9 x 200 fields, counted once per fragment, bounded.
    const levels = Array.from({ length: 9 }, (_, i) => `fragment F${i} on T { x: f { ...F${i + 1} } y: f { ...F${i + 1} } }`).join(' ');
    expect(answerErrorBound(parse(`{ a { ...F0 } } ${levels} fragment F9 on T { ${items} }`))).toBe(MAX_ANSWER_ERRORS);
  });
});
