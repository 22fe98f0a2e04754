// A real `govgraph serve` stopped by a second SIGTERM during its drain (SPEC §15: "a second signal stops at
// once"): exit status 1, and what it says about it is a JSON log line like the drain's own (event
// drain-abort), not a plain-text line on standard error that a log collector reading JSON would reject.
// "At once" is shown by the order of what it logs, not by the clock: the drain's delay is long (30 s,
// nothing a loaded machine takes between two signals), and the process exits with the abort as its last
// word, before the drain ends (no drain-end, no drain-timeout), not after it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openSqliteStore } from '../src/store/sqlite.ts';
import { spawnServe } from './helpers/served.ts';

const dir = mkdtempSync(join(tmpdir(), 'govgraph-stop-log-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLATFORM = `platform:
  region: "460000"
  level: province
  name: Stop-log test platform
  competentDepartment: "460000-DSJ"
purposes:
  - { code: checks, name: Checks }
departments:
  - { code: "460000-DSJ", name: Big data bureau, graphqlName: bigData, level: province, region: "460000" }
connected: []
server:
  drainDelayMs: 30000
  shutdownTimeoutMs: 40000
`;

it('a second SIGTERM during the drain exits 1 at once, saying so in a JSON log line', async () => {
  const platformFile = join(dir, 'platform.yaml');
  writeFileSync(platformFile, PLATFORM);
  await (await openSqliteStore(join(dir, 'data'))).close();
  const { child, port, exited, output } = await spawnServe(['--data', join(dir, 'data'), '--platform', platformFile], { ...process.env, GOVGRAPH_LOG_LEVEL: 'info' });
  const ready = await new Promise<number>((resolve) =>
    http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }),
  );
  expect(ready).toBe(200);

  const signalledAt = output().length;
  const afterSignal = () => output().slice(signalledAt);
  child.kill('SIGTERM');
  while (!afterSignal().includes('"drain-start"')) await new Promise((r) => setTimeout(r, 20));
  child.kill('SIGTERM');
  expect(await exited).toBe(1);

  const lines = afterSignal().split('\n').filter((l) => l.trim() !== '');
  for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  // At once: the drain had begun, and the abort is the last thing said; the drain never ended or timed out.
  expect(logged.map((l) => l.event).filter((e) => typeof e === 'string' && e.startsWith('drain'))).toEqual(['drain-start', 'drain-abort']);
  expect(logged.at(-1)).toMatchObject({ event: 'drain-abort', level: 40, service: 'govgraph', signal: 'SIGTERM' });
  expect(afterSignal()).not.toMatch(/\n\s+at /); // no stack
}, 90_000);
