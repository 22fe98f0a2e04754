// Request bodies that never end (src/limits/bodies.ts): raw connections to a gateway, each sending the
// headers and most of a JSON body, then nothing more, as an attacker holding the gateway's memory does.
import net from 'node:net';

export interface TrickledBodies {
  /** What each connection was answered, once it closed (a refusal closes it). */
  answers: string[];
  /** Closes every connection still open: what their bodies held is given back. */
  destroy(): void;
  /** How many connections are still open. */
  open(): number;
}

/**
 * `headers.length` POSTs to `url`'s /graphql, the i-th with the header lines `headers[i]` (each ending in
 * CRLF), each sending `sent` bytes of a body whose Content-Length is `short` bytes more.
 */
export function trickleBodies(url: string, headers: readonly string[], sent: number, short = 4_000): TrickledBodies {
  const answers: string[] = [];
  const sockets = headers.map((lines) => {
    const s = net.connect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    s.on('data', (d) => (answer += d));
    s.on('close', () => answers.push(answer));
    s.on('error', () => {});
    s.write(
      `POST /graphql HTTP/1.1\r\nHost: gw\r\n${lines}content-type: application/json\r\n` +
        `content-length: ${sent + short}\r\n\r\n{"query":"{ __typename }","variables":{"x":"${'a'.repeat(sent - 44)}`,
    );
    return s;
  });
  return { answers, destroy: () => sockets.forEach((s) => s.destroy()), open: () => sockets.filter((s) => !s.destroyed).length };
}

/** The JSON error of an HTTP answer read off the wire. */
export function errorOf(answer: string): { message: string; extensions: Record<string, unknown> } {
  return JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)).errors[0];
}
