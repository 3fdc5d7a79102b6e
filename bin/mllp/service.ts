/**
 * The MLLP listener as a long-running service (the Fargate task of a
 * hospital whose config enables `mllp`): plain TCP on MLLP_PORT inside the
 * VPC, behind the Network Load Balancer that ends TLS and admits only the
 * hospital's address ranges. Each frame goes through the ingest function's
 * own code (`ingestBody`: same workflow, ports, settings, metrics and logs,
 * with the service name `mllp`). SIGTERM (a deployment, a scale-in) stops
 * accepting and lets the messages being answered finish.
 */
import { startMllpListener } from './listener.js';

const port = Number(process.env.MLLP_PORT ?? 2575);
const { ingestBody, maxMessageBytes } = await import('../../lambdas/handlers/ingest.js');
const { logger } = await import('../../lambdas/handlers/runtime.js');

const listener = await startMllpListener({
  host: '0.0.0.0',
  port,
  maxMessageBytes,
  answer: async (content) => (await ingestBody(content)).ack,
  // Framing and connection outcomes: addresses and byte counts, never content.
  log: (event) => logger.warn('mllp', { ...event }),
});
logger.info('mllp listener started', { port: listener.port });

process.once('SIGTERM', () => {
  void listener.stop().then(() => {
    logger.info('mllp listener stopped');
    process.exit(0);
  });
});
