import type { CommandModule } from 'yargs';

// Placeholder until the command lands.
export const benchClientCommand: CommandModule = {
  command: 'bench-client',
  describe: '(not yet implemented)',
  handler: () => {
    throw new Error('bench-client: not implemented');
  },
};
