/**
 * The command-line tools' errors. The message is what the user reads (no
 * stack trace), the exit code what the shell sees: 2 for a wrong command
 * line, 1 for everything else that went wrong.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }
}

/** The command line itself is wrong: nothing was sent. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(`${message} (see --help)`, 2);
    this.name = 'UsageError';
  }
}
