// One HTTP request on a fresh connection, its body written as given: whole, or chunk by chunk with no
// Content-Length (chunked); the answer's status, headers and bytes. For what fetch does not send: a body
// the server refuses part way (it answers and closes before the whole body is sent), or one left open.
import http from 'node:http';

export interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer | Buffer[];
  /** The body's chunks are written and the request left open: a client that stops sending part way. */
  stall?: boolean;
}

export function rawRequest(url: string, opts: RawRequest = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8') });
      });
      res.on('error', reject);
    });
    // The server may answer (413) and close before the whole body is sent.
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
    if (Array.isArray(opts.body)) {
      for (const chunk of opts.body) req.write(chunk);
      if (!opts.stall) req.end();
    } else if (opts.stall) {
      if (opts.body !== undefined) req.write(opts.body);
    } else {
      req.end(opts.body);
    }
  });
}
