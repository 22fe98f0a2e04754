// The platform's roles (SPEC §7). Every authenticated department user may query data; roles add the
// catalogue and sharing workflow and the audit log.

export const ROLES = ['compiler', 'auditor', 'applicant', 'approver', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}

/**
 * Whether the viewer supervises the whole platform: a `supervisor` of the competent department. Such a
 * viewer sees every sharing request, grant, objection, demand, audit entry and usage figure (SPEC §9, §10,
 * §14); any other department sees those it is a party to. The one place this rule is written.
 */
export function supervisesPlatform(viewer: { dept: string; roles: readonly string[] }, competentDepartment: string): boolean {
  return viewer.dept === competentDepartment && viewer.roles.includes('supervisor');
}
