import type { CommandModule } from 'yargs';

// Placeholder until the command lands.
export const engineCommand: CommandModule = {
  command: 'engine',
  describe: '(not yet implemented)',
  handler: () => {
    throw new Error('engine: not implemented');
  },
};
