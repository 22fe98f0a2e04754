// What GraphiQL's Docs and a typed client's editor show of a connected platform's namespace, on a city
// of Inner Mongolia (Hohhot, 150100) connected to its region (150000): the namespace field and its type
// say which platform they are, that its own rules apply, and what a department meets when it does not
// answer. Both came without any description: the Docs showed `oborMongol: OborMongol_Query` and nothing
// else, while every department and resource beside it is described.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { graphql } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, expect, it } from 'vitest';
import { ConnectedPlatforms } from '../src/federation/connected.ts';
import { PlatformKeys } from '../src/identity/platform-keys.ts';
import { openSqliteStore } from '../src/store/sqlite.ts';
import type { Platform } from '../src/model/platform.ts';

const dirs: string[] = [];
let server: Server | undefined;
afterAll(() => {
  server?.closeAllConnections?.();
  server?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const provinceName = '内蒙古自治区政务信息资源共享平台 / Öbör Mongγol-un Tabcang';

it('describes the namespace field and its type: the platform, its rules, PLATFORM_UNAVAILABLE', async () => {
  // The province's gateway as far as the city's schema poll reads it: its data schema.
  const sdl = '"自治区农牧厅 (150000-NMJ)" type Query { tariyalangMal: TariyalangMalResources } type TariyalangMalResources { count: Int }';
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ region: '150000', name: 'province', version: 'NM-NMJ@1', sdl }));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const city = {
    platform: { region: '150100', level: 'city', name: 'Kökeqota', competentDepartment: '150100-ZWB', holidays: [] },
    purposes: [{ code: 'mal-ajil', name: 'Mal aji aqui' }],
    departments: [
      { code: '150100-ZWB', name: 'Jasaγ-un üilechilgen', graphqlName: 'kokeqotaUilchilgee', level: 'city', region: '150100' },
      { code: '150100-MZ', name: 'Irgen-ü kereg', graphqlName: 'kokeqotaIrgenKereg', level: 'city', region: '150100' },
    ],
    connected: [{ region: '150000', name: provinceName, url: `http://127.0.0.1:${port}`, namespace: 'oborMongol', timeoutMs: 1000 }],
  } as unknown as Platform;
  const dir = mkdtempSync(join(tmpdir(), 'govgraph-ns-doc-'));
  dirs.push(dir);
  const connected = new ConnectedPlatforms(city, new PlatformKeys(await openSqliteStore(dir)), { pollMs: 0 });
  await connected.refresh();
  expect(connected.status()[0]).toMatchObject({ reachable: true, lastError: null });
  const schema = connected.extend(makeExecutableSchema({ typeDefs: 'type Query { own: Int }' }));

  // As GraphiQL asks it: introspection.
  const result = await graphql({
    schema,
    source: '{ q: __type(name: "Query") { fields { name description } } ns: __type(name: "OborMongol_Query") { description } }',
  });
  const data = result.data as { q: { fields: { name: string; description: string | null }[] }; ns: { description: string | null } };
  const field = data.q.fields.find((f) => f.name === 'oborMongol')!;
  expect(field.description).toBe(
    `The data of the connected platform ${provinceName} (150000), under its namespace oborMongol: its departments' `
    + 'resources, read there under its own rules for your department and purpose (scope of use, row scope, masks; '
    + 'nothing it shares on conditions, whose grants are for its own departments). Its types carry the prefix OborMongol_. '
    + 'null with the error PLATFORM_UNAVAILABLE while it does not answer; the rest of the response stands.',
  );
  expect(data.ns.description).toBe(`The departments of the connected platform ${provinceName} (150000), each a field.`);
  // The province's own descriptions under the namespace are kept.
  expect(schema.getType('OborMongol_Query')).toBeDefined();
});
