import type { CommandModule } from 'yargs';

// Placeholder until the command lands.
export const microCommand: CommandModule = {
  command: 'micro',
  describe: '(not yet implemented)',
  handler: () => {
    throw new Error('micro: not implemented');
  },
};
