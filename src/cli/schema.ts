import type { Command } from 'commander';

export function registerSchemaCommands(_program: Command): void {
  // filled in by the module that owns these commands
}
