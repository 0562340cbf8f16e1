/** Whether a process id is still alive (signal 0), for the tests that check a program was killed. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
