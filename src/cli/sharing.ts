// `govgraph request list|decide` and `govgraph usage` (SPEC §9, §15): conditional sharing and the figures
// of use from the command line, thin callers of the workflow functions the GraphQL fields call
// (listSharingRequests, decideSharingRequest, usageReport), acting as src/cli/acting.ts says.
import type { Command } from 'commander';
import { publishedCatalogues } from '../catalogue/repository/versions.ts';
import type { RequestStatus, SharingSide } from '../workflow/sharing.ts';
import {
  actorFor, lateNote, minute, refusedAsUserError, statusOption, table, upper, viewerFor, withActingOptions, type ActingOptions,
} from './acting.ts';
import { resourceFilter } from './filters.ts';
import { UserError, withCommonOptions, type CommonOptions } from './options.ts';
import { shownNames } from '../model/input-bounds.ts';
import { withWorkflowEnv } from './quality.ts';
import { commaList } from './token.ts';


const REQUEST_STATUSES: readonly RequestStatus[] = ['pending', 'approved', 'rejected'];
const SIDES: readonly SharingSide[] = ['requester', 'provider'];

interface RequestListOptions extends CommonOptions {
  dept?: string;
  side?: string;
  status?: string;
  overdue?: boolean;
  resource?: string;
}

interface DecideOptions extends CommonOptions, ActingOptions {
  approve?: boolean;
  reject?: boolean;
  items?: string;
  until?: string;
  unmasked?: string;
  rows?: string;
  reason?: string;
}

interface UsageOptions extends CommonOptions {
  from: string;
  to: string;
  resource?: string;
  dept?: string;
}

/** A real calendar day written YYYY-MM-DD, or a one-line refusal naming the option. */
function day(value: string, option: string): string {
  const d = new Date(`${value}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) {
    throw new UserError(`${option} ${JSON.stringify(value)}: write a date as YYYY-MM-DD`);
  }
  return value;
}

export function registerSharingCommands(program: Command): void {
  const request = program.command('request').description('requests for conditional sharing (docs/workflow.md)');

  withCommonOptions(
    request
      .command('list')
      .description('list sharing requests as a table, oldest first: status, due date, requester, resource, items, purposes')
      .option('--dept <code>', 'as this department sees them: those it made and those for its resources (default: all, as the competent department\'s supervisors)')
      .option('--side <side>', 'with --dept: only those it made (REQUESTER) or those it decides (PROVIDER)')
      .option('--status <status>', 'PENDING, APPROVED or REJECTED')
      .option('--overdue', 'only those still PENDING after their due date')
      .option('--resource <code>', 'only those for this resource'),
  ).action((opts: RequestListOptions) =>
    withWorkflowEnv(opts, async (env) => {
      const { listSharingRequests, requestDeadline } = await import('../workflow/sharing.ts');
      const viewer = viewerFor(env, opts.dept);
      let side: SharingSide | undefined;
      if (opts.side !== undefined) {
        side = opts.side.toLowerCase() as SharingSide;
        if (!SIDES.includes(side)) throw new UserError(`--side ${opts.side}: use REQUESTER or PROVIDER`);
        if (opts.dept === undefined) throw new UserError('--side needs --dept: the side is that department\'s');
      }
      const list = await listSharingRequests(env, viewer, {
        side,
        status: statusOption(opts.status, REQUEST_STATUSES),
        overdue: opts.overdue ? true : undefined,
        // A resource never published is refused, not answered with no requests (filters.ts).
        resource: opts.resource === undefined ? undefined : await resourceFilter(env.store, opts.resource),
      });
      const rows = list.map((r) => {
        const d = requestDeadline(env, r);
        return [
          r.id,
          upper(r.status),
          // The due date is a day of the platform's calendar (Asia/Shanghai); the decision an instant, said in UTC,
          // and late when its platform day is after the due date (lateNote).
          r.status === 'pending' ? `${d.dueDate}${d.overdue ? ' OVERDUE' : ''}` : `${minute(r.decidedAt)} UTC${lateNote(d)}`,
          r.requester,
          r.resource,
          shownNames(r.items).join(','),
          shownNames(r.purposes).join(','),
          r.until ?? '',
          r.grantId ?? r.reason ?? '',
        ];
      });
      if (rows.length) console.log(table(['REQUEST', 'STATUS', 'DUE / DECIDED', 'REQUESTER', 'RESOURCE', 'ITEMS', 'PURPOSES', 'UNTIL', 'GRANT / REASON'], rows));
      console.error(`${list.length} request${list.length === 1 ? '' : 's'}, as ${viewer.dept} sees them`);
    }, { appendsAudit: false }),
  );

  withActingOptions(
    withCommonOptions(
      request
        .command('decide')
        .description('approve (possibly narrowed) or reject a pending request, as an approver of the providing department')
        .argument('<id>', 'request id (see `govgraph request list`)')
        .option('--approve', 'approve: a grant is made')
        .option('--reject', 'reject (give --reason)')
        .option('--items <a,b>', 'approve only these of the items requested')
        .option('--until <date>', 'end the grant on this day, YYYY-MM-DD, no later than requested')
        .option('--unmasked <a,b>', 'items read unmasked, among those granted')
        .option('--rows <codes>', 'division codes narrowing the resource\'s row scope')
        .option('--reason <text>', 'why (needed to reject)'),
    ),
    'approver',
    { help: 'the providing department', required: true },
  ).action((id: string, opts: DecideOptions) =>
    withWorkflowEnv(opts, async (env) => {
      if (Boolean(opts.approve) === Boolean(opts.reject)) throw new UserError('say --approve or --reject (one of them)');
      const until = opts.until === undefined ? undefined : day(opts.until, '--until');
      const { decideSharingRequest } = await import('../workflow/sharing.ts');
      const actor = actorFor(env, opts, 'approver');
      const r = await refusedAsUserError(() =>
        decideSharingRequest(env, actor, {
          id,
          decision: opts.approve ? 'approve' : 'reject',
          items: opts.items === undefined ? null : commaList(opts.items),
          until,
          unmasked: opts.unmasked === undefined ? null : commaList(opts.unmasked),
          rows: opts.rows === undefined ? null : commaList(opts.rows),
          reason: opts.reason ?? null,
        }),
      );
      if (r.status === 'approved') {
        const { getGrant } = await import('../access/grants/listing.ts');
        const { describeGrant } = await import('./grant.ts');
        const g = r.grantId ? await getGrant(env.store, r.grantId) : null;
        console.log(`request ${r.id} approved by ${r.decidedBy} of ${actor.dept.code}${g ? `; grant ${g.id}: ${describeGrant(g)}` : ''}`);
      } else {
        console.log(`request ${r.id} rejected by ${r.decidedBy} of ${actor.dept.code}: ${r.reason}`);
      }
    }),
  );

  withCommonOptions(
    program
      .command('usage')
      .description('figures of use from the audit log, as a table: per resource and requesting department and purpose, requests, records and denials')
      .requiredOption('--from <date>', 'first day, YYYY-MM-DD (platform calendar)')
      .requiredOption('--to <date>', 'last day, YYYY-MM-DD, inclusive')
      .option('--resource <code>', 'only this resource')
      .option('--dept <code>', 'as this department sees them: the resources it provides (default: all, as the competent department\'s supervisors)'),
  ).action((opts: UsageOptions) =>
    withWorkflowEnv(opts, async (env) => {
      const from = day(opts.from, '--from');
      const to = day(opts.to, '--to');
      const { usageReport } = await import('../workflow/usage.ts');
      const { requesterName } = await import('../audit/usage.ts');
      const viewer = viewerFor(env, opts.dept);
      const published = await publishedCatalogues(env.store);
      // A code in another case is the resource's, as the audit log writes it (as published); a code never
      // published is refused (filters.ts).
      const resource = opts.resource === undefined ? null : await resourceFilter(env.store, opts.resource, published);
      const report = await refusedAsUserError(() => usageReport(env.store, env.platform, viewer, { from, to, resource }, published));
      const rows: string[][] = [];
      for (const r of report.resources) {
        rows.push([r.resource, r.provider, '', '', String(r.requests), String(r.records), String(r.denied)]);
        for (const q of r.byRequester) rows.push(['', '', requesterName(q), q.purpose ?? '(none)', String(q.requests), String(q.records), String(q.denied)]);
      }
      if (rows.length) console.log(table(['RESOURCE', 'PROVIDER', 'REQUESTER', 'PURPOSE', 'REQUESTS', 'RECORDS', 'DENIED'], rows));
      if (report.maskedProbes.length) {
        console.log('');
        console.log(table(
          ['DAY', 'DEPARTMENT', 'RESOURCE', 'MASKED VALUES COMPARED', 'REFUSED'],
          report.maskedProbes.map((p) => [p.day, requesterName(p), p.resource, String(p.values), String(p.refused)]),
        ));
      }
      console.error(`usage ${report.from} to ${report.to}: ${report.resources.length} resource${report.resources.length === 1 ? '' : 's'} read, as ${viewer.dept} sees them`);
    }, { appendsAudit: false }),
  );
}
