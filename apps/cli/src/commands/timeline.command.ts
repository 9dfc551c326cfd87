import { commandFor } from './history.command';

export const run = commandFor('timeline');
