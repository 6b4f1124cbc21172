/**
 * The path a test hook marks (a file it creates when it reaches its point), from environment
 * variable `name`; undefined when unset or when the process may not read the environment. The
 * hooks let a test kill the real server at an exact point instead of hoping to hit it.
 */
export function testHookPath(name: string): string | undefined {
  try {
    return Deno.env.get(name);
  } catch {
    return undefined; // no env permission: no hook
  }
}
