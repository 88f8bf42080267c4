import pg from "pg";

/**
 * LISTENs on `system_agents_changed` (raised by a trigger on the table) and calls
 * `onChange`; reconnects after a connection loss and reports a change then, since
 * notifications sent while disconnected are lost.
 */
export async function listenForSystemAgentChanges({
  url,
  onChange,
  onError,
}: {
  url: string;
  onChange: () => void;
  onError: (error: unknown) => void;
}): Promise<{ close(): Promise<void> }> {
  let closed = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async () => {
    const next = new pg.Client({
      connectionString: url,
      application_name: "agent-runtime-config-listener",
    });
    next.on("notification", () => onChange());
    next.on("error", (error) => {
      onError(error);
      scheduleReconnect();
    });
    await next.connect();
    await next.query("listen system_agents_changed");
    client = next;
  };
  const scheduleReconnect = () => {
    if (closed || retry) return;
    client = undefined;
    retry = setTimeout(() => {
      retry = undefined;
      connect()
        .then(onChange)
        .catch((error: unknown) => {
          onError(error);
          scheduleReconnect();
        });
    }, 1000);
    retry.unref();
  };

  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
