// The refusals of the limits (SPEC §8, §13): RATE_LIMITED with HTTP 429 and Retry-After, BAD_USER_INPUT.
import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';

/** RATE_LIMITED, HTTP 429, `Retry-After` in whole seconds; the message says when it resets. */
export function rateLimited(message: string, retryAfterMs: number, extra: Record<string, unknown> = {}): GraphQLError {
  const retryAfter = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const resetsAt = new Date(Date.now() + retryAfter * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return new GraphQLError(`${message} Try again after ${resetsAt} (in ${retryAfter} s).`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfter,
      resetsAt,
      ...extra,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfter)]]) },
    },
  });
}

export const badUserInput = (message: string, extra: Record<string, unknown> = {}): GraphQLError =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extra, http: { status: 400 } } });
