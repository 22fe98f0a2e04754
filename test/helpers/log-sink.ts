// A stream for a test's logger that hands over each line the logger writes (pino writes one JSON
// document a line, sometimes several lines a chunk).
import { Writable } from 'node:stream';

export function lineSink(take: (line: string) => void): Writable {
  return new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) take(line);
      done();
    },
  });
}
