// A stand-in HTTP server on loopback, on a free port: its base URL, and a close that does not wait for
// kept-alive connections (a gateway under test keeps some open).
import type { Server } from 'node:http';

export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

export async function closeLoopback(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
}
