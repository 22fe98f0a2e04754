import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

const NINGXIA_DEPARTMENTS = {
  nxBigData: '  - { code: "640000-DSJ", name: 大数据局, graphqlName: nxBigData, level: province, region: "640000" }',
  nxCivil: '  - { code: "640000-MZT", name: 民政厅, graphqlName: nxCivil, level: province, region: "640000" }',
} as const;

/**
 * A stand-in Yinchuan (640100) on loopback: its data schema (`ycHousing`) under `version()`, asked at each
 * schema poll, and any namespace read answered; with a Ningxia (640000) platform file written in `work`
 * listing it (namespace `yinchuan`), of the big data bureau and the `also` departments. For the tests of
 * what a connecting gateway shows of a connected platform (/healthz, PLATFORM_UNAVAILABLE, the log).
 */
export async function startYinchuanForNingxia(
  work: string,
  version: () => string,
  also: readonly Exclude<keyof typeof NINGXIA_DEPARTMENTS, 'nxBigData'>[] = [],
): Promise<{ city: Server; platformFile: string }> {
  const city = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.startsWith('/.well-known/govgraph/schema')) {
      return void res.end(JSON.stringify({ region: '640100', name: 'yc', version: version(), sdl: 'type Query { ycHousing: YcHousing } type YcHousing { homes: Int }' }));
    }
    req.resume().on('end', () => res.end(JSON.stringify({ data: { __typename: 'Query', ycHousing: { homes: 1 } } })));
  });
  await new Promise<void>((r) => city.listen(0, '127.0.0.1', r));
  const platformFile = join(work, 'ningxia.yaml');
  writeFileSync(platformFile, [
    'platform: { region: "640000", level: province, name: 宁夏平台, competentDepartment: "640000-DSJ" }',
    'purposes: [{ code: relief-check, name: 救助核查 }]',
    'departments:',
    NINGXIA_DEPARTMENTS.nxBigData,
    ...also.map((d) => NINGXIA_DEPARTMENTS[d]),
    'connected:',
    `  - { region: "640100", name: 银川平台, url: "http://127.0.0.1:${(city.address() as { port: number }).port}", namespace: yinchuan, timeoutMs: 2000 }`,
  ].join('\n'));
  return { city, platformFile };
}
