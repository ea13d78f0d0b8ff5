#!/usr/bin/env node
/**
 * The `ssm-config` executable: wires the process to {@link runCli}.
 */
import { reportUnsettled, runCli } from "./program.js";

// The environment the user gave us, before the adjustment below: `exec` passes it on unchanged.
const inherited = { ...process.env };

// The SDK warns on every run under Node < 22 about its own future releases. That is advice for
// application developers; for a command-line tool it is noise on stderr, which carries only our
// messages. (The package supports Node >= 20.)
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// A reader that stops early (`| head`) is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});

const argv = process.argv.slice(2);
const io = {
  stdout: process.stdout,
  stderr: process.stderr,
  // Created on first use only: `put` and `delete` read it, other commands never touch it.
  get stdin() {
    return process.stdin;
  },
  env: inherited,
  cwd: process.cwd(),
};

// The loop empties before runCli settles only when the command awaits a promise that nothing
// will ever settle; Node would exit with 13 and print nothing.
let finished = false;
process.once("beforeExit", () => {
  if (!finished) process.exitCode = reportUnsettled(argv, io);
});

process.exitCode = await runCli(argv, io);
finished = true;
