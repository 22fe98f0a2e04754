// Requests node's HTTP parser refuses before the gateway sees them (its `clientError`): answered in JSON,
// with the status node itself would give.

import type http from 'node:http';
import type { Socket } from 'node:net';

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
    socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
}
