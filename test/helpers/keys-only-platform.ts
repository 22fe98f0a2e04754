// A stand-in connected platform for tests of what a platform accepts from another: it publishes its
// signing keys (GET /.well-known/jwks.json) and nothing else, since the receiving platform only verifies
// forwarded tokens with them. The tests sign forwarded tokens with `keys` themselves.
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { PlatformKeys } from '../../src/identity/platform-keys.ts';
import { openSqliteStore } from '../../src/store/sqlite.ts';
import { closeLoopback, listenOnLoopback } from './loopback.ts';

export interface KeysOnlyPlatform {
  region: string;
  url: string;
  keys: PlatformKeys;
  server: Server;
  close(): Promise<void>;
}

/** Starts one on loopback, its store in a new folder under `work`. */
export async function keysOnlyPlatform(region: string, work: string): Promise<KeysOnlyPlatform> {
  const dir = mkdtempSync(join(work, `platform-${region}-`));
  const store = await openSqliteStore(dir);
  const keys = new PlatformKeys(store);
  const server = createServer(async (req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/jwks.json') res.end(JSON.stringify(await keys.jwks()));
    else res.writeHead(404).end('{"errors":[{"message":"not here"}]}');
  });
  const url = await listenOnLoopback(server);
  return {
    region, url, keys, server,
    async close() {
      await closeLoopback(server);
      await store.close();
    },
  };
}
