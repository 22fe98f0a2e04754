// Requests node's HTTP parser refuses before the gateway sees them (its `clientError`): answered in JSON,
// with the status node itself would give.

import type http from 'node:http';
import type { Socket } from 'node:net';
import { sendGraphQLError } from './respond.ts';

/**
 * The answer to a request node's HTTP parser refused (its `clientError`), by the error's code: headers over
 * node's limit (16 KiB, the request line counted: a GET's query is in it) 431, a request not received in time 408, anything else 400; node's own answers.
 */
export function clientErrorAnswer(code: string | undefined): { status: number; reason: string; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, reason: 'Request Header Fields Too Large', message: 'The request line and headers are too large (node\'s limit of 16 KiB in all): send a long query by POST, in a JSON body, not in the URL of a GET.' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: 408, reason: 'Request Timeout', message: 'The request did not arrive in time: its headers within 60 s, or the whole request within 300 s.' };
  }
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') {
    return { status: 413, reason: 'Payload Too Large', message: 'The request\'s chunk extensions are too large.' };
  }
  return { status: 400, reason: 'Bad Request', message: 'The request is not valid HTTP.' };
}

// A malformed request line or header, headers too large, or a request not received within node's
// headersTimeout or requestTimeout never reaches the handler (or is cut short in it): answer it in JSON
// too, with the status node itself would give (clientErrorAnswer), not "not valid HTTP" for all of them.
export function answerClientErrors(httpServer: http.Server): void {
  httpServer.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    const answering = (socket as Socket & { _httpMessage?: http.ServerResponse })._httpMessage;
    const { status, reason, message } = clientErrorAnswer(err.code);
    // A whole request before the broken one on the same connection (pipelined) is still being answered:
    // its answer goes out first, then the refusal. Written at once, the refusal took the place of that
    // answer, which was lost though its request had run (and read, and was audited).
    if (socket.writable && answering && !answering.writableFinished && answering.req?.complete && err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') {
      answering.once('finish', () => (socket.writable ? socket.end(rawAnswer(status, reason, message)) : socket.destroy()));
      answering.once('close', () => answering.writableFinished || socket.destroy());
      return;
    }
    // An answer node is still writing cannot be followed by the refusal; one written whole (a pipelined
    // request answered at once, /healthz: node has not yet let go of it) can, and was dropped with the
    // connection, the client getting no answer to its broken request.
    if (!socket.writable || (answering?.headersSent && !answering.writableFinished)) return socket.destroy();
    socket.end(rawAnswer(status, reason, message));
  });
}

/** A whole HTTP/1.1 answer written on a socket node no longer answers for: JSON, BAD_REQUEST, then the connection closes. */
function rawAnswer(status: number, reason: string, message: string, headers = ''): string {
  const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

export const CONNECT_MESSAGE = 'CONNECT is not answered: the gateway is no proxy. Send GraphQL by POST (or GET) to /graphql.';

// A CONNECT (a client taking the gateway for a proxy): without a 'connect' listener node destroys the
// socket, so the client got a reset and no answer at all. Answered 405 in JSON, then closed.
export function answerConnects(httpServer: http.Server): void {
  httpServer.on('connect', (_req: http.IncomingMessage, socket: Socket) => {
    socket.on('error', () => socket.destroy());
    socket.end(rawAnswer(405, 'Method Not Allowed', CONNECT_MESSAGE, 'Allow: GET, POST, OPTIONS\r\n'));
  });
}

export const NO_HOST_MESSAGE = 'The request has no Host header, which HTTP/1.1 requires (RFC 9112 §3.2): send one, e.g. `Host: gateway.example.gov.cn`.';
export const HOST_TWICE_MESSAGE = 'The request has more than one Host header, which HTTP refuses (RFC 9112 §3.2): send one.';

/**
 * Why a request's Host header is refused, or null. Node refuses an HTTP/1.1 request without Host itself
 * (its `requireHostHeader`) with a bare 400: no JSON, no code; the gateway's server turns that off and
 * answers here instead, with the same status. A request with two Host headers (any version) node takes,
 * keeping the first: a proxy in front that reads the other routes or logs the request under another host
 * than the one the gateway served, and RFC 9112 §3.2 has a server refuse it 400 in the same sentence.
 */
export function hostProblem(req: http.IncomingMessage): string | null {
  if ((req.headersDistinct.host?.length ?? 0) > 1) return HOST_TWICE_MESSAGE;
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) return NO_HOST_MESSAGE;
  return null;
}

// An `Expect` other than 100-continue: node answers it itself (its default for 'checkExpectation') with a
// bare 417, no JSON and no extensions.code, and keeps the connection open for the body the client, told
// 417, may never send. Answer it in JSON (417 `BAD_REQUEST`, saying what to change) and close the
// connection. Node calls this instead of the request handler.
export function answerExpectations(httpServer: http.Server, onRequest: (req: http.IncomingMessage, res: http.ServerResponse) => void): void {
  httpServer.on('checkExpectation', (req: http.IncomingMessage, res: http.ServerResponse) => {
    onRequest(req, res);
    res.setHeader('Connection', 'close');
    sendGraphQLError(req, res, 417, 'BAD_REQUEST', 'The request\'s Expect header asks for what the gateway does not do: only `Expect: 100-continue` is understood; send the request without it.').catch(() => res.destroy());
  });
}
