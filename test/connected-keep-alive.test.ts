// A platform's connections to a connected one are kept alive, but never past what the connected platform
// says it keeps them (`Keep-Alive: timeout=N`): a socket reused at the moment the other side closes it
// fails the namespace read with ECONNRESET (seen under the federation bench, after a series of another
// kind left the connection idle for the server's 5 s).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { platformClient } from '../src/federation/http-client.ts';

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

it('drops an idle connection before the connected platform closes it, and opens a new one', async () => {
  let connections = 0;
  server = http.createServer((_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  server.keepAliveTimeout = 2_000; // says `Keep-Alive: timeout=2`; node's agent lets a socket go 1 s before
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const client = platformClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    const get = () => client.request('/x', { method: 'GET', headers: {}, timeoutMs: 2_000 });
    expect((await get()).body).toEqual({ ok: true });
    expect((await get()).body).toEqual({ ok: true });
    expect(connections).toBe(1); // kept alive between requests that follow each other
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // past the hint's second, before the server's 2 s
    expect((await get()).body).toEqual({ ok: true });
    expect(connections).toBe(2); // the idle socket was dropped, not reused as the server closes it
  } finally {
    client.close();
  }
});
