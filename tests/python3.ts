/** Runs Debian's /usr/bin/python3 (where h5py and numpy are installed) for interop tests. */
export const PYTHON = "/usr/bin/python3";

export async function runPython(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(PYTHON, { args, stdout: "piped", stderr: "piped" }).output();
  const decoder = new TextDecoder();
  return {
    code: out.code,
    stdout: decoder.decode(out.stdout),
    stderr: decoder.decode(out.stderr),
  };
}

/** True when /usr/bin/python3 exists and can import every module named. */
export async function hasPythonModules(...modules: string[]): Promise<boolean> {
  try {
    return (await runPython(["-c", `import ${modules.join(", ")}`])).code === 0;
  } catch {
    return false;
  }
}
