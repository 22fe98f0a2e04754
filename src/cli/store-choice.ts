// Which store a command uses when it is named twice (SPEC §11): `--data` and `--mongodb-uri` take their
// defaults from GOVGRAPH_DATA_DIR and MONGODB_URI, and a MongoDB URI always won. So `--data ./data` typed
// in a shell where MONGODB_URI was exported (the production database) ran `grant add` or `data import`
// on MongoDB, against the rule that a flag wins over a variable, and the line naming the store did not say
// why. A flag now wins over the other store's variable; both flags at once are refused; both variables
// at once take MongoDB, as before. The line naming the store says which setting was left unused.
import type { Command } from 'commander';
import { setting } from '../model/settings.ts';
import { UserError } from './options.ts';

/**
 * Settles the store of a command given both a data folder and a MongoDB URI, each by a flag or a
 * variable. Runs before every command's action (program.ts), before the data folder is checked.
 */
export function chooseStore(cmd: Command): void {
  if (!cmd.options.some((o) => o.long === '--data') || !cmd.options.some((o) => o.long === '--mongodb-uri')) return;
  const dataFlag = cmd.getOptionValueSource('data') === 'cli';
  const uriFlag = cmd.getOptionValueSource('mongodbUri') === 'cli';
  if (dataFlag && uriFlag) {
    throw new UserError(
      '--data and --mongodb-uri: both given, and a command uses one store; give --data DIR for the embedded store or --mongodb-uri URI for MongoDB',
    );
  }
  if (dataFlag && setting('MONGODB_URI') !== undefined) {
    cmd.setOptionValueWithSource('mongodbUri', undefined, 'cli');
    note(cmd, ' (--data; MONGODB_URI, set in the environment, is not used: a flag wins over a variable)');
  } else if (cmd.getOptionValue('mongodbUri') !== undefined && setting('GOVGRAPH_DATA_DIR') !== undefined) {
    note(cmd, uriFlag
      ? ' (--mongodb-uri; GOVGRAPH_DATA_DIR, set in the environment, is not used: a flag wins over a variable)'
      : ' (MONGODB_URI; GOVGRAPH_DATA_DIR is set too, and not used: unset one of them)');
  }
}

/** Kept with the options (CommonOptions.storeNote), for the line that names the store (options.ts announce). */
function note(cmd: Command, text: string): void {
  cmd.setOptionValueWithSource('storeNote', text, 'default');
}
