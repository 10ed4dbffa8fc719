/** A poll of at most POLLS_MAX probes POLL_MS apart (20 s): a consumer parks a poison event after its attempts in about 1.5 s. */
const POLLS_MAX = 100;
const POLL_MS = 200;

/** Probes until it answers something other than undefined, and returns that; fails naming `what` once the polls run out. */
export async function pollUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let poll = 0; poll < POLLS_MAX; poll += 1) {
    const found = await probe();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  throw new Error(`gave up waiting for ${what}`);
}
