// `npm start`: load configuration, open the store, serve, and shut down gracefully on
// SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger, errorName } from './logger.js';
import { redisSharedState } from './scale/redis-shared-state.js';
import { createKolokolServer } from './server.js';
import { openStore } from './store/open-store.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const store = await openStore(config);
  // Several processes share limits, socket slots and delivery through Redis (docs/deploy.md).
  const shared =
    config.redisUrl === undefined
      ? undefined
      : await redisSharedState({
          url: config.redisUrl,
          keyPrefix: config.redisKeyPrefix,
          eventsPerSecondPerSession: config.socketEventsPerSecond,
          eventsPerSecondPerAccount: config.accountEventsPerSecond,
          logger,
        }).catch(async (error: unknown) => {
          await store.close();
          throw error;
        });
  const server = createKolokolServer({ config, store, logger, ...(shared ? { shared } : {}) });
  const address = await server.listen(config.port, config.host);
  logger.info({ port: address.port, shared: shared?.kind ?? 'memory' }, 'kolokol listening');

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ errorName: errorName(error) }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  // Start-up happens before any user data is handled, so the message is safe to print;
  // configuration errors name the variable, never its value.
  const message = error instanceof Error ? error.message : 'start-up failed';
  process.stderr.write(
    `kolokol: ${error instanceof ConfigError ? '' : 'start-up failed: '}${message}\n`,
  );
  process.exit(1);
});
