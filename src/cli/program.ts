// The `govgraph` command line (SPEC §11): every command, registered; main.ts parses the arguments with it.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { packagePath } from '../package-root.ts';
import { registerCatalogueCommands } from './catalogue.ts';
import { registerDataCommands } from './data.ts';
import { registerServeCommand } from './serve.ts';
import { registerSchemaCommands } from './schema.ts';
import { registerTokenCommand } from './token.ts';
import { registerGrantCommands } from './grant.ts';
import { registerAuditCommands } from './audit.ts';
import { registerQualityCommands } from './quality.ts';
import { registerPlatformCommands } from './platform.ts';
import { registerSharingCommands } from './sharing.ts';
import { refuseEmptyValues } from './options.ts';
import { refuseDataFolderNotAFolder } from './data-folder.ts';
import { chooseStore } from './store-choice.ts';
import { refusePlatformNotAFile } from './platform-file.ts';
import { refuseEmptyGuards, refuseUnknownSettings } from './environment.ts';
import { refuseRepeatedOptions, watchOptionValues } from './repeated-options.ts';
import { handleInterrupts } from './interrupt.ts';
import { describeUsage, isHelpCommand } from './usage.ts';

/** The govgraph program, every command registered (its tests list the commands from it). */
export function govgraphProgram(): Command {
  const program = new Command('govgraph')
    .description('GraphQL gateway of a government information resource sharing platform')
    .version((JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version, '-V, --version', 'print the version')
    .hook('preAction', (_program, command) => {
      if (isHelpCommand(command)) return; // help is read before anything is checked
      refuseUnknownSettings();
      refuseEmptyGuards();
      refuseRepeatedOptions(command);
      refuseEmptyValues(command);
      refusePlatformNotAFile(command);
      chooseStore(command);
      refuseDataFolderNotAFolder(command);
      if (command.name() !== 'serve') handleInterrupts(); // serve drains (serve.ts)
    });

  registerServeCommand(program);
  registerCatalogueCommands(program);
  registerDataCommands(program);
  registerSchemaCommands(program);
  registerTokenCommand(program);
  registerGrantCommands(program);
  registerAuditCommands(program);
  registerQualityCommands(program);
  registerSharingCommands(program);
  registerPlatformCommands(program);
  watchOptionValues(program);
  describeUsage(program);
  return program;
}
