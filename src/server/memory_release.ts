import v8 from "node:v8";
import vm from "node:vm";

/**
 * Gives memory the server no longer uses back to the operating system: a full garbage
 * collection (so the native buffers of dead request bodies, WAL batches and vectors are freed
 * now rather than at V8's leisure), then glibc `malloc_trim(0)` through FFI, which returns the
 * freed pages inside the C heaps. A bulk load leaves about as much dead native memory behind as
 * it loaded; without this, RSS stays far above what is in use. Each step is skipped where the
 * platform or permissions do not allow it.
 */
type Libc = Deno.DynamicLibrary<{ malloc_trim: { parameters: ["usize"]; result: "i32" } }>;

let libc: Libc | null | undefined;
let collect: (() => void) | null | undefined;

function openLibc(): Libc | null {
  if (Deno.build.os !== "linux") return null;
  try {
    return Deno.dlopen("libc.so.6", { malloc_trim: { parameters: ["usize"], result: "i32" } });
  } catch {
    return null;
  }
}

function exposeGc(): (() => void) | null {
  try {
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    return typeof gc === "function" ? gc : null;
  } catch {
    return null;
  }
}

/** Collects garbage and trims the C heaps (blocks for a few to tens of milliseconds). */
export function releaseMemory(): void {
  if (collect === undefined) collect = exposeGc();
  if (libc === undefined) libc = openLibc();
  collect?.();
  libc?.symbols.malloc_trim(0n);
}
