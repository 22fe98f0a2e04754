// `govgraph objection list [--overdue] [--status S] [--resource CODE]`, `govgraph demand list
// [--overdue] [--status S]` and `govgraph consistency report [--element E]` (SPEC §14, §15): thin callers of the workflow's lists, for the operator, who
// sees what the competent department's supervisors see (everything). One line per entry.
import type { Command } from 'commander';
import type { Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import type { WorkflowEnv } from '../workflow/actor.ts';
import type { Deadline } from '../workflow/deadlines.ts';
import { operatorConsistencyReport, refuseOperatorConsistencyReport } from '../workflow/consistency/report.ts';
import { demandDeadline, type DemandStatus } from '../workflow/demands/rows.ts';
import { listDemands, markKeptPromises } from '../workflow/demands/reading.ts';
import { listObjections, objectionDeadline, type ObjectionStatus } from '../workflow/objections.ts';
import { announce, loadCommandPlatform, openCommandStore, UserError, withCommonOptions, type CommonOptions, type StoreUse } from './options.ts';
import { elementFilter, resourceFilter } from './filters.ts';
import { requireBounded } from '../workflow/bounds.ts';
import { terminalText } from './terminal.ts';
import { lateNote, minute } from './acting.ts';

/** ` answered <UTC minute> UTC[, late (due D)]` once answered, so that an answer after its due date (China time) shows. */
const answered = (at: string | null, d: Deadline): string => (at ? `  answered ${minute(at)} UTC${lateNote(d)}` : '');

interface ListOptions extends CommonOptions {
  overdue?: boolean;
  status?: string;
  resource?: string;
}

/** Runs a workflow command; `use.appendsAudit: false` for one that only reads (options.ts, StoreUse). */
export async function withWorkflowEnv<T>(opts: CommonOptions, work: (env: WorkflowEnv) => Promise<T>, use: Pick<StoreUse, 'appendsAudit'> = {}): Promise<T> {
  const platform: Platform = await loadCommandPlatform(opts.platform);
  announce(opts, { platform: opts.platform, store: true });
  const store: Store = await openCommandStore(opts, { ...use, platform: { platform, file: opts.platform } });
  try {
    // A stored document a list works around (a revision with no due date) is said on stderr, once.
    const said = new Set<string>();
    const warn = (_fields: Record<string, unknown>, message: string) => {
      if (!said.has(message)) console.error(terminalText(`warning: ${message}`));
      said.add(message);
    };
    return await work({ store, platform, now: new Date(), warn });
  } finally {
    await store.close();
  }
}

/** The operator sees what the competent department's supervisors see. */
const operatorView = (env: WorkflowEnv) => ({ dept: env.platform.platform.competentDepartment, roles: ['supervisor'] });

function status<T extends string>(given: string | undefined, allowed: readonly T[]): T | undefined {
  if (given === undefined) return undefined;
  const s = given.toLowerCase().replace(/_/g, '-') as T;
  if (!allowed.includes(s)) throw new UserError(`--status ${given}: use one of ${allowed.map((a) => a.toUpperCase().replace(/-/g, '_')).join(', ')}`);
  return s;
}

const OBJECTION_STATUSES: readonly ObjectionStatus[] = ['open', 'confirmed', 'rejected', 'corrected'];
const DEMAND_STATUSES: readonly DemandStatus[] = ['open', 'will-catalogue', 'cannot-share', 'fulfilled'];
const upper = (s: string) => s.toUpperCase().replace(/-/g, '_');

export function registerQualityCommands(program: Command): void {
  const objection = program.command('objection').description('objections to records');
  withCommonOptions(
    objection
      .command('list')
      .description('list objections, oldest first: status, due date, resource, key, item, raising department')
      .option('--overdue', 'only those still OPEN after their due date')
      .option('--status <status>', 'OPEN, CONFIRMED, REJECTED or CORRECTED')
      .option('--resource <code>', 'only those about this resource'),
  ).action((opts: ListOptions) =>
    withWorkflowEnv(opts, async (env) => {
      const list = await listObjections(env, operatorView(env), {
        status: status(opts.status, OBJECTION_STATUSES),
        // A resource never published is refused, not answered "0 objections" (filters.ts).
        resource: opts.resource === undefined ? undefined : await resourceFilter(env.store, opts.resource),
        overdue: opts.overdue ? true : undefined,
      });
      for (const o of list) {
        const d = objectionDeadline(env, o);
        // Stored text a department typed is printed with its control characters escaped (terminal.ts).
        console.log(terminalText(`${o.id}  ${upper(o.status)}  due ${d.dueDate}${d.overdue ? ' OVERDUE' : ''}${answered(o.answeredAt, d)}  ${o.resource} ${JSON.stringify(o.key)} ${o.item}  by ${o.department}: ${o.reason}`));
      }
      console.error(`${list.length} objection${list.length === 1 ? '' : 's'}`);
    }, { appendsAudit: false }),
  );

  const demand = program.command('demand').description('demands for data no catalogue offers');
  withCommonOptions(
    demand
      .command('list')
      .description('list demands, oldest first: status, due date, requester → provider, title, promised resource')
      .option('--overdue', 'only those still OPEN after their due date')
      .option('--status <status>', 'OPEN, WILL_CATALOGUE, CANNOT_SHARE or FULFILLED'),
  ).action((opts: ListOptions) =>
    withWorkflowEnv(opts, async (env) => {
      await markKeptPromises(env);
      const list = await listDemands(env, operatorView(env), {
        status: status(opts.status, DEMAND_STATUSES),
        overdue: opts.overdue ? true : undefined,
      });
      for (const d of list) {
        const due = demandDeadline(env, d);
        console.log(terminalText(`${d.id}  ${upper(d.status)}  due ${due.dueDate}${due.overdue ? ' OVERDUE' : ''}${answered(d.answeredAt, due)}  ${d.requester} -> ${d.provider}: ${d.title}${d.resource ? `  (${d.resource})` : ''}`));
      }
      console.error(`${list.length} demand${list.length === 1 ? '' : 's'}`);
    }),
  );

  const consistency = program.command('consistency').description('consistency of data between departments (Art. 13 of the Measures)');
  withCommonOptions(
    consistency
      .command('report')
      .description('compare, per pair of resources of different providers, the items carrying one data element, joined on a shared key element')
      .option('--element <code>', 'only this data element (default: every element two providers hold)'),
  ).action((opts: CommonOptions & { element?: string }) =>
    withWorkflowEnv(opts, async (env) => {
      if (opts.element !== undefined) {
        requireBounded('consistencyReport', { element: opts.element }); // the field's bound first, as before
        // An element no published resource carries is refused (filters.ts), and audited as the field's refusal is.
        await elementFilter(env.store, opts.element).catch(async (err: unknown) => {
          if (err instanceof UserError) await refuseOperatorConsistencyReport(env, opts.element!);
          throw err;
        });
      }
      const pairs = await operatorConsistencyReport(env, opts.element);
      for (const p of pairs) {
        console.log(`${p.element}  ${p.left}.${p.leftItem} <> ${p.right}.${p.rightItem}  on ${p.keyElement} (${p.leftKey} = ${p.rightKey}): ${p.compared} compared, ${p.differing ?? 'withheld'} differ${p.caseOnlyKeys ? `; ${p.caseOnlyKeys} key${p.caseOnlyKeys === 1 ? '' : 's'} not joined, matching only in other letter case (x against X)` : ''}`);
        if (p.sampleKeys.length) console.log(`  ${p.sampleKeys.join(' ')}`);
      }
      if (!pairs.length) console.error(`no pair of resources of different providers holds ${opts.element ?? 'a common data element'} with a shared key element`);
    }),
  );
}
