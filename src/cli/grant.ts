import type { Command } from 'commander';

export function registerGrantCommands(_program: Command): void {
  // filled in by the module that owns these commands
}
