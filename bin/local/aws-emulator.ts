/**
 * SNS, SQS and S3 for the local stack: fauxqs, in this process. Its own
 * startFauxqs() listens on every interface; building the app and listening
 * ourselves keeps it on 127.0.0.1 (the data is PHI-shaped even when synthetic).
 */
import { buildApp } from 'fauxqs';

export interface AwsEmulatorOptions {
  /** 0 or absent: a free port. */
  port?: number;
  host?: string;
}

export interface RunningAwsEmulator {
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export async function startAwsEmulator(options: AwsEmulatorOptions = {}): Promise<RunningAwsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const app = buildApp({ logger: false, defaultRegion: process.env.AWS_REGION ?? 'us-east-1' });
  await app.listen({ port: options.port ?? 0, host });
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0);
  return {
    endpoint: `http://${host}:${port}`,
    port,
    stop: () => app.close(),
  };
}
