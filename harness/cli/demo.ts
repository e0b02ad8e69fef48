import type { CommandModule } from 'yargs';

// Placeholder until the command lands.
export const demoCommand: CommandModule = {
  command: 'demo',
  describe: '(not yet implemented)',
  handler: () => {
    throw new Error('demo: not implemented');
  },
};
