// The two baselines bench/gateway.ts measures the gateway against, over the same demo records held in
// memory (issue 10):
// - naivePeer: what one would write by hand with the usual tools: Apollo Server 5 (its own node:http
//   server), a graphql-shield rule on every field (the access decision, looked up per field and row),
//   masks applied by resolvers, a DataLoader for the link, the token verified with jose on every request;
// - rawLimit: node:http + JSON.stringify over the same records with the same masks and denial, the token
//   verified once (kept until it expires): what no gateway can beat.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { makeExecutableSchema } from '@graphql-tools/schema';
import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { allow, applyMiddleware, rule, shield } from '../src/rules/shield.ts';
import { jwtVerify } from 'jose';
import { applyMask } from '../src/formats/masks.ts';
import type { MaskName } from '../src/model/catalogue.ts';
import type { Row, Value } from '../src/store/port.ts';

export interface PeerData {
  /** The list's records, in key order, and the linked records by their key. */
  rows: Row[];
  linked: Map<Value, Row>;
  key: string;
  linkItem: string;
  /** The items of the list type, with what the requester's profile may do with each. */
  items: { name: string; type: 'String' | 'Int' | 'Boolean'; allowed: boolean; mask: MaskName | null; code?: string }[];
  secret: Uint8Array;
}

const shape = (d: PeerData, r: Row, wanted: readonly string[]) => {
  const out: Record<string, unknown> = {};
  for (const name of wanted) {
    const item = d.items.find((i) => i.name === name)!;
    const v = r[name] ?? null;
    out[name] = !item.allowed ? null : item.mask && typeof v === 'string' ? applyMask(item.mask, v) : v;
  }
  return out;
};

export async function naivePeer(d: PeerData): Promise<{ url: string; close(): Promise<void> }> {
  const typeDefs = `
    type Query { humanResources: HumanResources }
    type HumanResources { employmentRegistrations(first: Int): Connection employmentRegistration(registrationNo: String!): Registration }
    type Connection { nodes: [Registration!]! }
    type Registration { ${d.items.map((i) => `${i.name}: ${i.type}`).join(' ')} employer: Employer }
    type Employer { creditCode: String name: String }`;
  const item = (name: string) => d.items.find((i) => i.name === name)!;
  const resolvers = {
    Query: { humanResources: () => ({}) },
    HumanResources: {
      employmentRegistrations: (_: unknown, a: { first?: number }) => ({ nodes: d.rows.slice(0, a.first ?? 100) }),
      employmentRegistration: (_: unknown, a: { registrationNo: string }) => d.rows.find((r) => r[d.key] === a.registrationNo) ?? null,
    },
    Registration: {
      ...Object.fromEntries(
        d.items.filter((i) => i.mask).map((i) => [i.name, (r: Row) => (typeof r[i.name] === 'string' ? applyMask(i.mask!, r[i.name] as string) : r[i.name])]),
      ),
      employer: (r: Row, _a: unknown, ctx: { employers: DataLoader<Value, Row | null> }) => (r[d.linkItem] == null ? null : ctx.employers.load(r[d.linkItem])),
    },
  };
  // A rule on every field: the access decision of the item, asked per field and row.
  const itemRule = (name: string) =>
    rule({ cache: 'no_cache' })(() => {
      const i = item(name);
      return i.allowed ? true : new GraphQLError(`Item ${name} is not shared.`, { extensions: { code: i.code } });
    });
  const authenticated = rule({ cache: 'contextual' })((_p, _a, ctx: { user?: string }) => !!ctx.user);
  const permissions = shield(
    {
      Query: { humanResources: authenticated },
      HumanResources: { '*': authenticated },
      Connection: allow,
      Registration: { ...Object.fromEntries(d.items.map((i) => [i.name, itemRule(i.name)])), employer: itemRule(d.linkItem) },
      Employer: { '*': allow },
    } as never,
    { allowExternalErrors: true },
  );
  const schema = applyMiddleware(makeExecutableSchema({ typeDefs, resolvers }), permissions);
  const server = new ApolloServer({ schema, stringifyResult: (v) => JSON.stringify(v) });
  const { url } = await startStandaloneServer(server, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => {
      const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      const { payload } = await jwtVerify(token, d.secret, { algorithms: ['HS256'] });
      return {
        user: payload.sub,
        employers: new DataLoader<Value, Row | null>(async (keys) => keys.map((k) => d.linked.get(k) ?? null)),
      };
    },
  });
  return { url: url.replace(/\/$/, ''), close: () => server.stop() };
}

export async function rawLimit(d: PeerData, list: readonly string[], withDenied: string | null): Promise<{ url: string; close(): void }> {
  const verified = new Map<string, number>();
  const server = http.createServer(async (req, res) => {
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    let exp = verified.get(token);
    if (exp === undefined) {
      const { payload } = await jwtVerify(token, d.secret, { algorithms: ['HS256'] });
      verified.set(token, (exp = payload.exp! * 1000));
    }
    if (Date.now() > exp) {
      res.statusCode = 401;
      res.end();
      return;
    }
    const url = new URL(req.url!, 'http://x');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/one') {
      const r = d.rows.find((x) => x[d.key] === url.searchParams.get('key'));
      res.end(JSON.stringify({ data: { humanResources: { employmentRegistration: r ? shape(d, r, list) : null } } }));
      return;
    }
    const denied = url.pathname === '/denied' && withDenied;
    const wanted = denied ? [...list, withDenied] : list;
    const nodes = d.rows.slice(0, 100).map((r) => {
      const out = shape(d, r, wanted);
      const e = r[d.linkItem] == null ? null : (d.linked.get(r[d.linkItem]) ?? null);
      out.employer = e && { creditCode: e.creditCode, name: e.name };
      return out;
    });
    const body: Record<string, unknown> = { data: { humanResources: { employmentRegistrations: { nodes } } } };
    if (denied) {
      const i = d.items.find((x) => x.name === withDenied)!;
      body.errors = [{ message: `Item ${withDenied} is not shared.`, path: ['humanResources', 'employmentRegistrations', 'nodes', 0, withDenied], extensions: { code: i.code } }];
    }
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() };
}
