/**
 * For integration tests: the endpoints of the run's DynamoDB Local and
 * SNS/SQS/S3 emulator (started on first request by global-setup.ts), put into
 * process.env so the adapters, which read only the environment, reach them.
 */
import { inject } from 'vitest';
import type { LocalServicesDescription } from './global-setup.js';

declare module 'vitest' {
  export interface ProvidedContext {
    localServicesUrl: string;
  }
}

/** Generous: DynamoDB Local's JVM takes 2-7 s to start on two busy cores. */
export const localServicesTimeoutMs = 60_000;

export async function useLocalServices(): Promise<LocalServicesDescription> {
  const response = await fetch(inject('localServicesUrl'), { method: 'POST' });
  const body = (await response.json()) as LocalServicesDescription | { error: string };
  if ('error' in body) {
    throw new Error(`Local services could not start: ${body.error}`);
  }
  Object.assign(process.env, body.environment);
  return body;
}
