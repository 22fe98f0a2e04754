// Bytes passed on as text once checked as UTF-8, naming the first line that is not (the CSV reader's).
import { isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import { MAX_LINE_BYTES } from './file.ts';
import { notUtf8Message } from '../../formats/not-utf8.ts';

export class NotUtf8 extends Error {
  /** `bytes`: the line's, when known (a GB18030 file is said to be one). */
  constructor(readonly line: number, bytes?: Uint8Array) {
    super(`line ${line}: ${notUtf8Message(bytes)}`);
  }
}

/** Passes bytes through as text, line by line checked as UTF-8; fails with NotUtf8 naming the line. */
export function utf8Lines(): Transform {
  let line = 0; // lines passed on so far
  let rest: Buffer = Buffer.alloc(0);
  const pass = (self: Transform, bytes: Buffer): boolean => {
    if (!isUtf8(bytes)) {
      let start = 0;
      let bad: Buffer = bytes;
      for (let nl = bytes.indexOf(10); ; nl = bytes.indexOf(10, start)) {
        const end = nl === -1 ? bytes.length : nl;
        line++;
        if (!isUtf8((bad = bytes.subarray(start, end)))) break;
        start = end + 1;
      }
      self.destroy(new NotUtf8(line, bad));
      return false;
    }
    for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, nl + 1)) line++;
    self.push(bytes.toString('utf8'));
    return true;
  };
  return new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const last = buf.lastIndexOf(10);
      if (last === -1) {
        rest = buf; // csv-parse bounds the record size; this bounds what waits for a line break
        if (rest.length > MAX_LINE_BYTES * 4) return done(new NotUtf8(line + 1)); // unreachable for text
        return done();
      }
      rest = buf.subarray(last + 1);
      if (pass(this, buf.subarray(0, last + 1))) done();
    },
    flush(done: TransformCallback) {
      if (rest.length === 0 || pass(this, rest)) done();
    },
  });
}
