// Time as a dependency, so tests can move it and the domain never calls Date.now() itself.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
