import { connect, type Socket } from "node:net";

/** A plain TCP connection to a listening server, for what an HTTP client library won't send. */
export async function openSocket(baseUrl: string): Promise<Socket> {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

export interface SocketOutcome {
  /** Everything the server wrote. */
  received: string;
  /** The server closed the connection before the deadline. */
  closed: boolean;
}

/** Collects what the server sends until it closes the connection, or until `deadlineMs`. */
export function untilClosed(socket: Socket, deadlineMs: number): Promise<SocketOutcome> {
  return new Promise((resolve) => {
    let received = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      received += chunk;
    });
    socket.on("error", () => {});
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ received, closed: false });
    }, deadlineMs);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve({ received, closed: true });
    });
  });
}

/** Status code and parsed JSON body of a raw HTTP/1.1 answer. */
export function parseRawResponse(raw: string): { status: number; headers: string; body: unknown } {
  const [head = "", body = ""] = raw.split("\r\n\r\n", 2);
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  return { status, headers: head, body: body.length > 0 ? JSON.parse(body) : undefined };
}
