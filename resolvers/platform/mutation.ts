// The platform's Mutation fields: each hands its input to the workflow (src/workflow/), which checks roles and
// ownership and writes the audit entries.
import { publishCatalogue, reviewCatalogue, submitCatalogue, withdrawCatalogue } from '../../src/workflow/catalogues.ts';
import { decideSharingRequest, requestSharing, revokeGrant } from '../../src/workflow/sharing.ts';
import { answerObjection, raiseObjection } from '../../src/workflow/objections.ts';
import { grantsInForceAmong } from '../../src/access/item-since/in-force.ts';
import { answerDemand } from '../../src/workflow/demands/answering.ts';
import { requestData } from '../../src/workflow/demands/filing.ts';
import { actorOf, envOf, translated } from './context.ts';
import type { Resolvers } from './types.generated.ts';
import { readingAfresh } from './reads.ts';

export const mutationFields: Pick<Resolvers, 'Mutation'> = {
  Mutation: readingAfresh<NonNullable<Resolvers['Mutation']>>({
    submitCatalogue: (_p, args, ctx, info) => translated(() => submitCatalogue(envOf(ctx), actorOf(ctx, info), args.document)),
    reviewCatalogue: (_p, args, ctx, info) =>
      translated(() => reviewCatalogue(envOf(ctx), actorOf(ctx, info), { id: args.id, version: args.version, decision: args.decision, comment: args.comment })),
    publishCatalogue: (_p, args, ctx, info) =>
      translated(() => publishCatalogue(envOf(ctx), actorOf(ctx, info), { id: args.id, version: args.version }, ctx.schema)),
    withdrawCatalogue: (_p, args, ctx, info) =>
      translated(() => withdrawCatalogue(envOf(ctx), actorOf(ctx, info), { id: args.id, reason: args.reason }, ctx.schema)),
    requestSharing: (_p, { input }, ctx, info) =>
      translated(() =>
        requestSharing(envOf(ctx), actorOf(ctx, info), {
          resource: input.resource,
          items: input.items,
          purposes: input.purposes,
          justification: input.justification,
          until: input.until,
        }),
      ),
    decideSharingRequest: (_p, { input }, ctx, info) =>
      translated(() =>
        decideSharingRequest(envOf(ctx), actorOf(ctx, info), {
          id: input.id,
          decision: input.decision,
          items: input.items,
          until: input.until,
          unmasked: input.unmasked,
          rows: input.rows,
          reason: input.reason,
        }),
      ),
    revokeGrant: (_p, args, ctx, info) => translated(() => revokeGrant(envOf(ctx), actorOf(ctx, info), { id: args.id, reason: args.reason })),
    raiseObjection: (_p, { input }, ctx, info) =>
      translated(() =>
        raiseObjection(envOf(ctx), actorOf(ctx, info), {
          resource: input.resource,
          key: input.key,
          item: input.item,
          reason: input.reason,
          proposedValue: input.proposedValue,
        }, grantsInForceAmong(ctx.published, ctx.grants)),
      ),
    answerObjection: (_p, { input }, ctx, info) =>
      translated(() => answerObjection(envOf(ctx), actorOf(ctx, info), { id: input.id, decision: input.decision, reason: input.reason })),
    requestData: (_p, { input }, ctx, info) =>
      translated(() =>
        requestData(envOf(ctx), actorOf(ctx, info), {
          title: input.title,
          description: input.description,
          items: input.items,
          purposes: input.purposes,
          provider: input.provider,
        }),
      ),
    answerDemand: (_p, { input }, ctx, info) =>
      translated(() => answerDemand(envOf(ctx), actorOf(ctx, info), { id: input.id, decision: input.decision, basis: input.basis, resource: input.resource })),
  }),
};
