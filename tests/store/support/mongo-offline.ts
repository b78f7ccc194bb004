// The MongoDB adapter's models on a connection that never connects: schemas, queries and filters
// can be built and inspected without a server (none can be installed on these machines).
import { kolokolMongoose } from '../../../server/src/store/mongo/mongoose.js';
import { registerModels } from '../../../server/src/store/mongo/context.js';
import type { MongoContext } from '../../../server/src/store/mongo/context.js';

/** A fresh unconnected connection with every model registered on it. */
export function offlineContext(): MongoContext {
  const connection = kolokolMongoose.createConnection();
  return { connection, models: registerModels(connection) };
}
