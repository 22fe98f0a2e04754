// Options every command takes (SPEC §11): --platform, --data or --mongodb-uri.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { DEMO_PLATFORM_FILE } from '../demo/paths.ts';

export interface CommonOptions {
  platform: string;
  data: string;
  mongodbUri?: string;
}

export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--platform <file>', 'platform file (env GOVGRAPH_PLATFORM; default ./platform.yaml, or the demo platform when there is none)', defaultPlatformFile())
    .option('--data <dir>', 'data folder of the embedded store (env GOVGRAPH_DATA_DIR)', process.env.GOVGRAPH_DATA_DIR ?? './data')
    .option('--mongodb-uri <uri>', 'use MongoDB instead of the embedded store (env MONGODB_URI)', process.env.MONGODB_URI);
}

/** An error whose message is for the person at the terminal (no stack trace). */
export class UserError extends Error {
  readonly userFacing = true;
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

/** GOVGRAPH_PLATFORM, else ./platform.yaml, else the demo platform (so the README's commands work on a clone). */
export function defaultPlatformFile(): string {
  if (process.env.GOVGRAPH_PLATFORM) return process.env.GOVGRAPH_PLATFORM;
  return existsSync('platform.yaml') ? 'platform.yaml' : DEMO_PLATFORM_FILE;
}
