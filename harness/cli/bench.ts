import type { CommandModule } from 'yargs';

// Placeholder until the command lands.
export const benchCommand: CommandModule = {
  command: 'bench',
  describe: '(not yet implemented)',
  handler: () => {
    throw new Error('bench: not implemented');
  },
};
