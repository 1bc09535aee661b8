// One readiness check, bounded: "ok", or "failing: <why>" when the dependency errs or does not
// answer within 2 s. Shared by the API's health controller and the worker's health server.

const CHECK_TIMEOUT_MS = 2000;

export async function check(fn: () => Promise<void>): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      fn(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${CHECK_TIMEOUT_MS / 1000}s`)),
          CHECK_TIMEOUT_MS,
        );
      }),
    ]);
    return 'ok';
  } catch (err) {
    return `failing: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}
