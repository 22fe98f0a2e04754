// Answering a demand (SPEC §14): the asked department's approver promises a resource code it will newly
// publish (WILL_CATALOGUE) or declines on a basis (CANNOT_SHARE).
import { codeKey, codeSpaceOwner } from '../../catalogue/codes.ts';
import { codeSpans, spanDuring } from '../../catalogue/code-history.ts';
import { catalogueVersions, publishedCatalogues } from '../../catalogue/repository/versions.ts';
import type { Catalogue } from '../../model/catalogue.ts';
import { and, eq, type Store } from '../../store/port.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { requireDepartment, requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { concerning, perform } from '../audit.ts';
import { badInput, conflict, listProblems, notFound, type CodedProblem } from '../errors.ts';
import { DEMANDS, type Demand, type DemandDecision, getDemand, statusName, toRow } from './rows.ts';

interface DemandAnswer {
  id: string;
  decision: DemandDecision;
  basis?: string | null;
  /** WILL_CATALOGUE: the resource code to be published. */
  resource?: string | null;
}

const RESOURCE_CODE = /^[0-9]{6}-[A-Za-z0-9]+-[0-9A-Za-z]+$/;

/** Where a code was published, compared as codes are (lower case): the code as spelt there, and whose it is. */
interface Publication {
  code: string;
  catalogue: string;
  provider: string;
}

/** The resource in effect with this code, if any. */
function inEffect(catalogues: readonly Catalogue[], code: string): Publication | null {
  for (const c of catalogues) {
    for (const r of c.resources) if (codeKey(r.code) === codeKey(code)) return { code: r.code, catalogue: c.id, provider: r.provider };
  }
  return null;
}

/** The first publication of a code, in effect or not: a code once published is its provider's for good. */
async function firstPublished(store: Store, code: string): Promise<Publication | null> {
  for (const v of await catalogueVersions(store).everPublished()) {
    const r = v.catalogue.resources.find((x) => codeKey(x.code) === codeKey(code));
    if (r) return { code: r.code, catalogue: v.id, provider: r.provider };
  }
  return null;
}

/** Why `resource` (a code) cannot be promised by the asked department of `d`, with the code as published and whose it is; null when it may be. */
async function promiseProblem(env: WorkflowEnv, d: Demand, resource: string): Promise<{ code: string; owner: string; message: string } | null> {
  const published = inEffect(await publishedCatalogues(env.store), resource);
  if (published) {
    return {
      code: published.code, owner: published.provider,
      message: `${resource} is already published (catalogue ${published.catalogue}, provided by ${published.provider}); promise the code of a resource your department will newly publish`,
    };
  }
  const first = await firstPublished(env.store, resource);
  if (first?.provider === d.provider) {
    // The asked department's code offered since the demand was filed, withdrawn since: publishing it again
    // offers what the platform offered when the demand was made, which keeps no promise (as a code in effect).
    const offered = spanDuring(await codeSpans(env.store, resource), d.requestedAt);
    if (!offered) return null;
    return {
      code: first.code, owner: d.provider,
      message: `${resource} was in effect after demand ${d.id} was filed (catalogue ${offered.id} v${offered.version}${offered.to ? `, until ${offered.to}` : ''}): publishing it again offers what was offered then, which keeps no promise; promise the code of a resource your department will newly publish`,
    };
  }
  if (first) {
    return {
      code: first.code, owner: first.provider,
      message: `${resource} was published as ${first.code} of ${first.provider} (catalogue ${first.catalogue}) and stays its code; promise a code your department may publish`,
    };
  }
  // Never published, in another department's code space: only that department may publish it
  // (src/catalogue/codes.ts), so the asked department could never keep the promise.
  const space = codeSpaceOwner(env.platform, resource);
  if (!space || space.code === d.provider) return null;
  return {
    code: resource, owner: space.code,
    message: `${resource} is in the code space of ${space.code}, which alone may publish it; promise a code your department may publish (e.g. ${d.provider}-${resource.slice(space.code.length + 1)})`,
  };
}

/**
 * The asked department's approver answers an OPEN demand; a promise names a resource code not in effect
 * (a demand is for data no catalogue offers, and a code already published could only be "fulfilled" by
 * republishing what was there before), and not another department's (once published, a code is its
 * provider's for good, so the asked department could never publish it). Codes are compared as codes are
 * (lower case): 430000-ga-00001 is the household register's code.
 */
export async function answerDemand(env: WorkflowEnv, actor: Actor, input: DemandAnswer): Promise<Demand> {
  return perform(env, actor, 'answerDemand', input, async (about, addressTo) => {
    const d = await getDemand(env.store, input.id);
    // Another department's answer, refused, is an attempt on the asked department's demand: it sees it.
    if (d) addressTo(d.provider);
    // Who answers, and whether the demand is still open, before the code promised is looked at: a refusal
    // for those names no resource (found: another department's approver, or a second answer, promising
    // 330000-WJW-009 wrote a refusal the Health Commission read among the attempts on its code space,
    // though nothing was refused about the code).
    requireRole(actor, 'approver', 'answer demands');
    if (!d) throw notFound(`No demand ${input.id}.`);
    requireDepartment(actor, d.provider, `answer demands to ${d.provider}`);
    if (d.status !== 'open') throw conflict(`Demand ${d.id} was already answered (${statusName(d.status)}) by ${d.answeredBy} on ${d.answeredAt}.`);
    const basis = (input.basis != null && visibleTrim(input.basis)) || null;
    const resource = input.resource?.trim() || null;
    const problems: CodedProblem[] = [];
    if (input.decision === 'cannot-share' && !basis) problems.push({ path: 'basis', message: 'is required to decline: name the law or policy that stops the sharing' });
    if (input.decision === 'will-catalogue') {
      if (!resource) problems.push({ path: 'resource', message: 'is required: the code of the resource your department will publish' });
      else if (!RESOURCE_CODE.test(resource)) {
        problems.push({ path: 'resource', message: `${resource} is not a resource code (e.g. ${d.provider}-00001)` });
      } else {
        const refused = await promiseProblem(env, d, resource);
        if (refused) {
          // A refusal about the code names it, as published, so that its provider (of a code never
          // published, the department in whose code space it lies) sees the attempt. What it tells the
          // answering department is what every department reads: the platform's departments and the
          // versions ever published (listCatalogues), never another department's drafts.
          about(concerning(refused.code, refused.owner));
          problems.push({ path: 'resource', message: refused.message });
        }
      }
    }
    if (problems.length) throw badInput(listProblems('The answer is refused:', problems), problems);
    const answered: Demand = {
      ...d, status: input.decision, answeredBy: actor.user, answeredAt: env.now.toISOString(), basis,
      resource: input.decision === 'will-catalogue' ? resource : null,
    };
    return {
      detail: `demand ${d.id} ${input.decision}${answered.resource ? ` as ${answered.resource}` : ''}${basis ? `: ${basis}` : ''}`,
      resources: answered.resource ? [concerning(answered.resource, d.provider)] : [],
      addressedTo: d.provider,
      apply: async () => {
        const { status, answeredBy, answeredAt, basis: b, resource: r } = toRow(answered);
        const n = await env.store.update(DEMANDS, and(eq('id', d.id), eq('status', 'open')), { status, answeredBy, answeredAt, basis: b, resource: r });
        if (n === 0) throw conflict(`Demand ${d.id} was answered meanwhile.`);
        return answered;
      },
    };
  });
}
