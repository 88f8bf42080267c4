import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { type ErrorResponse, requestError } from "./error-response.js";

/**
 * Node's `clientError` (what happens before a request reaches Fastify): malformed HTTP,
 * headers over the size limit, a request or its headers not sent within the timeouts.
 * Answered in the documented error shape, then the connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  // Like Node's own handler: never write into a response that has started.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (socket.writable && !inFlight?.headersSent) {
    const { status, body } = clientErrorResponse(error.code);
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(json)}\r\nconnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

export function clientErrorResponse(code: string | undefined): ErrorResponse {
  switch (code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return requestError({
        code: "REQUEST_TIMEOUT",
        message: "The request was not received within the time allowed",
      });
    case "HPE_HEADER_OVERFLOW":
      return requestError({
        code: "HEADERS_TOO_LARGE",
        message: "The request line and headers are larger than allowed",
        details: { field: "headers" },
      });
    default:
      return requestError({ code: "VALIDATION_ERROR", message: "Malformed HTTP request" });
  }
}
