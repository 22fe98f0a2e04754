import type { Command } from 'commander';

export function registerTokenCommand(_program: Command): void {
  // filled in by the module that owns these commands
}
