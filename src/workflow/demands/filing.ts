// Filing a demand (SPEC §14): an applicant asks another department for data no catalogue offers.
import { randomUUID } from 'node:crypto';
import { departmentByCode, listedDepartmentCode } from '../../model/platform.ts';
import { visibleTrim } from '../../model/input-bounds.ts';
import { requireRole, type Actor, type WorkflowEnv } from '../actor.ts';
import { perform } from '../audit.ts';
import { badInput, listProblems, type CodedProblem } from '../errors.ts';
import { DEMANDS, type Demand, ensureIndexes, toRow } from './rows.ts';

interface DemandInput {
  title: string;
  description: string;
  items: string[];
  purposes: string[];
  provider: string;
}

/** An applicant asks a department for data no catalogue offers. */
export async function requestData(env: WorkflowEnv, actor: Actor, input: DemandInput): Promise<Demand> {
  return perform(env, actor, 'requestData', input, async (_about, addressTo) => {
    requireRole(actor, 'applicant', 'file demands for data');
    const problems: CodedProblem[] = [];
    const title = visibleTrim(input.title);
    const description = visibleTrim(input.description);
    const items = [...new Set(input.items.map(visibleTrim).filter(Boolean))];
    // Trimmed as its items are, and as the x-purpose header and requestSharing take a purpose code.
    const purposes = [...new Set(input.purposes.map((p) => p.trim()).filter(Boolean))];
    if (!title) problems.push({ path: 'title', message: 'is empty; say in a few words what data is needed' });
    if (!description) problems.push({ path: 'description', message: 'is empty; say what the data is needed for' });
    if (!items.length) problems.push({ path: 'items', message: 'name at least one data item wanted' });
    const known = new Set(env.platform.purposes.map((p) => p.code));
    purposes.forEach((p, i) => {
      if (!known.has(p)) problems.push({ path: `purposes[${i}]`, message: `${p} is not a purpose of this platform (${[...known].join(', ')})` });
    });
    if (!purposes.length) problems.push({ path: 'purposes', message: 'name at least one purpose' });
    // The asked department is named, not acting: found in any case and with blanks around it, as a
    // department code in a filter is, and kept as the platform lists it (it answers under that code).
    const provider = departmentByCode(env.platform, listedDepartmentCode(env.platform, input.provider));
    if (!provider) problems.push({ path: 'provider', message: `${input.provider} is not a department of this platform` });
    else if (provider.code === actor.dept.code) problems.push({ path: 'provider', message: 'is your own department; a demand asks another department' });
    // The entry names no resource (none exists yet): it is addressed to the asked department, which reads it
    // (and a refused one: the attempt) as it reads the entries about its resources (SPEC §10).
    else addressTo(provider.code);
    if (problems.length) throw badInput(listProblems('The demand is refused:', problems), problems);
    await ensureIndexes(env.store);
    const demand: Demand = {
      id: randomUUID(), title, description, items, purposes, provider: provider!.code, requester: actor.dept.code,
      requestedBy: actor.user, requestedAt: env.now.toISOString(), status: 'open',
      answeredBy: null, answeredAt: null, basis: null, resource: null, fulfilledAt: null, fulfilledBy: null,
    };
    return {
      detail: `demand ${demand.id} to ${demand.provider}: ${title} (${items.join(', ')}) for ${purposes.join(', ')}`,
      resources: [],
      addressedTo: demand.provider,
      apply: async () => {
        await env.store.insert(DEMANDS, [toRow(demand)]);
        return demand;
      },
    };
  });
}
