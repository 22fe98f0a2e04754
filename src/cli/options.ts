// Options every command takes (SPEC §11): --platform, --data or --mongodb-uri.
import type { Command } from 'commander';

export interface CommonOptions {
  platform: string;
  data: string;
  mongodbUri?: string;
}

export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--platform <file>', 'platform file (env GOVGRAPH_PLATFORM)', process.env.GOVGRAPH_PLATFORM ?? 'platform.yaml')
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
