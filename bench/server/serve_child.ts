/** Runs only `akibench serve` (so the bench does not depend on the other CLI commands). */
import { serveCommand } from "../../src/cli/serve_command.ts";

Deno.exit(await serveCommand.run(Deno.args));
