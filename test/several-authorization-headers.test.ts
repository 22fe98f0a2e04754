// A request with more than one Authorization header is refused (UNAUTHENTICATED), whichever token comes
// first: node keeps the first of them and drops the rest without a word, while a proxy or a WAF in front
// of the gateway may check or log the last one. Taken as sent, one department's request ran as another's
// (the first token's), and a request whose checked token was good could run on an unchecked one.
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './helpers/gateway.ts';
import { yunnanFixture } from './helpers/yunnan-folder.ts';

let gw: TestGateway;

beforeAll(async () => {
  gw = await startTestGateway({ platformFile: yunnanFixture('platform.yaml'), catalogueFiles: [yunnanFixture('police.yaml')] });
}, 60_000);
afterAll(() => gw?.close());

/** Posts `{ me { department } }` with these header lines as written, and answers the status and the JSON body. */
function post(headerLines: string[]): Promise<{ status: number; body: any }> {
  const body = JSON.stringify({ query: '{ me { department } }' });
  const socket = net.connect(gw.gateway.port, '127.0.0.1');
  const received: Buffer[] = [];
  socket.on('data', (c: Buffer) => received.push(c));
  socket.write(
    ['POST /graphql HTTP/1.1', 'Host: gw', 'Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', ...headerLines].join('\r\n') +
      '\r\n\r\n' + body,
  );
  return new Promise((resolve, reject) => {
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(received).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), body: JSON.parse(rest.join('\r\n\r\n')) });
    });
  });
}

describe('several Authorization headers', () => {
  it('one good header is answered (the department it names)', async () => {
    const answer = await post([`Authorization: Bearer ${await gw.token('530000-GAT')}`]);
    expect(answer).toEqual({ status: 200, body: { data: { me: { department: '530000-GAT' } } } });
  });

  for (const [name, lines] of [
    ['two good tokens of two departments', async () => [`Authorization: Bearer ${await gw.token('530000-GAT')}`, `authorization: Bearer ${await gw.token('530100-ZFGJJ')}`]],
    ['the same good token twice', async () => { const t = await gw.token('530000-GAT'); return [`Authorization: Bearer ${t}`, `Authorization: Bearer ${t}`]; }],
    ['a good token, then another scheme', async () => [`Authorization: Bearer ${await gw.token('530000-GAT')}`, 'Authorization: Basic dXNlcjpwYXNz']],
    ['a good token, then an empty header', async () => [`Authorization: Bearer ${await gw.token('530000-GAT')}`, 'Authorization: ']],
  ] as const) {
    it(`${name}: 401 UNAUTHENTICATED, no data, the message saying to send one`, async () => {
      const answer = await post(await lines());
      expect(answer.status).toBe(401);
      expect(answer.body.data).toBeUndefined();
      expect(answer.body.errors).toEqual([
        { message: expect.stringMatching(/^Several Authorization headers: send one, `Authorization: Bearer <token>`/), extensions: { code: 'UNAUTHENTICATED' } },
      ]);
    });
  }
});
