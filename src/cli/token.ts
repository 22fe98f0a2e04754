// `govgraph token --dept CODE [--user U] [--roles a,b] [--ttl 8h]` (SPEC §7, §11): prints a token
// signed with the platform secret, and nothing else, so that `TOKEN=$(govgraph token ...)` works.
import type { Command } from 'commander';
import { ROLES, isRole, type Role } from '../identity/roles.ts';
import { illFormed } from '../formats/well-formed.ts';
import { MAX_USER, characters, userNameFault } from '../model/input-bounds.ts';
import { identifierFault, trimWhiteSpace } from '../model/identifier-text.ts';
import { departmentByCode } from '../model/platform.ts';
import { setting } from '../model/settings.ts';
import { announce, loadCommandPlatform, openCommandStore, requireShownCode, unknownDepartmentMessage, UserError, withCommonOptions, type CommonOptions } from './options.ts';

export const DEFAULT_TTL = '8h';
export const DEFAULT_USER = 'developer';

interface TokenOptions extends CommonOptions {
  dept: string;
  user: string;
  roles?: string;
  ttl: string;
}

/** Comma-separated values, trimmed, empties dropped. */
export function commaList(value: string | undefined): string[] {
  return (value ?? '').split(',').map(trimWhiteSpace).filter((s) => s !== ''); // not trim(): it takes U+FEFF (identifier-text.ts)
}

/**
 * Why a user name given to a command cannot be one, or null: the workflow keeps it in every row and
 * audit entry the user makes, and a gateway refuses a token whose user is longer (src/identity/verify.ts).
 */
export function userNameProblem(user: string): string | null {
  const name = trimWhiteSpace(user);
  switch (userNameFault(name)) {
    case 'blank':
      return name === '' ? 'must not be empty' : 'shows nothing (only spaces or invisible characters such as U+200B); give a name a person can read';
    case 'control':
      return 'holds a control character (a line break, a tab, an escape); give the name on one line';
    case 'ill-formed':
      return `holds ${illFormed(name)}`;
    case 'long':
      return `has ${characters(name, MAX_USER)} characters; at most ${MAX_USER}`;
    case 'hidden':
      return identifierFault(name);
    default:
      return null;
  }
}

export function registerTokenCommand(program: Command): void {
  withCommonOptions(
    program
      .command('token')
      .description('print a token signed with the platform secret')
      .requiredOption('--dept <code>', 'department code of the platform')
      .option('--user <user>', 'user name (the `sub` claim)', DEFAULT_USER)
      .option('--roles <roles>', `comma-separated roles: ${ROLES.join(', ')}`)
      .option('--ttl <ttl>', 'lifetime, like 30m, 8h or 7d', DEFAULT_TTL),
  ).action(async (opts: TokenOptions) => {
    const platform = await loadCommandPlatform(opts.platform);
    const { envSecret, envSecretProblem, storedSecret } = await import('../identity/secret.ts');
    const { signToken, ttlProblem } = await import('../identity/token.ts');
    // Said for what it is, before the lookup: `430000-M\u200bZ` is no listed code, and the message naming
    // the codes would print it as one that is.
    requireShownCode('--dept', opts.dept);
    if (!departmentByCode(platform, opts.dept)) {
      // Named as schema print names it: run where there is no ./platform.yaml, the demo platform is read, and
      // its departments alone would not tell a developer of another platform why their code is refused.
      throw new UserError(unknownDepartmentMessage(opts.dept, opts.platform, platform));
    }
    const roles = commaList(opts.roles);
    for (const role of roles) requireShownCode('--roles', role);
    const unknown = roles.filter((r) => !isRole(r));
    if (unknown.length) throw new UserError(`unknown role${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; roles are: ${ROLES.join(', ')}`);
    const userProblem = userNameProblem(opts.user);
    if (userProblem) throw new UserError(`--user: ${userProblem}`);
    const ttl = ttlProblem(opts.ttl);
    if (ttl) throw new UserError(`--ttl ${opts.ttl}: ${ttl}`);
    const weak = envSecretProblem();
    if (weak) throw new UserError(weak);

    let secret = envSecret();
    if (!secret && setting('GOVGRAPH_JWKS_URL') !== undefined) {
      // A gateway with an identity provider checks HS256 tokens only under GOVGRAPH_JWT_SECRET
      // (src/server/app.ts): one signed with the stored secret would be refused there.
      throw new UserError(
        'GOVGRAPH_JWKS_URL is set: the gateways take tokens from the identity provider, and refuse tokens signed with the secret kept in the store. ' +
          'Get a token from the provider, or set the same GOVGRAPH_JWT_SECRET for the gateways and for govgraph token',
      );
    }
    announce(opts, { platform: opts.platform, store: !secret });
    if (!secret) {
      const store = await openCommandStore(opts, { platform: { platform, file: opts.platform } });
      try {
        // The store's catalogues were published with another platform file (the demo's, when neither
        // --platform nor ./platform.yaml names the store's own): its gateway would refuse the token with
        // 401, as if it were made for another data folder. Refused here, as serve and schema print do.
        const { publishedCatalogues } = await import('../catalogue/repository/versions.ts');
        const { assertPlatformHasProviders } = await import('../generate/model.ts');
        assertPlatformHasProviders(platform, await publishedCatalogues(store));
        secret = await storedSecret(store);
      } finally {
        await store.close();
      }
    }
    const token = await signToken(secret, { dept: opts.dept, user: trimWhiteSpace(opts.user), roles: [...new Set(roles)] as Role[], ttl: opts.ttl });
    process.stdout.write(token + '\n');
  });
}
