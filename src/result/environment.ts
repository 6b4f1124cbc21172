import { VERSION } from "../version.ts";
import type { Environment } from "./run_result.ts";

/** The commit of the akibench checkout, or null when it is not a git work tree. */
export async function gitCommit(): Promise<string | null> {
  const dir = decodeURIComponent(new URL("../..", import.meta.url).pathname);
  try {
    const out = await new Deno.Command("git", {
      args: ["rev-parse", "HEAD"],
      cwd: dir,
      stdout: "piped",
      stderr: "null",
    }).output();
    const text = new TextDecoder().decode(out.stdout).trim();
    return out.success && /^[0-9a-f]{40}$/.test(text) ? text : null;
  } catch {
    return null;
  }
}

/** The CPU model from /proc/cpuinfo ("unknown" elsewhere). */
export async function cpuModel(): Promise<string> {
  try {
    const text = await Deno.readTextFile("/proc/cpuinfo");
    return /^model name\s*:\s*(.+)$/m.exec(text)?.[1].trim() ?? "unknown";
  } catch {
    return "unknown";
  }
}

/** Where and with what a run was made, for RunResult.environment. */
export async function collectEnvironment(): Promise<Environment> {
  return {
    akibench_version: VERSION,
    git_commit: await gitCommit(),
    deno_version: Deno.version.deno,
    v8_version: Deno.version.v8,
    typescript_version: Deno.version.typescript,
    os: Deno.build.os,
    arch: Deno.build.arch,
    cpu_model: await cpuModel(),
    cpu_count: navigator.hardwareConcurrency,
    memory_gb: Math.round(Deno.systemMemoryInfo().total / 1024 ** 3 * 10) / 10,
  };
}
