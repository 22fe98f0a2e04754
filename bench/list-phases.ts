// The list query's answer path in process, split in its phases: the execution (graphql-jit over the read
// plans: store reads, masks, the link, the answer's records), the answer's JSON, and its UTF-8 bytes as
// sendBody makes them (src/server/http/respond.ts) beside Buffer.from, alternated with an A/A pair.
// CPU per operation (process.cpuUsage), medians. No HTTP, Apollo pipeline or audit entry: bench/gateway.ts.
// Run: npx tsx bench/list-phases.ts [--ops 1500]
import { loadavg } from 'node:os';
import { parse } from 'graphql';
import { executeOperation } from '../src/server/executor.ts';
import { utf8 } from '../src/server/http/respond.ts';
import { LIST_QUERY } from './demo-queries.ts';
import { demoInProcess } from './request-context.ts';

const i = process.argv.indexOf('--ops');
const OPS = i > 0 ? Number(process.argv[i + 1]) : 1500;
const WARM = 200;
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { store, built, context, close } = await demoInProcess('list-phases');
try {
  const document = parse(LIST_QUERY);
  const encoders: [string, (text: string) => Buffer][] = [['Buffer.from', (t) => Buffer.from(t)], ['utf8 (as sent)', utf8], ['Buffer.from again (A/A)', (t) => Buffer.from(t)]];
  const phases = { execution: [] as number[], 'JSON.stringify': [] as number[] };
  const encoded = encoders.map(() => [] as number[]);
  let text = '';
  for (let n = 0; n < OPS + WARM; n++) {
    const ctx = await context();
    const c0 = cpuNow();
    const result = await executeOperation({ schema: built.schema, document, context: ctx });
    const c1 = cpuNow();
    text = JSON.stringify(result);
    const c2 = cpuNow();
    // Rotated: none always runs after the same one. Ten times each: one takes tens of µs.
    const times = encoders.map((_, k) => {
      const j = (n + k) % encoders.length;
      const t0 = cpuNow();
      for (let r = 0; r < 10; r++) encoders[j][1](text);
      return [j, (cpuNow() - t0) / 10] as const;
    });
    if (n < WARM) continue;
    phases.execution.push(c1 - c0);
    phases['JSON.stringify'].push(c2 - c1);
    for (const [k, t] of times) encoded[k].push(t);
  }
  for (const [, encode] of encoders) if (!encode(text).equals(Buffer.from(text))) throw new Error('the encodings differ');
  console.log(`list query in process: ${OPS} operations; answer ${text.length} UTF-16 units, ${Buffer.byteLength(text)} bytes; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end\n`);
  console.log('| phase | CPU µs/op (median) |');
  console.log('|---|---:|');
  for (const [name, xs] of Object.entries(phases)) console.log(`| ${name} | ${median(xs)} |`);
  for (const [k, [name]] of encoders.entries()) console.log(`| UTF-8: ${name} | ${median(encoded[k]).toFixed(1)} |`);
} finally {
  await close();
}
