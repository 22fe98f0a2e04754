// Who performs a workflow action, and what the workflow needs around it. The workflow is callable
// without a server: the GraphQL resolvers build an Actor from the request, a command from its options.
import type { AuditEntry } from '../audit/entry.ts';
import type { Role } from '../identity/roles.ts';
import type { Department, Platform } from '../model/platform.ts';
import type { Store } from '../store/port.ts';
import { forbidden } from './errors.ts';

export interface WorkflowEnv {
  store: Store;
  platform: Platform;
  now: Date;
  /** Aborted (a command's Ctrl-C, SIGTERM), a publication stops before its next step (store/interrupted.ts). */
  signal?: AbortSignal;
  /** Told of a stored document a read works around (a revision with no due date): the gateway's log, a command's stderr. */
  warn?: WorkflowWarn;
}

export type WorkflowWarn = (fields: Record<string, unknown>, message: string) => void;

export interface Actor {
  dept: Department;
  user: string;
  roles: readonly Role[];
  purpose: string | null;
  requestId: string;
  operationName?: string | null;
  documentHash?: string | null;
  /** Told of every audit entry written for this actor (the audit plugin uses it). */
  onAudit?: (entry: AuditEntry) => void;
}

/** The role the action needs (the shield rule is the first lock, this the second). */
export function requireRole(actor: Actor, role: Role, doing: string): void {
  if (!actor.roles.includes(role)) {
    throw forbidden(`Only a user with the ${role} role may ${doing}; your token's roles are: ${actor.roles.join(', ') || 'none'}.`);
  }
}

/** The action is for department `owner` only. */
export function requireDepartment(actor: Actor, owner: string, doing: string): void {
  if (actor.dept.code !== owner) {
    throw forbidden(`Only department ${owner} may ${doing}; you act for ${actor.dept.code}.`);
  }
}

/** The action is for the platform's competent department only. */
export function requireCompetent(env: WorkflowEnv, actor: Actor, doing: string): void {
  requireDepartment(actor, env.platform.platform.competentDepartment, doing);
}
