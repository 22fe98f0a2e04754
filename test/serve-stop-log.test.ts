// A real `govgraph serve` stopped by a second SIGTERM during its drain (SPEC §15: "a second signal stops at
// once"): exit status 1, and what it says about it is a JSON log line like the drain's own (event
// drain-abort), not a plain-text line on standard error that a log collector reading JSON would reject.
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
  drainDelayMs: 3000
  shutdownTimeoutMs: 8000
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
  const second = Date.now();
  child.kill('SIGTERM');
  expect(await exited).toBe(1);
  expect(Date.now() - second).toBeLessThan(2000); // at once, not after the 3 s drain delay

  const lines = afterSignal().split('\n').filter((l) => l.trim() !== '');
  for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
  const abort = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'drain-abort');
  expect(abort).toMatchObject({ level: 40, service: 'govgraph', signal: 'SIGTERM' });
  expect(afterSignal()).not.toMatch(/\n\s+at /); // no stack
}, 20_000);
