/**
 * Reads until `read` answers something (not undefined), every 200 ms, and fails naming `what` after
 * `timeoutMs`: for what the local stack does asynchronously (a mail, a record, a run's end).
 */
export async function eventually<T>(
  read: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 45_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
