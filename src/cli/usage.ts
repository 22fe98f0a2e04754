// How each command says its usage (SPEC §11), for a new department developer or operator:
// - `govgraph help catalogue import` printed the `catalogue` group's help: commander's help command takes
//   one name. `help` takes the whole path now, and names a command it does not know.
// - A command's help ends with an example of it.
// - A mistake on the command line (an unknown option, a missing argument or value, one argument too many)
//   was answered by commander's `error: ...` followed by the whole help, twenty lines in which the one
//   that mattered came first; it is one line now, naming the command and where its usage is.
import type { Command } from 'commander';
import { closest } from '../model/nearest-name.ts';
import { UserError } from './options.ts';

/** An example of each command (the demo platform's codes: without --platform, the demo platform is read). */
const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  serve: ['govgraph serve --platform platform.yaml --data ./data --port 4000', 'govgraph serve --demo'],
  token: ['TOKEN=$(govgraph token --dept 430000-MZ --user wang.li --roles applicant --ttl 30m)'],
  usage: ['govgraph usage --from 2026-11-01 --to 2026-11-30 --dept 430000-GA'],
  'catalogue validate': ['govgraph catalogue validate catalogues/*.yaml --platform platform.yaml'],
  'catalogue import': ['govgraph catalogue import catalogues/*.yaml --publish --platform platform.yaml --data ./data'],
  'catalogue submit': ['govgraph catalogue submit public-security.yaml --dept 430000-GA --user li.gang'],
  'catalogue review': ['govgraph catalogue review HN-GA 2 --approve', 'govgraph catalogue review HN-GA 2 --reject --comment "item idNumber lacks its mask"'],
  'catalogue publish': ['govgraph catalogue publish HN-GA 2 --dept 430000-GA'],
  'catalogue list': ['govgraph catalogue list --status SUBMITTED', 'govgraph catalogue list --dept 430000-GA --overdue'],
  'data import': ['govgraph data import --resource 430000-GA-00001 household.jsonl', 'govgraph data import --resource 430000-GA-00001 household.csv --skip-invalid'],
  'schema print': ['govgraph schema print --dept 430000-MZ > schema.graphql'],
  'grant add': ['govgraph grant add --requester 430000-MZ --resource 430000-GA-00001 --items idNumber,fullName --purposes social-assistance --until 2027-12-31'],
  'grant list': ['govgraph grant list --requester 430000-MZ --active'],
  'grant revoke': ['govgraph grant revoke fc937d36-30a1-4da5-a339-04198aa0c00b'],
  'audit verify': ['govgraph audit verify --checkpoints /var/log/govgraph/audit-checkpoints.jsonl'],
  'audit adopt': ['govgraph audit adopt --data ./data --checkpoints /var/log/govgraph/audit-checkpoints.jsonl'],
  'audit rekey': ['GOVGRAPH_PREVIOUS_JWT_SECRET="$OLD_SECRET" GOVGRAPH_JWT_SECRET="$NEW_SECRET" govgraph audit rekey --checkpoints /var/log/govgraph/audit-checkpoints.jsonl'],
  'objection list': ['govgraph objection list --status OPEN --overdue'],
  'demand list': ['govgraph demand list --status OPEN'],
  'consistency report': ['govgraph consistency report --element DE-0001'],
  'request list': ['govgraph request list --dept 430000-GA --side PROVIDER --status PENDING'],
  'request decide': [
    'govgraph request decide 5b0c2a9e-7f41-4c1e-9d8a-2f6b1e3c4d5a --dept 430000-GA --approve --items idNumber --until 2027-06-30',
    'govgraph request decide 5b0c2a9e-7f41-4c1e-9d8a-2f6b1e3c4d5a --dept 430000-GA --reject --reason "no legal basis given"',
  ],
  'platform validate': ['govgraph platform validate --platform platform.yaml'],
  'platform status': ['govgraph platform status --platform province.yaml --data ./province-data'],
  'platform rotate-key': ['govgraph platform rotate-key'],
  'platform adopt': ['govgraph platform adopt --platform platform.new.yaml'],
};

/** A department, resource or catalogue code or a purpose of the demo platform (Hunan, 430000). */
const DEMO_CODE = /\b43\d{4}-|\bHN-[A-Z]|\bsocial-assistance\b/;

/**
 * `Example:`, or, over examples that name the demo's codes, a heading that says whose they are: on a
 * platform of its own (Yanbian's, h203) `token --dept 430000-MZ` copied from the help was refused as no
 * department of the platform, with nothing in the help saying the code was the demo's.
 */
function exampleHeading(examples: readonly string[]): string {
  const word = examples.length > 1 ? 'Examples' : 'Example';
  return examples.some((e) => DEMO_CODE.test(e)) ? `${word} (with the demo platform's codes: write your platform's)` : word;
}

/** `catalogue import`: a command's words after `govgraph`. */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The commands that do something (not the groups, not `help`), depth first. */
export function leafCommands(cmd: Command): Command[] {
  return cmd.commands.flatMap((sub) => (sub.commands.length ? leafCommands(sub) : isHelpCommand(sub) ? [] : [sub]));
}

/** The example lines of a command, or none. */
export function examplesOf(path: string): readonly string[] {
  return EXAMPLES[path] ?? [];
}

/** commander's `error: ...` (with its `(Did you mean ...?)` on a line of its own), as one line. */
export function oneLineError(path: string, commanderMessage: string): string {
  const message = commanderMessage
    .replace(/^error: /, '')
    .split('\n')
    .map((line) => line.trim().replace(/\.$/, ''))
    .filter(Boolean)
    .join(' ')
    .replace('(Did you mean', '(did you mean');
  const where = path ? `govgraph ${path}` : 'govgraph';
  return `${where}: ${message}; ${where} --help shows the usage`;
}

/**
 * commander says a required option is missing before it says an option is unknown: `token --dep D` was
 * answered "required option '--dept <code>' not specified", about an option the user did write, mistyped.
 * The unknown option is named instead, with the option it nearly names.
 */
function unknownBeforeMissing(cmd: Command, text: string): string {
  if (!text.startsWith('error: required option')) return text;
  const flags = cmd.options.flatMap((o) => [o.long, o.short]).filter((f): f is string => Boolean(f));
  const unknown = cmd.args.map((a) => a.split('=')[0]).find((a) => a.startsWith('-') && a !== '-' && !flags.includes(a) && a !== '--help' && a !== '-h');
  if (unknown === undefined) return text;
  const near = closest(unknown, flags.filter((f) => f.startsWith('--')));
  return `error: unknown option '${unknown}'${near ? ` (did you mean ${near}?)` : ''}`;
}

/**
 * Gives every command of `program` its example and one-line errors, and `program` a `help` that takes a
 * command's whole path. Called once every command is registered (main.ts).
 */
export function describeUsage(program: Command): void {
  const walk = (cmd: Command) => {
    const path = commandPath(cmd);
    cmd.showHelpAfterError(false);
    cmd.configureOutput({ outputError: (text, write) => write(`${oneLineError(path, unknownBeforeMissing(cmd, text))}\n`) });
    const examples = examplesOf(path);
    if (examples.length) cmd.addHelpText('after', `\n${exampleHeading(examples)}:\n${examples.map((e) => `  $ ${e}`).join('\n')}\n`);
    cmd.commands.forEach(walk);
  };
  walk(program);
  // Each group's too (`catalogue help import`): commander's printed the group's whole help, exit 1, for a
  // command it does not know (`catalogue help imprt`), where `help catalogue imprt` says so in one line.
  for (const group of [program, ...groupsOf(program)]) addHelpCommand(group);
}

/** The commands that hold commands (`catalogue`, `grant`, ...), depth first. */
function groupsOf(cmd: Command): Command[] {
  return cmd.commands.filter((sub) => sub.commands.length > 0).flatMap((sub) => [sub, ...groupsOf(sub)]);
}

/** `help [command...]` under `group`: the help of a command named by its words below the group. */
function addHelpCommand(group: Command): void {
  const prefix = commandPath(group);
  group.helpCommand(false);
  group
    .command('help')
    .description(`display help for a command, e.g. govgraph ${prefix ? `${prefix} help ${group.commands[0].name()}` : 'help catalogue import'}`)
    .argument('[command...]', 'the command, as its words')
    .helpOption(false)
    // `help --help` and `help catalogue import --help` were refused "unknown option '--help' (did you mean
    // --help?)": the options are read here, --help and -h asking for the help that `help` prints anyway.
    .allowUnknownOption()
    .action((args: string[]) => {
      const words = args.filter((w) => w !== '--help' && w !== '-h');
      const option = words.find((w) => w.startsWith('-'));
      if (option !== undefined) throw new UserError(`help: ${JSON.stringify(option)} is an option, and help takes a command's words only, e.g. govgraph help catalogue import`);
      let cmd = group;
      for (const [i, word] of words.entries()) {
        const sub = cmd.commands.find((c) => c.name() === word || c.aliases().includes(word));
        if (!sub || sub.name() === 'help') {
          const known = cmd.commands.map((c) => c.name()).filter((n) => n !== 'help');
          const under = ['govgraph', prefix, ...words.slice(0, i)].filter(Boolean).join(' ');
          // A command's own help was asked for with a word too many (`help token extra`): it has no commands to list.
          if (known.length === 0) throw new UserError(`help: ${under} is a command, with no commands of its own (${JSON.stringify(word)}); ${['govgraph help', prefix, ...words.slice(0, i)].filter(Boolean).join(' ')} prints its usage`);
          throw new UserError(`help: ${under} has no command ${JSON.stringify(word)}; its commands are: ${known.join(', ')}`);
        }
        cmd = sub;
      }
      cmd.help();
    });
}

/** Whether `cmd` is a `help` command describeUsage adds, the program's or a group's (main.ts runs no checks before it). */
export function isHelpCommand(cmd: Command): boolean {
  return cmd.name() === 'help' && cmd.parent !== null && cmd.commands.length === 0;
}
