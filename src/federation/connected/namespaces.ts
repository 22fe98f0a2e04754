// The connected platforms' schemas stitched together, and each local schema composed with them
// (ConnectedPlatforms.extend): a clash leaves the namespaces out rather than the gateway without a schema.
import { stitchSchemas } from '@graphql-tools/stitch';
import type { SubschemaConfig } from '@graphql-tools/delegate';
import { validateSchema, type GraphQLSchema } from 'graphql';
import { composeSchema } from '../compose.ts';
import { theirError } from '../their-text.ts';
import type { ConnectedOptions } from './options.ts';

export class Namespaces {
  private federated: GraphQLSchema | null = null;
  /** Why the namespaces were left out of the last schema extended, or null. */
  leftOut: string | null = null;
  private composed = new WeakMap<GraphQLSchema, GraphQLSchema>();

  constructor(private readonly log: ConnectedOptions['log']) {}

  /** The local schema with the namespaces of the platforms whose schema is known. */
  extend(local: GraphQLSchema): GraphQLSchema {
    if (!this.federated) return local;
    let out = this.composed.get(local);
    if (!out) {
      try {
        out = composeSchema(local, this.federated);
        const problems = validateSchema(out);
        if (problems.length) throw new Error(problems.map((p) => p.message).join('; '));
        this.leftOut = null;
      } catch (err) {
        // A namespace whose types clash with this platform's own: served without the namespaces rather than not at all.
        const reason = theirError((err as Error).message);
        this.log?.('warn', 'connected platforms left out of the schema', { reason });
        this.leftOut = `left out of this gateway's schema: ${reason} (a type of this platform's catalogues under a connected platform's prefix; rename it)`;
        out = local;
      }
      this.composed.set(local, out);
    }
    return out;
  }

  /** The platforms' schemas in effect now, stitched: each local schema is composed again when next extended. */
  restitch(subschemas: SubschemaConfig[]): void {
    this.federated = subschemas.length ? stitchSchemas({ subschemas }) : null;
    this.composed = new WeakMap();
  }
}
