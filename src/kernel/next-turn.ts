/** Resolves at the event loop's next turn (timers and I/O run first): a long loop of work lets HTTP and the other consumers in. */
export function nextTurn(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
