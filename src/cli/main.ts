// The `govgraph` command line (SPEC §11). Each command group lives in its own module.
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
import { refusePlatformNotAFile } from './platform-file.ts';
import { refuseUnknownSettings } from './environment.ts';
import { refuseRepeatedOptions, watchOptionValues } from './repeated-options.ts';
import { exitCodeOf, handleInterrupts } from './interrupt.ts';

// A reader that stops early (`govgraph schema print | head -1`) closes the pipe, and the next write fails
// with EPIPE, which crashed the command with node's stack for an unhandled 'error'. The output has no
// reader left: it is dropped, and the command finishes its work (an import run into `head` still imports)
// with the exit code of that work.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

const program = new Command('govgraph')
  .description('GraphQL gateway of a government information resource sharing platform')
  .version((JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version, '-V, --version', 'print the version')
  .showHelpAfterError()
  .hook('preAction', (_program, command) => {
    refuseUnknownSettings();
    refuseRepeatedOptions(command);
    refuseEmptyValues(command);
    refusePlatformNotAFile(command);
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

try {
  await program.parseAsync(process.argv);
} catch (err) {
  // Errors meant for the user carry a plain message, and so does a store that cannot be opened or reached
  // (the operator's to fix: a folder, a URI, a server), or an audit log it cannot write (a full disk,
  // another process holding the write lock: the action is refused, its entry coming first); anything else
  // is a bug worth a stack.
  const operators = ['StoreUnavailableError', 'AuditUnavailableError'];
  if (err instanceof Error && ((err as { userFacing?: boolean }).userFacing || operators.includes(err.name))) {
    console.error(`govgraph: ${err.message}`);
  } else {
    console.error(err);
  }
  process.exitCode = process.exitCode || exitCodeOf(err);
}
