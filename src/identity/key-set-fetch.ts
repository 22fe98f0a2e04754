// A key set fetched for jose's remote key sets (its customFetch), by the connected platforms' verifier
// (forwarded.ts) and the identity provider's (provider-key-set.ts). Asked with node:http(s), as the
// platforms' schema and data are (src/federation/http-client.ts), not WHATWG fetch: fetch refuses the
// ports a browser blocks (5060, 5061, 6000, 6665-6669, 10080, ...) as "bad port", so a key set served on
// one was never fetched. The answer is read up to a bound: jose reads it whole (response.json()) within
// its timeout, so an answer of megabytes at loopback speed would be held and parsed at every refetch.
// Redirects are not followed (jose asks `manual`; a key set's URL is configured, not discovered).
import http from 'node:http';
import https from 'node:https';

export interface KeySetAnswer {
  status: number;
  contentType: string | undefined;
  location: string | undefined;
  /** The body; null when it was larger than the bound (reading stopped there). */
  body: Buffer<ArrayBuffer> | null;
}

export function fetchKeySet(url: string, init: RequestInit, maxBytes: number): Promise<KeySetAnswer> {
  const target = new URL(url);
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  return new Promise<KeySetAnswer>((resolve, reject) => {
    let settled = false;
    const settle = (err: unknown, answer?: KeySetAnswer) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      if (err !== null || answer?.body === null) req.destroy();
      if (err !== null) reject(err);
      else resolve(answer!);
    };
    const onAbort = () => settle(signal!.reason);
    const req = (target.protocol === 'https:' ? https : http).get(target, { headers }, (res) => {
      const head = { status: res.statusCode ?? 0, contentType: res.headers['content-type'], location: res.headers.location };
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) settle(null, { ...head, body: null });
        else chunks.push(chunk);
      });
      res.on('error', (err) => settle(err));
      res.on('end', () => settle(null, { ...head, body: Buffer.concat(chunks) }));
    });
    req.on('error', (err) => settle(err));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
