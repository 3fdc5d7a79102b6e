/**
 * Where a command writes and what environment it reads, passed in so tests
 * run a command in-process and read its output; and the entry point each
 * script in bin/ hands its command to.
 */
import { CliError } from './errors.js';

export interface CommandIo {
  /** One line of the command's result (stdout). */
  out(line: string): void;
  /** One line of diagnosis (stderr). */
  err(line: string): void;
  env: Readonly<Record<string, string | undefined>>;
}

/** A command: its arguments in, its exit code out; it throws CliError for what the user must fix. */
export type Command = (args: string[], io: CommandIo) => Promise<number>;

export const processIo: CommandIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  env: process.env,
};

/** Runs a command and turns what it throws into a message and an exit code. */
export async function runCommand(command: Command, args: string[], io: CommandIo): Promise<number> {
  try {
    return await command(args, io);
  } catch (error: unknown) {
    if (error instanceof CliError) {
      io.err(error.message);
      return error.exitCode;
    }
    // Not one of ours: the message and the type, still without a stack (set DEBUG for it).
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.err(`unexpected error: ${detail}`);
    if (io.env.DEBUG !== undefined && error instanceof Error && error.stack !== undefined)
      io.err(error.stack);
    return 1;
  }
}

/** For the scripts in bin/: process arguments, stdout/stderr, and the exit code once output is flushed. */
export function runMain(command: Command): void {
  void runCommand(command, process.argv.slice(2), processIo).then((code) => {
    process.exitCode = code;
  });
}
