import type { Redis } from "ioredis";

/**
 * Connections for blocking reads (`XREAD BLOCK` holds its connection until data or timeout),
 * so followers never stall each other or the command connection. Connections are reused; a
 * follower that stops mid-block discards its connection instead of waiting for the timeout.
 */
export class BlockingConnectionPool {
  private readonly idle: Redis[] = [];
  private readonly waiters: ((connection: Redis) => void)[] = [];
  private created = 0;
  private closed = false;

  constructor(
    private readonly base: Redis,
    private readonly maxConnections: number,
  ) {}

  async acquire(): Promise<Redis> {
    const ready = this.idle.pop();
    if (ready) return ready;
    if (this.created < this.maxConnections) {
      this.created += 1;
      return this.base.duplicate({ lazyConnect: false, maxRetriesPerRequest: null });
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release(connection: Redis): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter(connection);
    else if (this.closed) connection.disconnect();
    else this.idle.push(connection);
  }

  /** Drops a connection that is still blocked (its follower went away). */
  discard(connection: Redis): void {
    connection.disconnect();
    this.created -= 1;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.idle.splice(0).map((connection) => connection.quit().catch(() => {})));
  }
}
