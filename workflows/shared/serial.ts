/**
 * Runs async critical sections one after another, in call order (a promise chain: deterministic).
 * A handler that awaits (a calendar answer, a child's start) holds the entity until it is done,
 * so the next request is decided on the state the first one left.
 */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
