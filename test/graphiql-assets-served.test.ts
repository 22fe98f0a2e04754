// What /graphiql/assets/ serves anyone without a token (SPEC §15): the page's scripts and styles. The
// build's build.json beside them (GraphiQL's version, the time of the build) was served too: a
// fingerprint of the software and of the deployment, which no header gives (docs/operations.md).
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphiqlAssetsDir, graphiqlHandler } from '../src/server/graphiql.ts';

const built = existsSync(join(graphiqlAssetsDir, 'graphiql.js')) && existsSync(join(graphiqlAssetsDir, 'build.json'));
let server: Server;
let base: string;

beforeAll(async () => {
  const handle = graphiqlHandler({ graphqlPath: '/graphql' });
  server = createServer((req, res) => void handle(req, res, (req.url ?? '/').replace(/^\/graphiql/, '')));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphiql`;
});

afterAll(() => server?.close());

describe.skipIf(!built)('GraphiQL assets', () => {
  it('serves the page, its scripts and styles, and not the build record', async () => {
    expect((await fetch(`${base}/`)).status).toBe(200);
    expect((await fetch(`${base}/assets/graphiql.js`)).status).toBe(200);
    expect((await fetch(`${base}/assets/graphiql.css`)).status).toBe(200);
    const record = await fetch(`${base}/assets/build.json`);
    expect(record.status).toBe(404);
    expect(await record.text()).not.toMatch(/graphiql"|builtAt/);
  });
});
