// A department's typed client of the platform: the operations in this folder (*.graphql), typed by
// graphql-codegen's client preset into ./gql/ (`npm run codegen`), sent with plain `fetch`.
//
//   GOVGRAPH_URL=http://127.0.0.1:4000 GOVGRAPH_TOKEN=... GOVGRAPH_PURPOSE=social-assistance \
//     npx tsx examples/client/main.ts
//
// The token comes from `govgraph token --dept CODE` (or the one `npm start` prints); the purpose is one of
// the platform's purpose codes in the scope of the resources read.
import { pathToFileURL } from 'node:url';
import {
  EnterpriseByCreditCodeDocument,
  OpenEndedWorkersDocument,
  type TypedDocumentString,
} from './gql/graphql.ts';

export interface ClientConfig {
  /** Origin of the gateway; GraphQL is at /graphql. */
  url: string;
  token: string;
  purpose: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ClientConfig {
  const token = env.GOVGRAPH_TOKEN;
  const purpose = env.GOVGRAPH_PURPOSE;
  if (!token) throw new Error('Set GOVGRAPH_TOKEN to a token from `govgraph token --dept CODE`.');
  if (!purpose) throw new Error('Set GOVGRAPH_PURPOSE to the purpose of use (e.g. social-assistance).');
  return { url: (env.GOVGRAPH_URL ?? 'http://127.0.0.1:4000').replace(/\/+$/, ''), token, purpose };
}

/** A GraphQL error as the gateway sends it: a code in `extensions.code`, and for denials the resource and item. */
export interface GatewayError {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; resource?: string; item?: string };
}

export interface Result<TData> {
  data: TData | null;
  errors: GatewayError[];
}

async function post(config: ClientConfig, payload: object): Promise<{ response: Response; body: { data?: unknown; errors?: GatewayError[] } }> {
  const url = `${config.url}/graphql`;
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      authorization: `Bearer ${config.token}`,
      'x-purpose': config.purpose,
    },
    body: JSON.stringify(payload),
  }).catch((err: unknown) => {
    // fetch says only "fetch failed"; the reason (refused, unknown host, ...) is its cause.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : String(err);
    throw new Error(`Cannot reach the gateway at ${url} (${cause}): is it running there? GOVGRAPH_URL names it.`, { cause: err });
  });
  return { response, body: (await response.json()) as { data?: unknown; errors?: GatewayError[] } };
}

/**
 * Sends one typed operation; the variables and the data are typed by the document. It sends the
 * document's `documentId` (its hash in gql/persisted-documents.json, which a platform that runs only
 * trusted documents lists in `trustedDocuments.manifests`), and the text only when the gateway does not
 * know the hash (PERSISTED_QUERY_NOT_FOUND).
 */
export async function execute<TData, TVariables>(
  config: ClientConfig,
  document: TypedDocumentString<TData, TVariables>,
  variables: TVariables,
): Promise<Result<TData>> {
  const documentId = (document.__meta__ as { hash?: string } | undefined)?.hash;
  let { response, body } = await post(config, documentId ? { documentId, variables } : { query: document.toString(), variables });
  if (documentId && body.errors?.some((e) => e.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND')) {
    ({ response, body } = await post(config, { query: document.toString(), variables }));
  }
  const errors = body.errors ?? [];
  // An answer without data (a refused token, an unknown purpose) is not something to print records from.
  if (body.data == null) {
    throw new Error(`The gateway answered ${response.status}: ${errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ')}`);
  }
  return { data: body.data as TData, errors };
}

/** One line per denied or failed part of a partial answer (the rest of the answer stands). */
function printErrors(errors: GatewayError[], print: (line: string) => void): void {
  for (const e of errors) print(`  ! ${e.extensions?.code ?? 'ERROR'} at ${(e.path ?? []).join('.')}: ${e.message}`);
}

export async function main(
  config: ClientConfig = configFromEnv(),
  print: (line: string) => void = console.log,
): Promise<void> {
  // A list with a filter and a link: open-ended contracts, each with its employer's registration.
  const workers = await execute(config, OpenEndedWorkersDocument, { first: 3 });
  const page = workers.data?.humanResources.employmentRegistrations;
  print(`Open-ended employment registrations: ${page?.totalCount ?? 0} in all, the first ${page?.nodes.length ?? 0}:`);
  for (const w of page?.nodes ?? []) {
    const employer = w.employer ? `${w.employer.name} (${w.employer.creditCode}, ${w.employer.status})` : 'employer unknown';
    print(`  ${w.registrationNo}  ${w.fullName}  ${w.position ?? '-'}  since ${w.contractStart}  at ${employer}`);
  }
  printErrors(workers.errors, print);

  // A lookup by key: the first worker's employer, read directly from the Administration for Market Regulation.
  const creditCode = page?.nodes.find((w) => w.employer?.creditCode)?.employer?.creditCode;
  if (!creditCode) return;
  const enterprise = await execute(config, EnterpriseByCreditCodeDocument, { creditCode });
  const e = enterprise.data?.marketRegulation.enterpriseRegistration;
  print(`Enterprise ${creditCode}:`);
  if (e) {
    print(`  ${e.name}, ${e.enterpriseType}, established ${e.establishedOn}, capital ${e.registeredCapital ?? '-'} (10,000 yuan), ${e.status}`);
  } else {
    print('  not found');
  }
  printErrors(enterprise.errors, print);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
