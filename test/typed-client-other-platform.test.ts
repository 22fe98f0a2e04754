// Issue 5, point 3, on a platform that is not the demo: a department developer of another province
// (test/fixtures/yunnan, Kunming's Wuhua county civil affairs bureau) follows docs/typed-clients.md in a
// client project of their own: `govgraph schema print --dept CODE --platform FILE --data DIR` prints the
// department's view, graphql-codegen's client preset (the configuration of step 4) generates the typed
// operations, `tsc` compiles the program against them, and the compiled program reads a real
// `govgraph serve`. An operation the department can never read fails codegen naming it, and a program
// that misreads a generated type fails `tsc`.
import { generate, type CodegenConfig } from '@graphql-codegen/cli';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { operationCheck } from '../examples/client/operation-check.ts';
import { importCatalogueFiles } from '../src/catalogue/import.ts';
import { loadPlatform } from '../src/catalogue/platform.ts';
import { publishedCatalogues } from '../src/catalogue/repository.ts';
import { storedSecret } from '../src/identity/secret.ts';
import { signToken } from '../src/identity/token.ts';
import { importRecords } from '../src/records/import.ts';
import { cliEnv, runGovgraph, withSqliteStore } from './helpers/cli.ts';
import { spawnServe, type ServedProcess } from './helpers/served.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/yunnan/${name}`, import.meta.url));
const dept = '530102-MZJ';
const purpose = 'minimum-living-allowance';

/** The client preset's configuration of docs/typed-clients.md step 4, on a schema file. */
function clientConfig(project: string, schema: string): CodegenConfig & { cwd: string } {
  return {
    cwd: project,
    silent: true,
    overwrite: true,
    generates: {
      'src/gql/': {
        schema: [schema],
        documents: ['src/operations/**/*.graphql'],
        preset: 'client',
        documentTransforms: [operationCheck],
        presetConfig: { fragmentMasking: false, persistedDocuments: { hashAlgorithm: 'sha256' } },
        config: {
          documentMode: 'string',
          useTypeImports: true,
          enumsAsTypes: true,
          emitLegacyCommonJSImports: false,
          scalars: { Date: 'string', DateTime: 'string', Decimal: 'string' },
          defaultScalarType: 'string',
        },
      },
    },
  };
}

const operations = `query KunmingCooperatives($first: Int!) {
  agriculture {
    cooperatives(first: $first, orderBy: [{ field: registeredCapital, direction: DESC }]) {
      totalCount
      nodes { creditCode name crop registeredCapital establishedOn }
    }
  }
}
`;

const program = `import { KunmingCooperativesDocument, type TypedDocumentString } from './gql/graphql.js';

async function execute<TData, TVariables>(document: TypedDocumentString<TData, TVariables>, variables: TVariables) {
  const response = await fetch(\`\${process.env.GOVGRAPH_URL}/graphql\`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: \`Bearer \${process.env.GOVGRAPH_TOKEN}\`,
      'x-purpose': process.env.GOVGRAPH_PURPOSE!,
    },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  return (await response.json()) as { data?: TData | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

const { data, errors } = await execute(KunmingCooperativesDocument, { first: 2 });
const page = data?.agriculture.cooperatives;
const crop: 'COFFEE' | 'TEA' | 'FLOWERS' | 'WALNUT' | 'TRUE' | null | undefined = page?.nodes[0]?.crop;
const capital: string | null | undefined = page?.nodes[0]?.registeredCapital;
console.log(\`\${page?.totalCount} cooperatives; the first: \${page?.nodes[0]?.name} \${crop} \${capital}\`);
for (const error of errors ?? []) console.log(\`\${error.extensions?.code}: \${error.message}\`);
`;

describe('a typed client on another province\'s platform (docs/typed-clients.md)', () => {
  let dir: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  let token: string;
  let served: ServedProcess | undefined;
  const tsc = (args: string[]) => spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), ...args], { cwd: project, encoding: 'utf8' });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'govgraph-other-client-'));
    const data = join(dir, 'data');
    const platformFile = fixture('platform.yaml');
    const platform = loadPlatform(platformFile);
    const secret = await withSqliteStore(data, async (store) => {
      await importCatalogueFiles(store, platform, [fixture('police.yaml'), fixture('agriculture.yaml')], { publish: true });
      const coops = (await publishedCatalogues(store)).flatMap((c) => c.resources).find((r) => r.code === '530000-NYNCT-001')!;
      await importRecords(store, coops, fixture('coops.jsonl'));
      return storedSecret(store);
    });
    token = await signToken(secret, { dept, user: 'wuhua-developer', roles: ['applicant'], ttl: '1h' });
    env = cliEnv({ GOVGRAPH_LOG_LEVEL: 'silent' });
    // The client project, outside the govgraph folder, with its own operations and TypeScript settings.
    project = join(dir, 'department-client');
    mkdirSync(join(project, 'src', 'operations'), { recursive: true });
    symlinkSync(join(root, 'node_modules'), join(project, 'node_modules'), 'dir');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'department-client', private: true, type: 'module' }));
    writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, skipLibCheck: true, outDir: 'out', types: ['node'] },
      include: ['src'],
    }));
    writeFileSync(join(project, 'src', 'operations', 'cooperatives.graphql'), operations);
    writeFileSync(join(project, 'src', 'main.ts'), program);
    // Step 2: the department's view, printed by the govgraph command on the platform's file and store.
    const printed = await runGovgraph(['schema', 'print', '--dept', dept, '--platform', platformFile, '--data', data], { env });
    expect(printed.code, printed.stderr).toBe(0);
    writeFileSync(join(project, 'department.graphql'), printed.stdout);
    served = await spawnServe(['--platform', platformFile, '--data', data], env);
  }, 120_000);

  afterAll(async () => {
    if (served) {
      served.child.kill('SIGKILL');
      await served.exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('schema print --dept, codegen, tsc and the compiled program against a real serve', { timeout: 120_000 }, async () => {
    const sdl = readFileSync(join(project, 'department.graphql'), 'utf8');
    expect(sdl).toContain('type Cooperative {');
    expect(sdl).not.toMatch(/^\s+email: /m); // offered for download only: not in the department's view

    const outputs = await generate(clientConfig(project, 'department.graphql'), false);
    for (const o of outputs) {
      mkdirSync(dirname(join(project, o.filename)), { recursive: true });
      writeFileSync(join(project, o.filename), o.content);
    }
    const generated = readFileSync(join(project, 'src/gql/graphql.ts'), 'utf8');
    expect(generated).toContain('export const KunmingCooperativesDocument');
    expect(generated).toMatch(/export type KunmingCooperativesQueryVariables = Exact<\{\s+first: number;\s+\}>;/);

    const compiled = tsc(['-p', 'tsconfig.json']);
    expect(compiled.status, compiled.stdout + compiled.stderr).toBe(0);

    const run = spawnSync(process.execPath, [join(project, 'out', 'main.js')], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, GOVGRAPH_URL: `http://127.0.0.1:${served!.port}`, GOVGRAPH_TOKEN: token, GOVGRAPH_PURPOSE: purpose },
    });
    expect(run.status, run.stderr).toBe(0);
    const records = readFileSync(fixture('coops.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { name: string; crop: string; registeredCapital: string });
    const richest = [...records].sort((a, b) => Number(b.registeredCapital) - Number(a.registeredCapital))[0]!;
    expect(run.stdout).toBe(`${records.length} cooperatives; the first: ${richest.name} ${richest.crop.toUpperCase()} ${richest.registeredCapital}\n`);
  });

  test('tsc refuses a program that misreads a generated type', { timeout: 60_000 }, () => {
    writeFileSync(join(project, 'src', 'wrong.ts'),
      "import type { KunmingCooperativesQuery } from './gql/graphql.js';\n" +
      "export const capital = (q: KunmingCooperativesQuery): number | null | undefined => q.agriculture.cooperatives?.nodes[0]?.registeredCapital;\n");
    try {
      const compiled = tsc(['-p', 'tsconfig.json', '--noEmit']);
      expect(compiled.status).not.toBe(0);
      expect(compiled.stdout).toMatch(/src\/wrong\.ts\(2,\d+\): error TS2322: Type 'string/);
    } finally {
      rmSync(join(project, 'src', 'wrong.ts'));
    }
  });

  test('an operation selecting an item the department can never read fails codegen, naming the operation', { timeout: 60_000 }, async () => {
    writeFileSync(join(project, 'src', 'operations', 'emails.graphql'), 'query CooperativeEmails { agriculture { cooperatives(first: 1) { nodes { email } } } }\n');
    try {
      const failure = await generate(clientConfig(project, 'department.graphql'), false).then(() => null, (err: unknown) => err as Error);
      expect(failure).not.toBeNull();
      expect(String(failure!.message)).toContain('Operation CooperativeEmails (');
      expect(String(failure!.message)).toContain('Cannot query field "email" on type "Cooperative".');
      expect(String(failure!.message)).not.toContain('KunmingCooperatives (');
    } finally {
      rmSync(join(project, 'src', 'operations', 'emails.graphql'));
    }
  });
});
