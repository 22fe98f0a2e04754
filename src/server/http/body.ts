// Reads a request body on node:http with a byte limit, as UTF-8 JSON. A body over the limit is refused
// from its Content-Length or as soon as the bytes read pass it, reading no further; nothing of a body
// ever goes into an error message or a log.

import type { IncomingMessage } from 'node:http';
import { markBodyNumbers } from '../plugins/written-numbers.ts';

export class BodyError extends Error {
  /**
   * `bytesRead`: what was read of the body before it was refused, at most the limit (0 when refused unread:
   * by its Content-Length, or compressed). The rate takes its tokens by it, as for a body read whole.
   */
  constructor(
    readonly status: 400 | 408 | 413 | 415 | 429,
    message: string,
    readonly bytesRead = 0,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

function tooLarge(limit: number, bytesRead = 0): BodyError {
  return new BodyError(413, `The request body is larger than the limit of ${limit} bytes (limits.maxRequestBytes).`, bytesRead);
}

/**
 * A body in a content coding (`Content-Encoding: gzip`, `br`, ...) or a transfer coding besides chunked:
 * 415, unread (RFC 9110 §15.5.16). The
 * gateway does not decode request bodies, and read as they are such bytes were refused as "not valid
 * UTF-8", which does not tell the client what to change. The header's value is not quoted.
 */
function encodedBody(req: IncomingMessage): BodyError | null {
  const coding = req.headers['content-encoding']?.trim().toLowerCase();
  if (coding && coding !== 'identity') {
    return new BodyError(415, 'The request body has a Content-Encoding (compressed); the gateway reads only uncompressed bodies: send it without Content-Encoding.');
  }
  // A transfer coding besides chunked (`gzip, chunked`): node takes the chunks off and hands on the
  // compressed bytes as they are, which would be refused as "not valid UTF-8" and tell the client nothing.
  const transfer = req.headers['transfer-encoding']?.toLowerCase().split(',').map((c) => c.trim());
  if (transfer?.some((c) => c !== '' && c !== 'chunked' && c !== 'identity')) {
    return new BodyError(415, 'The request body has a Transfer-Encoding besides chunked (compressed); the gateway reads only uncompressed bodies: send it with Transfer-Encoding: chunked alone, or with a Content-Length.');
  }
  return null;
}

/**
 * The raw body, at most `limit` bytes; BodyError 413 past it (the rest is not read). A body refused once
 * some of it was read (over the limit while streaming, stalled, broken off) says how much (bytesRead). A body none of whose
 * bytes come for `idleMs` is given up with BodyError 408: a client trickling a body (or sending none of
 * the bytes its Content-Length announced) would otherwise hold the connection and what it sent for
 * node's requestTimeout, five minutes. A compressed body is refused first, with BodyError 415.
 */
/**
 * What a body holds while it arrives (src/limits/bodies.ts): `hold` each chunk's bytes before keeping it,
 * false to refuse the body (`refusal`, with 429); everything held is given back (`release`) once the body
 * is read whole or given up.
 */
export interface BodyHold {
  hold(bytes: number): boolean;
  release(bytes: number): void;
  /** The 429's message, read once `hold` refused. */
  readonly refusal: string;
}

export function readBody(req: IncomingMessage, limit: number, idleMs = Infinity, held?: BodyHold): Promise<Buffer> {
  const encoded = encodedBody(req);
  if (encoded) return Promise.reject(encoded);
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onIdle = () => {
      cleanup();
      req.pause();
      reject(new BodyError(408, `The request body stopped arriving: none of it came for ${idleMs / 1000} s (server.clientIdleMs).`, size));
    };
    const idle = Number.isFinite(idleMs) ? setTimeout(onIdle, idleMs) : undefined;
    const onData = (chunk: Buffer) => {
      idle?.refresh();
      size += chunk.length;
      if (size > limit) {
        size -= chunk.length; // not held: what cleanup gives back is what was kept
        cleanup();
        req.pause();
        // Read up to the limit (the chunk passing it is dropped): counted as a body of the limit's size.
        reject(tooLarge(limit, limit));
        return;
      }
      if (held && !held.hold(chunk.length)) {
        size -= chunk.length;
        cleanup();
        req.pause();
        reject(new BodyError(429, held.refusal, size));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = () => {
      cleanup();
      reject(new BodyError(400, 'The request body could not be read.', Math.min(size, limit)));
    };
    const cleanup = () => {
      clearTimeout(idle);
      held?.release(size);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onError);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    // A connection closed before the body's end: what it held is given back now, not after clientIdleMs.
    req.on('close', onError);
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** True for `application/json` and `application/*+json` media types (parameters ignored). */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  return type === 'application/json' || /^application\/[\w.-]+\+json$/.test(type);
}

/**
 * Parses a JSON body; BodyError 400 for invalid UTF-8 or JSON, with a message that quotes nothing of it.
 * `variablesDepth`: how deep the platform lets variables nest (its long numbers are looked for no deeper).
 */
export function parseJsonBody(bytes: Buffer, variablesDepth?: number): unknown {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new BodyError(400, 'The request body is not valid UTF-8.');
  }
  if (text.trim() === '') throw new BodyError(400, 'The request body is empty; send a JSON object with a "query".');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BodyError(400, 'The request body is not valid JSON.');
  }
  markBodyNumbers(text, body, variablesDepth);
  return body;
}
