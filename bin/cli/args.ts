/**
 * Command-line parsing on node:util parseArgs: strict (an unknown option is
 * an error, not silently ignored), with the options every networked tool
 * shares.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UsageError } from './errors.js';

/** --url, --sigv4, --region and --help, spread into each tool's options (each tool explains its --url). */
export const connectionOptions = {
  url: { type: 'string' },
  sigv4: { type: 'boolean', default: false },
  region: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export const connectionHelp = [
  '  --sigv4          sign requests with AWS SigV4 (service execute-api) using the default credential chain',
  '                   (AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, instance roles)',
  '  --region R       signing region (default AWS_REGION, else read from an execute-api URL)',
  '  -h, --help       this text',
];

/** parseArgs with its errors (unknown option, missing value) turned into a UsageError. */
export function parseCommandLine<T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> {
  try {
    return parseArgs(config);
  } catch (error: unknown) {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(error.message);
    }
    throw error;
  }
}

/** A whole number within bounds, or a UsageError naming the option. */
export function integerOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A value an option requires, or a UsageError naming it. */
export function requiredOption(name: string, value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value;
}
