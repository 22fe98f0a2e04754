// What a denied item costs the list query's execution, against what one more allowed item costs (issue 10:
// "with a denied item: within 10% of the all-allowed query"). In one process, on the demo data: the list
// query of bench/gateway.ts, the same with a 13th item the requester may read (workRegion), and the same
// with one it may not (monthlyWage, not shared: null on every row and one error), executed as the gateway
// executes them (executeOperation, the holder's dedupe, JSON), alternated per operation in rotation; CPU
// µs per operation, medians, and each against the list query.
// Run: npx tsc -p tsconfig.bench.json && node .tmp/bench-build/bench/denied-item.js [--ops 3000]   (compiled, as
// served; `npx tsx bench/denied-item.ts` runs it through tsx's loader, where making an error costs more)
import { loadavg } from 'node:os';
import { parse } from 'graphql';
import { executeOperation } from '../src/server/executor.ts';
import { dedupeErrors } from '../src/rules/errors.ts';
import { DENIED_QUERY, LIST_QUERY } from './demo-queries.ts';
import { demoInProcess } from './request-context.ts';

const i = process.argv.indexOf('--ops');
const OPS = i > 0 ? Number(process.argv[i + 1]) : 3000;
const WARM = 300;
const queries = [
  { name: 'list query (12 items, 2 masked, a link)', text: LIST_QUERY, errors: false },
  { name: 'with a 13th item, allowed (workRegion)', text: LIST_QUERY.replace('insured', 'insured workRegion'), errors: false },
  { name: 'with a 13th item, denied (monthlyWage)', text: DENIED_QUERY, errors: true },
].map((q) => ({ ...q, document: parse(q.text), cpu: [] as number[] }));

const { store, built, context, close } = await demoInProcess('denied-item');
try {
  const cpuNow = () => {
    const u = process.cpuUsage();
    return u.user + u.system;
  };
  for (let n = 0; n < OPS + WARM; n++) {
    for (let k = 0; k < queries.length; k++) {
      const q = queries[(n + k) % queries.length]; // rotated: none always runs after the same one
      const ctx = await context();
      const c0 = cpuNow();
      const result = await executeOperation({ schema: built.schema, document: q.document, context: ctx });
      JSON.stringify(result.errors ? { ...result, errors: dedupeErrors(result.errors) } : result);
      const spent = cpuNow() - c0;
      if (Boolean(result.errors) !== q.errors) throw new Error(`${q.name}: ${JSON.stringify(result.errors)}`);
      if (n >= WARM) q.cpu.push(spent);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const list = median(queries[0].cpu);
  console.log(`${OPS} operations of each; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end\n`);
  console.log('| query | CPU µs per operation (median) | vs the list query |');
  console.log('|---|---:|---:|');
  for (const q of queries) console.log(`| ${q.name} | ${median(q.cpu)} | ${(median(q.cpu) / list).toFixed(3)} |`);
} finally {
  await close();
}
