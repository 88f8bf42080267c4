import type { Redis, RedisOptions } from "ioredis";
import type { Logger } from "../../application/ports/logger.js";

const WATCHED = Symbol.for("agent-runtime.redis-error-logging");

/**
 * Gives a connection an `error` listener (without one, ioredis prints "Unhandled error event"
 * on every reconnect attempt) and makes every `duplicate()` of it, and of those, get one too:
 * subscribers, blocking readers and BullMQ's worker connections are all duplicates. During an
 * outage each connection logs its first error and, once it is back, one line saying so.
 */
export function logRedisErrors(connection: Redis, logger: Logger, name = "redis"): Redis {
  const marked = connection as Redis & { [WATCHED]?: true };
  if (marked[WATCHED]) return connection;
  marked[WATCHED] = true;
  let failing: string | undefined;
  connection.on("error", (error: Error & { code?: string }) => {
    const kind = error.code ?? error.name;
    if (failing === kind) return;
    failing = kind;
    logger.error({ err: error, connection: name }, "redis connection error");
  });
  connection.on("ready", () => {
    if (failing === undefined) return;
    failing = undefined;
    logger.info({ connection: name }, "redis connection restored");
  });
  const duplicate = connection.duplicate.bind(connection);
  connection.duplicate = (override?: Partial<RedisOptions>) =>
    logRedisErrors(duplicate(override), logger, `${name} (duplicate)`);
  return connection;
}
