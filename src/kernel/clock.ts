/** The only source of "now". Deciders never call it: the edge reads it and passes time in with the command. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
