// How a platform talks to a connected one: node:http with one keep-alive agent per connected platform,
// so that a namespace read reuses an open connection instead of paying a TCP handshake, and without the
// WHATWG fetch layer (streams, an AbortController per request), which measured about 0.4 ms a request
// on loopback (docs/benchmarks.md). The answer is read whole, up to a bound, and parsed once.
import http from 'node:http';
import https from 'node:https';
import { valuesOver, type OverBound, type ValueBounds } from './answer-values.ts';
import { READ_OUTCOME_HEADER } from '../identity/forwarded.ts';

/**
 * An answer to a delegated request larger than this is refused: a connected platform's answer is bounded
 * by its own limits (maxCost field values, 200,000 by default), far below it; the values it holds are
 * bounded by this platform's maxCost (`maxValues`, answer-values.ts). What a request may read less (a
 * schema document) it says in `maxBytes`.
 */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** How long a kept-alive connection to a connected platform may stay idle, when the platform says no less. */
const IDLE_SOCKET_MS = 30_000;

export interface JsonAnswer {
  status: number;
  /** The parsed body; undefined when it is not JSON. */
  body: unknown;
  /** Where a redirect points (its Location header), never followed. */
  location?: string;
  /** The schema version that answered (a govgraph gateway's `x-schema-version` header), if any. */
  schemaVersion?: string;
  /** The outcome its audit entry of a forwarded read recorded (READ_OUTCOME_HEADER), if it said one. */
  readOutcome?: string;
}

/** A failure that is not an HTTP answer: the name says which (TimeoutError, or the socket's code). */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = code === 'TIMEOUT' ? 'TimeoutError' : 'TransportError';
  }
}

/** An answer holding more JSON values than the request allowed (answer-values.ts), refused before it is parsed. */
export class TooManyValues extends TransportError {
  constructor(
    readonly over: OverBound,
    readonly bytes: number,
  ) {
    super(`more than ${over.bound} values ${over.where === 'data' ? 'in its data' : 'outside its data'}`, 'TOO_MANY_VALUES');
  }
}

const cancelled = () => new TransportError('the request was cancelled', 'CANCELLED');

export interface PlatformClient {
  /** `signal`: the request is aborted when it is (its own request cancelled, src/limits/cancel.ts), failing with code CANCELLED. */
  /**
   * `maxValues`: a JSON answer holding more values is refused before it is parsed (answer-values.ts),
   * failing with TooManyValues.
   */
  request(path: string, init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string; timeoutMs: number; maxBytes?: number; maxValues?: ValueBounds; signal?: AbortSignal }): Promise<JsonAnswer>;
  close(): void;
}

export function platformClient(base: string): PlatformClient {
  const url = new URL(base);
  const secure = url.protocol === 'https:';
  // An idle timeout of its own makes the agent honour the connected platform's `Keep-Alive: timeout=N`
  // (node drops a free socket a second before it): without one, node 20's agent ignores that hint and
  // reuses a socket the platform is closing at that moment, and the read fails with ECONNRESET.
  const agent = new (secure ? https : http).Agent({ keepAlive: true, keepAliveMsecs: 1000, maxSockets: 64, maxFreeSockets: 16, timeout: IDLE_SOCKET_MS });
  const send = secure ? https.request : http.request;
  const prefix = url.pathname.replace(/\/+$/, '');
  // An IPv6 literal is written in brackets in a URL (`http://[fd00::12]:4000`), and WHATWG's URL keeps them
  // in `hostname`; node:http takes the address without them: with them it asked the name service for
  // "[fd00::12]" and failed with ENOTFOUND, so a platform listed at an IPv6 address was never reached.
  const hostname = url.hostname.startsWith('[') && url.hostname.endsWith(']') ? url.hostname.slice(1, -1) : url.hostname;
  return {
    request(path, init) {
      const maxBytes = init.maxBytes ?? MAX_ANSWER_BYTES;
      const tooLarge = () => new TransportError(`more than ${maxBytes} bytes`, 'TOO_LARGE');
      const signal = init.signal;
      if (signal?.aborted) return Promise.reject(cancelled());
      return new Promise<JsonAnswer>((resolve, reject) => {
        let settled = false;
        const done = () => {
          settled = true;
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        };
        const fail = (err: Error) => {
          if (settled) return;
          done();
          req.destroy();
          reject(err);
        };
        const onAbort = () => fail(cancelled());
        const headers: Record<string, string | number> = { ...init.headers, accept: 'application/json' };
        if (init.body !== undefined) headers['content-length'] = Buffer.byteLength(init.body);
        const req = send({
          protocol: url.protocol, hostname, port: url.port, path: prefix + path,
          method: init.method, headers, agent,
        }, (res) => {
          // Said before it is sent: refused without reading a byte of it.
          if (Number(res.headers['content-length']) > maxBytes) return fail(tooLarge());
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) fail(tooLarge());
            else chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('end', () => {
            if (settled) return;
            done();
            const bytes = Buffer.concat(chunks);
            const json = /^application\/([\w.+-]*\+)?json\b/i.test(res.headers['content-type'] ?? '') && !res.headers['content-encoding'];
            const over = json && init.maxValues ? valuesOver(bytes, init.maxValues) : null;
            if (over) return reject(new TooManyValues(over, bytes.length));
            const text = bytes.toString('utf8');
            let body: unknown;
            try {
              body = json ? JSON.parse(text) : undefined;
            } catch {
              body = undefined;
            }
            const version = res.headers['x-schema-version'];
            const outcome = res.headers[READ_OUTCOME_HEADER];
            resolve({
              status: res.statusCode ?? 0, body, location: res.headers.location,
              schemaVersion: typeof version === 'string' ? version : undefined, readOutcome: typeof outcome === 'string' ? outcome : undefined,
            });
          });
        });
        const timer = setTimeout(() => fail(new TransportError(`no answer within ${init.timeoutMs} ms`, 'TIMEOUT')), init.timeoutMs);
        req.on('error', (err: NodeJS.ErrnoException) => fail(new TransportError(err.message, err.code ?? 'ERROR')));
        signal?.addEventListener('abort', onAbort, { once: true });
        req.end(init.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}
