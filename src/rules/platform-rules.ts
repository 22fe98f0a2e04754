// Role rules of the platform's own fields (SPEC §7, §9). Every root field has a rule here, named after
// the role it needs; anything not listed is denied by the fallback. The workflow checks again that the
// caller's department owns what it acts on (src/workflow/), which depends on the object, not the field.
// The platform's object types are parts of an answer a root field has already allowed: `allow`.
import { readFileSync } from 'node:fs';
import { GraphQLError, Kind, parse } from 'graphql';
import { allow, and, rule } from './shield.ts';
import { ROLES, type Role } from '../identity/roles.ts';
import type { RequestContext } from '../../resolvers/request.ts';
import { PLATFORM_SDL_FILE } from '../model/platform-sdl.ts';
import { authenticated } from './common.ts';

const forbidden = (message: string) => new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });

const roleRules = new Map<Role, ReturnType<ReturnType<typeof rule>>>();

/** The caller's token carries `role` (one rule per role: shield wants rule names unique). */
export function hasRole(role: Role) {
  let r = roleRules.get(role);
  if (!r) {
    r = rule(`role:${role}`, { cache: 'contextual' })((_p, _a, ctx: RequestContext) =>
      ctx.identity?.roles.includes(role)
        ? true
        : forbidden(
            `This needs the ${role} role; your token's roles are: ${ctx.identity?.roles.join(', ') || 'none'}${otherRolesNote(ctx)}. ` +
              `Ask for a token that carries it (an operator makes one with \`govgraph token --dept ${ctx.identity?.dept.code ?? 'CODE'} --roles ${role}\`).`,
          ),
    );
    roleRules.set(role, r);
  }
  return r;
}

/**
 * The roles a token carries that are not the platform's, which it ignored (an identity provider's
 * `APPLICANT`, `approver ` with a space): said, so that the holder knows why a role it sees is not counted.
 */
function otherRolesNote(ctx: RequestContext): string {
  const other = ctx.identity?.otherRoles;
  if (!other?.length) return '';
  return ` (it also carries ${other.map(quotedRole).join(', ')}, not roles of this platform, which are matched exactly: ${ROLES.join(', ')})`;
}

/**
 * A role of the token's quoted as JSON, with what JSON leaves as it is but a reader cannot see escaped too:
 * DEL and C1 controls (U+009B starts a terminal's escape sequence), format characters (U+202E turns the
 * rest of the line around, U+200B shows nothing) and the line and paragraph separators.
 */
const quotedRole = (r: string): string =>
  JSON.stringify(r).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) =>
    Array.from({ length: c.length }, (_, i) => `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );

/** The caller acts for the platform's competent department. */
export const competentDepartment = rule('competent-department', { cache: 'contextual' })((_p, _a, ctx: RequestContext) =>
  ctx.identity?.dept.code === ctx.platform.platform.competentDepartment
    ? true
    : forbidden(`This is for the competent department ${ctx.platform.platform.competentDepartment}; you act for ${ctx.identity?.dept.code}.`),
);

/**
 * The rule of every root field of the platform schema. A field of the competent department checks the
 * department first: shield's `and` answers the first refusal in order, and the role's message (a token of
 * your department with the role) would send another department for a token that is refused all the same.
 */
export const PLATFORM_ROOT_RULES = {
  Query: {
    me: authenticated,
    catalogues: authenticated,
    catalogue: authenticated,
    resourceInfo: authenticated,
    sharingRequests: authenticated, // visibility: own requests, requests to decide, all for supervisors
    grants: authenticated, // visibility: held, given, all for supervisors
    auditLog: authenticated, // visibility per listAudit: own requests, own resources, all for supervisors
    usage: authenticated, // own resources; all for supervisors
    verifyAuditChain: and(competentDepartment, hasRole('supervisor')),
    objections: authenticated, // visibility: raised, about own resources, all for supervisors
    demands: authenticated, // visibility: filed, asked of, all for supervisors
    consistencyReport: and(competentDepartment, hasRole('supervisor')),
  },
  Mutation: {
    submitCatalogue: hasRole('compiler'),
    reviewCatalogue: and(competentDepartment, hasRole('auditor')),
    publishCatalogue: hasRole('compiler'),
    withdrawCatalogue: hasRole('compiler'),
    requestSharing: hasRole('applicant'),
    decideSharingRequest: hasRole('approver'),
    revokeGrant: hasRole('approver'),
    raiseObjection: hasRole('applicant'),
    answerObjection: hasRole('approver'),
    requestData: hasRole('applicant'),
    answerDemand: hasRole('approver'),
  },
};

/** Object types of schema/platform.graphql other than the roots. */
export function platformObjectTypes(sdl = readFileSync(PLATFORM_SDL_FILE, 'utf8')): string[] {
  return parse(sdl).definitions.flatMap((d) =>
    d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value !== 'Query' && d.name.value !== 'Mutation' ? [d.name.value] : [],
  );
}

export function platformRules(): Record<string, Record<string, unknown>> & { Query: Record<string, unknown> } {
  const rules: Record<string, Record<string, unknown>> & { Query: Record<string, unknown> } = {
    Query: { ...PLATFORM_ROOT_RULES.Query },
    Mutation: { ...PLATFORM_ROOT_RULES.Mutation },
  };
  for (const type of platformObjectTypes()) rules[type] = { '*': allow };
  return rules;
}
