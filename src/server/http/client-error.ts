// Requests node's HTTP parser refuses before the gateway sees them (its `clientError`): answered in JSON,
// with the status node itself would give.

import type http from 'node:http';
import type { Socket } from 'node:net';
import { sendGraphQLError } from './respond.ts';

/**
 * The answer to a request node's HTTP parser refused (its `clientError`), by the error's code: headers over
 * node's limit (16 KiB) 431, a request not received in time 408, anything else 400; node's own answers.
 */
export function clientErrorAnswer(code: string | undefined): { status: number; reason: string; message: string } {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: 431, reason: 'Request Header Fields Too Large', message: 'The request headers are too large (node\'s limit of 16 KiB in all).' };
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
    const answering = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || answering?.headersSent) return socket.destroy();
    const { status, reason, message } = clientErrorAnswer(err.code);
    const body = JSON.stringify({ errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
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
