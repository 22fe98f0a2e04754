// Requests node's HTTP parser refuses get node's own status, in JSON: headers over its 16 KiB 431, a
// request not received within headersTimeout or requestTimeout 408 (a client trickling its headers, or
// its body for five minutes), anything else 400. All were answered "400 The request is not valid HTTP.".
import net, { type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { yunnanFixture } from './helpers/yunnan-folder.ts';

let gw: TestGateway;
beforeAll(async () => {
  gw = await startTestGateway({ platformFile: yunnanFixture('platform.yaml'), catalogueFiles: [yunnanFixture('police.yaml')] });
}, 60_000);
afterAll(() => gw?.close());

function send(raw: string, onServerSocket?: (s: Socket) => void): Promise<string> {
  if (onServerSocket) gw.gateway.httpServer.once('connection', onServerSocket);
  return new Promise((resolve) => {
    const socket = net.connect(gw.gateway.port, '127.0.0.1', () => socket.write(raw));
    let out = '';
    socket.on('error', () => undefined);
    socket.on('data', (d) => (out += d));
    socket.on('close', () => resolve(out));
  });
}

describe('requests node refuses', () => {
  it('headers over node\'s limit: 431 in JSON', async () => {
    const text = await send(`POST /graphql HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(text).toMatch(/^HTTP\/1\.1 431 /);
    expect(text).toContain('"code":"BAD_REQUEST"');
    expect(text).toContain('too large');
  });

  it('a request not received in time: 408 in JSON', async () => {
    // node emits this clientError when headersTimeout (60 s) or requestTimeout (300 s) passes: sent here at once.
    const text = await send('POST /graphql HTTP/1.1\r\nHost: x\r\n', (socket) => {
      setTimeout(() => gw.gateway.httpServer.emit('clientError', Object.assign(new Error('timeout'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), socket), 100);
    });
    expect(text).toMatch(/^HTTP\/1\.1 408 /);
    expect(text).toContain('did not arrive in time');
  });

  it('a request that is not HTTP: still 400', async () => {
    const text = await send('GARBAGE /graphql HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(text).toMatch(/^HTTP\/1\.1 400 /);
    expect(text).toContain('not valid HTTP');
  });
});

// operations.md: every answer of /graphql says `Cache-Control: no-store`. Those refused outside the route's
// own handler (node's parser, a method, an Expect) said nothing, so a cache was free to keep them.
describe('every /graphql refusal says Cache-Control: no-store', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['headers over the limit (431)', `GET /graphql HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, /^HTTP\/1\.1 431 /],
    ['a request that is not HTTP (400)', 'GARBAGE /graphql HTTP/1.1\r\nHost: x\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['a method other than GET and POST (405)', 'PUT /graphql HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n', /^HTTP\/1\.1 405 /],
    ['an Expect other than 100-continue (417)', 'POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: something-else\r\nContent-Length: 2\r\n\r\n{}', /^HTTP\/1\.1 417 /],
  ];
  for (const [name, raw, status] of cases) {
    it(name, async () => {
      const text = await send(raw);
      expect(text).toMatch(status);
      expect(text.split('\r\n\r\n')[0]).toMatch(/^cache-control: no-store$/im);
    });
  }
});
