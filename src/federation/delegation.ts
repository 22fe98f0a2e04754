// The namespace field's delegation (SPEC §12), graphql-tools' own, with its request planned once per
// operation. graphql-tools' proxying resolver (`delegateToSchema`) rebuilds the delegated request on
// every call: the sub-selection copied into a new document, then graphql-tools' gateway preparation,
// the two transforms' document visits and its finalisation, each walking the document with type
// information; measured on a 100-record namespace read, that was the larger part of the delegation's
// own work (docs/benchmarks.md). None of it depends on the request, only on the operation: the same
// field nodes of the same parsed document (Apollo keeps one per query text) against the same schema
// give the same delegated document, the same variables used, the same transform records (which field
// the namespace hoisted under which alias). So the first call of an operation runs graphql-tools'
// steps and keeps their outcome; later calls of that operation take it and run only what belongs to
// the request: its context and resolve info, the values of the variables the document uses, the call
// to the platform, and graphql-tools' handling of the answer (the transforms' results, the errors
// placed under the namespace, the merged objects). Nothing of a request (context, identity, variables,
// rootValue) is kept in the plan.
//
// What is not planned falls back to `delegateToSchema` itself: a namespace field with arguments (its
// arguments become variables whose names depend on the request's values), an operation that is not a
// query, a delegation whose finalisation renamed overlapping aliases.
import {
  createRequest,
  delegateToSchema,
  getCoercedVariableValues,
  getGraphQLResolveInfo,
  resolveExternalValue,
  Transformer,
  type DelegationContext,
  type ICreateProxyingResolverOptions,
  type StitchingInfo,
  type SubschemaConfig,
  type Transform,
} from '@graphql-tools/delegate';
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';
import { Kind, OperationTypeNode, type DocumentNode, type FieldNode, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { namespaceSelection } from './namespace-conditions.ts';
import { canonical, plainSelection } from './plain-answer.ts';
import { withoutTypenames } from './typenames.ts';

/** A delegation planned for one operation's selection of the namespace field. */
interface Plan {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fieldNodes: readonly FieldNode[];
  /** The delegated document, as graphql-tools made it (shared, never changed). */
  document: DocumentNode;
  /** The variables the delegated document declares: their values are the request's. */
  variables: string[];
  /** Each transform's record of the request transformation (WrapType's hoisted paths), read by its result transformation. */
  contexts: Record<string, unknown>[];
  /** Whether an answer without errors may be served as plain values (src/federation/plain-answer.ts). */
  plain: boolean;
}

/** The parts of graphql-tools' Transformer that carry a planned request's records into its answer. */
interface TransformerRecords {
  transformations: { transform: Transform; context: Record<string, unknown> }[];
  hasOverlappingAliases: boolean;
}
const records = (t: Transformer) => t as unknown as TransformerRecords;

/** The same fields, in the same order (an operation selecting the namespace twice under one key has two). */
const sameNodes = (a: readonly FieldNode[], b: readonly FieldNode[]) => a.length === b.length && a.every((n, i) => n === b[i]);

/**
 * graphql-tools' proxying resolver for a query's root field (`createProxyingResolver` of a subschema),
 * with the delegated request planned once per operation and field selection. Answers what
 * `delegateToSchema` answers.
 */
export function plannedProxyingResolver({ subschemaConfig, operation }: ICreateProxyingResolverOptions): GraphQLFieldResolver<unknown, Record<string, unknown>> {
  // Keyed by the namespace's first field node (one per selection of the parsed document); the plan
  // records the rest it was made for, and is made again when any differs.
  const plans = new WeakMap<FieldNode, Plan>();
  const whole = (rootValue: unknown, args: Record<string, unknown>, context: Record<string, unknown>, info: GraphQLResolveInfo, fieldNodes: readonly FieldNode[]) =>
    delegateToSchema({ schema: subschemaConfig, operation, rootValue, args, context, info, fieldNodes });

  return (rootValue, args, context, info) => {
    // What runs at the namespace's level under the request's variables (namespace-conditions.ts): what
    // @skip/@include leave out there is not sent, and when nothing runs nothing is sent.
    const fieldNodes = namespaceSelection(info.fieldNodes, info.fragments, info.variableValues);
    if (fieldNodes === null) return {};
    if (operation !== OperationTypeNode.QUERY || info.operation.operation !== OperationTypeNode.QUERY || (args && Object.keys(args).length > 0)) {
      return whole(rootValue, args, context, info, fieldNodes);
    }
    const schema = subschemaConfig;
    const stitching = info.schema.extensions?.stitchingInfo as StitchingInfo | undefined;
    const subschema = (stitching?.subschemaMap.get(schema as never) ?? schema) as SubschemaConfig & { transformedSchema?: GraphQLSchema; name?: string };
    const transformedSchema = subschema.transformedSchema;
    if (!transformedSchema || !subschema.executor || subschema.batch) return whole(rootValue, args, context, info, fieldNodes);
    // delegateToSchema's default: the subschema's rootValue, else the operation's, when none is given.
    const root = rootValue === undefined ? (schema.rootValue ?? info.rootValue) : rootValue;
    // graphql-tools' delegation context (getDelegationContext, for a subschema): what the transforms
    // and the answer's handling read. Made for every request: context, info and args are the request's.
    const delegation: DelegationContext = {
      subschema: schema,
      subschemaConfig: subschema,
      targetSchema: subschema.schema,
      operation: OperationTypeNode.QUERY,
      fieldName: info.fieldName,
      context,
      info,
      returnType: info.returnType,
      transforms: [...(subschema.transforms ?? [])],
      transformedSchema,
      skipTypeMerging: false,
      onLocatedError: undefined,
      args,
    };
    const transformer = new Transformer(delegation);
    let plan = plans.get(fieldNodes[0]);
    let request: ExecutionRequest;
    let planned = false;
    if (plan && plan.schema === info.schema && plan.operation === info.operation && sameNodes(plan.fieldNodes, fieldNodes)) {
      planned = true;
      const kept = records(transformer).transformations;
      plan.contexts.forEach((c, i) => (kept[i].context = c));
      // The values of the variables the delegated document uses, as graphql-tools' finalisation takes them.
      const outer = getCoercedVariableValues(info.variableValues) as Record<string, unknown> | undefined;
      const variables: Record<string, unknown> = {};
      for (const name of plan.variables) {
        const value = outer?.[name];
        if (value !== undefined) variables[name] = value;
      }
      request = {
        subgraphName: subschema.name,
        document: plan.document,
        variables,
        rootValue: root,
        operationName: info.operation.name?.value,
        context,
        info: getGraphQLResolveInfo(info),
        operationType: OperationTypeNode.QUERY,
      };
    } else {
      const original = createRequest({
        subgraphName: subschema.name,
        fragments: Object.values(info.fragments),
        targetSchema: transformedSchema,
        rootValue: root,
        targetOperationName: info.operation.name?.value,
        targetOperation: OperationTypeNode.QUERY,
        targetFieldName: info.fieldName,
        fieldNodes,
        context,
        info,
        args,
      });
      request = transformer.transformRequest(original);
      const kept = records(transformer);
      // Overlapping aliases are renamed in the document and renamed back in the answer: not planned.
      if (!kept.hasOverlappingAliases) {
        // This first read sends the planned document too: the platform sees one document per operation.
        request = { ...request, document: withoutTypenames(request.document, subschema.schema) };
        plan = {
          schema: info.schema,
          operation: info.operation,
          fieldNodes,
          document: request.document,
          variables: request.document.definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? (d.variableDefinitions ?? []).map((v) => v.variable.name.value) : [])),
          contexts: kept.transformations.map((t) => t.context),
          plain: plainSelection(fieldNodes, info.fragments),
        };
        plans.set(fieldNodes[0], plan);
      }
    }
    const executor = subschema.executor as Executor;
    const fast = planned && plan!.plain;
    return Promise.resolve(executor(request)).then((answer) => {
      const result = answer as ExecutionResult;
      if (!fast || (result.errors && result.errors.length > 0)) return transformer.transformResult(result);
      // No errors, nothing renamed back, no type merging: what graphql-tools' Transformer does, step by
      // step, with the last step (checkResultAndHandleErrors: errors merged into the data, none here, then
      // resolveExternalValue) skipped when the answer is canonical (plain-answer.ts).
      let out = result;
      const kept = records(transformer).transformations;
      for (let i = kept.length - 1; i >= 0; i--) {
        const { transform, context: record } = kept[i];
        if (transform.transformResult) out = transform.transformResult(out, delegation, record);
      }
      const data = out.data == null ? undefined : (out.data as Record<string, unknown>)[delegation.fieldName];
      if (data != null && canonical(data, info.returnType)) return data;
      return resolveExternalValue(data ?? null, [], schema, context, info, info.returnType, false);
    });
  };
}
