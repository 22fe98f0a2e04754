import type { Command } from 'commander';

export function registerCatalogueCommands(_program: Command): void {
  // filled in by the module that owns these commands
}
