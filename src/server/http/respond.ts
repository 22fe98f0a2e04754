// Writing answers on node:http: JSON bodies, compressed when large and the client accepts it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

/** Answers below this many bytes go out as they are: compressing them costs more than it saves. */
export const COMPRESS_MIN_BYTES = 1024;

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export type Encoding = 'br' | 'gzip';

/** The encoding to use from Accept-Encoding (q=0 refuses one); br is preferred at equal weight. */
export function chooseEncoding(header: string | string[] | undefined): Encoding | null {
  const text = Array.isArray(header) ? header.join(',') : header ?? '';
  let best: { enc: Encoding; q: number } | null = null;
  for (const part of text.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!(q > 0)) continue;
    const enc = name === 'br' ? 'br' : name === 'gzip' || name === 'x-gzip' ? 'gzip' : null;
    if (enc && (!best || q > best.q || (q === best.q && enc === 'br'))) best = { enc, q };
  }
  return best?.enc ?? null;
}

export async function compress(body: Buffer, enc: Encoding): Promise<Buffer> {
  // Quality 4 (brotli) / level 6 (gzip): close to the best ratio for JSON at a fraction of the time.
  return enc === 'br'
    ? brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 4, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } })
    : gzipAsync(body);
}

/** Where answers are encoded: grown to the largest answer of at most SCRATCH_MAX_CHARS seen, then kept. */
let scratch = Buffer.allocUnsafeSlow(0);
const SCRATCH_MAX_CHARS = 256 * 1024;

/**
 * `text` in UTF-8. Buffer.from measures the encoded length in a pass of its own before it encodes; on a
 * 40 KB answer of Chinese text (a two-byte string) that pass is half of its ~90 µs. Encoded instead into
 * a buffer large enough for any text of its length (3 bytes per UTF-16 unit at most), then copied out at
 * its size (a memcpy). Longer texts, rare, are encoded by Buffer.from.
 */
export function utf8(text: string): Buffer {
  if (text.length > SCRATCH_MAX_CHARS) return Buffer.from(text);
  if (scratch.length < text.length * 3) scratch = Buffer.allocUnsafeSlow(text.length * 3);
  return Buffer.from(scratch.subarray(0, scratch.write(text)));
}

/**
 * Sends a complete body with its status and headers; compressed (off the event loop, in zlib's thread
 * pool) when it is large enough and the request accepts br or gzip.
 */
export async function sendBody(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  headers: Iterable<[string, string]>,
  body: string | Buffer,
): Promise<void> {
  for (const [name, value] of headers) res.setHeader(name, value);
  let bytes = typeof body === 'string' ? utf8(body) : body;
  if (bytes.length >= COMPRESS_MIN_BYTES && req.method !== 'HEAD') {
    res.appendHeader('Vary', 'Accept-Encoding');
    const enc = chooseEncoding(req.headers['accept-encoding']);
    if (enc) {
      bytes = await compress(bytes, enc);
      res.setHeader('Content-Encoding', enc);
    }
  }
  res.statusCode = status;
  res.setHeader('Content-Length', bytes.length);
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

export function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  return sendBody(req, res, status, Object.entries({ 'Content-Type': 'application/json; charset=utf-8', ...headers }), JSON.stringify(value));
}

/**
 * A GraphQL-over-HTTP error answer: `{"errors":[{message, extensions:{code}}]}`. Every one says
 * `Cache-Control: no-store`, as the /graphql route's own answers do (operations.md): also those given
 * before or outside that route (a 405, a 417, a 500).
 */
export function sendGraphQLError(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Promise<void> {
  return sendJson(req, res, status, { errors: [{ message, extensions: { code } }] }, { 'Cache-Control': 'no-store', ...headers });
}
