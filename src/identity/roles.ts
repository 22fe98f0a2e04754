// The platform's roles (SPEC §7). Every authenticated department user may query data; roles add the
// catalogue and sharing workflow and the audit log.

export const ROLES = ['compiler', 'auditor', 'applicant', 'approver', 'supervisor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(x: unknown): x is Role {
  return typeof x === 'string' && (ROLES as readonly string[]).includes(x);
}
