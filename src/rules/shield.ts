// graphql-shield, loaded from its CommonJS build. Its ES module build (7.6.5, the last release; upstream
// issues maticzav/graphql-shield#1560 and #1561) imports `isUndefined` from 'util', which Node 23 removed:
// on Node 24 the import fails before any code runs ("The requested module 'util' does not provide an
// export named 'isUndefined'"). The CommonJS build reads `util.isUndefined` only inside `chain` and
// `race`, which govgraph does not use, so it loads and runs the same on Node 20, 22 and 24. Every file
// takes graphql-shield from here, so that the rules and the shield come from one copy of the package.
// graphql-middleware too (the tests and benchmarks that apply a shield with `applyMiddleware`): the
// shield's CommonJS build makes its middleware with the CommonJS copy of graphql-middleware, and the ES
// module copy's `applyMiddleware` does not recognise that ("Type generator exists in middleware but is
// missing in Schema").
import { createRequire } from 'node:module';
import type * as GraphqlMiddleware from 'graphql-middleware';
import type * as GraphqlShield from 'graphql-shield';

const require = createRequire(import.meta.url);
const graphqlShield = require('graphql-shield') as typeof GraphqlShield;
const graphqlMiddleware = require('graphql-middleware') as typeof GraphqlMiddleware;

export const { allow, and, deny, rule, shield } = graphqlShield;
export const { applyMiddleware } = graphqlMiddleware;
