// When a field fails non-null up to the root, a query's answer is `data: null`. graphql-js answers as
// soon as that error reaches the root while the fields already started go on (its Promise.all over an
// object's fields settles at the first failure): their reads were put on record after the request's audit
// entry was written, an entry of their own (a supervisor's consistencyReport) was written after the answer
// went out, saying the request was given what its caller never got. graphql-jit waits for every field it
// started. So on graphql-js (src/server/executor.ts) the promises of the resolvers a request starts are
// kept, and it answers once all have settled: whichever executor ran a query, its entries are all written
// before its answer, after everything it did.
//
// Only fields with a resolver of their own are wrapped (an item is a plain property, which graphql-jit
// reads without a call: wrapping it would make every value a call), and the promises kept only for a
// request run on graphql-js: on graphql-jit a wrapped resolver costs one call and one lookup more (a list
// of 100 records makes 3 such calls; nothing to measure past the A/A: docs/benchmarks.md). The wrap is
// made at a schema's first request (executeOperation), before any document is compiled for it, so every
// compiled document holds the same resolvers.
import { isObjectType, type GraphQLField, type GraphQLSchema } from 'graphql';

/** The promises of the resolvers a request started, by its context: for requests run on graphql-js only. */
const started = new WeakMap<object, Promise<unknown>[]>();
/** Fields whose resolver is followed already (a type may serve several schemas). */
const followed = new WeakSet<GraphQLField<unknown, unknown>>();
const schemasFollowed = new WeakSet<GraphQLSchema>();

const isPromise = (v: unknown): v is Promise<unknown> => typeof (v as { then?: unknown } | null)?.then === 'function';

/**
 * Wraps, once, the resolver of each field of `schema` that has one, so that the promise it returns is
 * kept for a request whose work is followed (followWork). Done before a document is compiled.
 */
export function followResolvers(schema: GraphQLSchema): void {
  if (schemasFollowed.has(schema)) return;
  schemasFollowed.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve;
      if (!resolve || followed.has(field)) continue;
      followed.add(field);
      field.resolve = (source, args, context, info) => {
        const out = resolve(source, args, context, info);
        if (isPromise(out)) started.get(context as object)?.push(out);
        return out;
      };
    }
  }
}

/** From now on, the promises of the resolvers run with `context` are kept. */
export function followWork(context: object): void {
  if (!started.has(context)) started.set(context, []);
}

/** Settles once every resolver followed for `context` has settled, those started meanwhile too. */
export async function workSettled(context: object): Promise<void> {
  const list = started.get(context);
  if (!list) return;
  for (let seen = 0; seen < list.length; seen = list.length) await Promise.allSettled(list.slice(seen));
}
