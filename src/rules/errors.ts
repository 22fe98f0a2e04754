// Authorisation answers as GraphQL errors carrying the spec's codes (SPEC §6, §8).
import { GraphQLError } from 'graphql';
import type { Decision } from '../access/decide.ts';
import type { ResourceModel } from '../generate/model.ts';

export function deniedError(d: Extract<Decision, { allowed: false }>, model: ResourceModel, item: string | null): GraphQLError {
  return new GraphQLError(d.message, {
    extensions: { code: d.code, resource: model.resource.code, ...(item ? { item } : {}) },
  });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions } });
}
