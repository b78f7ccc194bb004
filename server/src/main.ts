// `npm start`: load configuration, open the store, serve, and shut down gracefully on
// SIGTERM/SIGINT.
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger, errorName } from './logger.js';
import { createKolokolServer } from './server.js';
import { openStore } from './store/open-store.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const store = await openStore(config);
  const server = createKolokolServer({ config, store, logger });
  const address = await server.listen(config.port, config.host);
  logger.info({ port: address.port }, 'kolokol listening');

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
