// Asking (SPEC §9): an applicant asks the provider of a conditional resource for a grant. Whether a
// request can be made at all is asked of the access decision and the grant checks, not restated: a
// hypothetical grant covering everything requested must pass `grantProblems`, and with it every requested
// item must be readable for every requested purpose (`decide`).
import { randomUUID } from 'node:crypto';
import { decide, HARD_NO } from '../../access/decide.ts';
import { effectiveItems, needsGrants } from '../../access/effective-share.ts';
import { grantProblems } from '../../access/grant-problems.ts';
import type { Grant } from '../../access/grant-model.ts';
import { publishedCatalogues } from '../../catalogue/repository/versions.ts';
import type { Catalogue, Resource } from '../../model/catalogue.ts';
import type { Department } from '../../model/platform.ts';
import { and, DuplicateKeyError, eq } from '../../store/port.ts';
import { requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { concerning, perform } from '../audit.ts';
import { WorkflowError, badInput, conflict, listProblems, notFound, type CodedProblem, type WorkflowCode } from '../errors.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { ensureIndexes, names, releaseDecidedKeys, SHARING_REQUESTS, toRow, type SharingRequest } from './requests.ts';
import { findResource } from './providers.ts';
import { noPublishedResource } from '../../access/connected-codes.ts';

export interface SharingRequestInput {
  resource: string;
  items: string[];
  purposes: string[];
  justification: string;
  until?: string | null;
}

/** The access codes a refusal may carry, in the order of the access table; the first present wins. */
const ACCESS_CODE_ORDER: readonly WorkflowCode[] = ['NOT_SHARED', 'METHOD_NOT_API', 'OUT_OF_SCOPE', 'PURPOSE_OUT_OF_SCOPE'];

/** Every reason the request cannot be made, as problems (path = input field). */
export function requestProblems(
  requester: Department,
  resource: Resource,
  input: SharingRequestInput,
  catalogues: readonly Catalogue[],
  env: WorkflowEnv,
): CodedProblem[] {
  const problems: CodedProblem[] = [];
  // Row 1 of the access table, asked of it rather than restated: a resource shared with no one.
  const whole = decide({ requester, purpose: null, resource, item: null, grants: [], now: env.now });
  if (!whole.allowed && whole.code === 'NOT_SHARED') {
    return [{ path: 'resource', code: 'NOT_SHARED', message: `${resource.code} (${resource.name}) is not shared; no request can open it.` }];
  }
  if (!needsGrants(resource)) {
    return [{ path: 'resource', message: `${resource.code} (${resource.name}) is shared unconditionally: no request is needed, read it within its scope of use.` }];
  }
  // The grant the request asks for must be one the platform could make...
  const hypothetical = {
    requester: requester.code, resource: resource.code, items: input.items, purposes: input.purposes,
    until: input.until ?? null, createdBy: 'request',
  };
  // A problem about the requester or a purpose carries the code of the access row that refuses it.
  const purposeAt = (path: string) => {
    const m = /^purposes\[(\d+)\]$/.exec(path);
    return m ? input.purposes[Number(m[1])] : (input.purposes[0] ?? null);
  };
  // A code the platform does not list is bad input, as in the x-purpose header and a demand, not a
  // purpose outside the resource's scope (which it would be for any resource that lists purposes).
  const vocabulary = new Set(env.platform.purposes.map((x) => x.code));
  // An item that its own share settings close to the requester (`none`, no api, a narrower scope) carries
  // that row's code too, as the items' checks below would give it.
  const items = effectiveItems(resource);
  const itemAt = (path: string) => {
    const m = /^items\[(\d+)\]$/.exec(path);
    return m ? items.get(input.items[Number(m[1])]!) ?? null : null;
  };
  for (const p of grantProblems({ platform: env.platform, catalogues }, hypothetical, env.now)) {
    const purpose = p.path.startsWith('purposes[') ? purposeAt(p.path) : null;
    const item = itemAt(p.path);
    const about = p.path === 'requester' || (purpose != null && vocabulary.has(purpose)) || item !== null;
    const d = about ? decide({ requester, purpose: purposeAt(p.path), resource, item, grants: [], now: env.now }) : null;
    // On an item, only the rows a grant cannot lift: those are what grantProblems refused it for.
    const coded = d && !d.allowed && ACCESS_CODE_ORDER.includes(d.code as WorkflowCode) && (item === null || HARD_NO.has(d.code));
    problems.push(coded ? { ...p, code: d.code } : p);
  }
  if (problems.length) return problems;
  // ...and with it, every item must be readable for every purpose: what is left to deny is the items'
  // own share settings (a tighter scope, a method, `none`).
  const grant: Grant = {
    id: 'hypothetical', ...hypothetical, unmasked: [], from: env.now.toISOString(), until: null,
    revokedAt: null, revokedBy: null, createdAt: env.now.toISOString(), requestId: null,
  };
  input.items.forEach((name, i) => {
    const item = items.get(name)!;
    for (const purpose of input.purposes) {
      const d = decide({ requester, purpose, resource, item, grants: [grant], now: env.now });
      if (!d.allowed) problems.push({ path: `items[${i}]`, code: d.code, message: d.message });
    }
  });
  return problems;
}

function refusal(problems: CodedProblem[]): WorkflowError {
  const code = ACCESS_CODE_ORDER.find((c) => problems.some((p) => p.code === c)) ?? 'BAD_USER_INPUT';
  return new WorkflowError(code, listProblems('The sharing request is refused:', problems), problems);
}

/** An applicant asks the provider of a conditional resource for a grant; refused at once with the reason. */
export async function requestSharing(env: WorkflowEnv, actor: Actor, input: SharingRequestInput): Promise<SharingRequest> {
  return perform(env, actor, 'requestSharing', input, async (about) => {
    const catalogues = await publishedCatalogues(env.store);
    const resource = findResource(catalogues, input.resource);
    if (resource) about(concerning(resource.code, resource.provider)); // a refusal's provider sees it
    requireRole(actor, 'applicant', 'request sharing');
    if (!resource) throw notFound(noPublishedResource(env.platform, input.resource, 'sharing'));
    if (resource.provider === actor.dept.code) throw badInput(`${actor.dept.code} provides ${resource.code} itself; it needs no grant.`);
    // Names and codes trimmed, blanks dropped, as the grant checks take them and `grant add` stores them:
    // ' aid-review' was refused as outside the scope of use, and ' area' stored as requested.
    const items = names(input.items);
    const purposes = names(input.purposes);
    const justification = visibleTrim(input.justification);
    const clean = { ...input, items, purposes, justification };
    const problems = requestProblems(actor.dept, resource, clean, catalogues, env);
    if (!justification) problems.push({ path: 'justification', message: 'Say why the data is needed: give a justification.' });
    if (problems.length) throw refusal(problems);
    await ensureIndexes(env.store);
    const open = await env.store.find(SHARING_REQUESTS, {
      filter: and(eq('requester', actor.dept.code), eq('resource', resource.code), eq('status', 'pending')),
      limit: 1,
    });
    if (open.length) throw conflict(`${actor.dept.code} already has a pending request ${String(open[0].id)} for ${resource.code}; wait for its decision.`);
    const request: SharingRequest = {
      id: randomUUID(),
      requester: actor.dept.code,
      resource: resource.code,
      provider: resource.provider,
      items,
      purposes,
      justification,
      until: input.until ?? null,
      status: 'pending',
      requestedBy: actor.user,
      requestedAt: env.now.toISOString(),
      decidedBy: null,
      decidedAt: null,
      reason: null,
      grantId: null,
    };
    return {
      detail: `sharing request ${request.id} for ${resource.code} (${items.join(', ')}) for ${purposes.join(', ')}`,
      resources: [concerning(resource.code, resource.provider, items)],
      apply: async () => {
        const row = toRow(request);
        try {
          await env.store.insert(SHARING_REQUESTS, [row]);
        } catch (err) {
          // Another instance inserted one meanwhile: the unique openKey settles it. Unless only requests an
          // older writer decided hold the key: freed, and the insert tried once more.
          if (!(err instanceof DuplicateKeyError)) throw err;
          if ((await releaseDecidedKeys(env.store, String(row.openKey))) === 0) throw conflict(`${actor.dept.code} already has a pending request for ${resource.code}; wait for its decision.`);
          try {
            await env.store.insert(SHARING_REQUESTS, [row]);
          } catch (again) {
            if (again instanceof DuplicateKeyError) throw conflict(`${actor.dept.code} already has a pending request for ${resource.code}; wait for its decision.`);
            throw again;
          }
        }
        return request;
      },
    };
  });
}
