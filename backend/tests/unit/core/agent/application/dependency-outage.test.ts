import { describe, expect, it } from "vitest";
import {
  serviceUnavailable,
  unreachableDependency,
} from "../../../../../src/core/agent/application/dependency-outage.js";
import { LlmProviderError } from "../../../../../src/core/agent/domain/errors.js";

function systemError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe("unreachableDependency", () => {
  it.each([
    [
      "a refused Postgres connection",
      systemError("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:5432"),
      "postgres",
    ],
    [
      "a Postgres shutting down (57P01)",
      systemError("57P01", "terminating connection due to administrator command"),
      "postgres",
    ],
    ["a connection exception (08006)", systemError("08006"), "postgres"],
    ["pg's lost connection", new Error("Connection terminated unexpectedly"), "postgres"],
    ["pg's connect timeout", new Error("timeout exceeded when trying to connect"), "postgres"],
    [
      "ioredis giving up a command",
      Object.assign(new Error("Reached the max retries per request limit"), {
        name: "MaxRetriesPerRequestError",
      }),
      "redis",
    ],
    ["a closed ioredis connection", new Error("Connection is closed."), "redis"],
    [
      "Node's happy-eyeballs AggregateError",
      new AggregateError([systemError("ECONNREFUSED")], "connect failed"),
      "postgres",
    ],
    [
      "a wrapped cause",
      new Error("query failed", { cause: systemError("ECONNRESET") }),
      "postgres",
    ],
    ["the api's own 503", serviceUnavailable("redis"), "redis"],
  ])("recognises %s", (_name, error, dependency) => {
    expect(unreachableDependency(error)).toBe(dependency);
  });

  it.each([
    ["a unique violation", systemError("23505", "duplicate key value")],
    ["a plain bug", new TypeError("cannot read properties of undefined")],
    [
      "an LLM provider's refused socket",
      new LlmProviderError({ message: "provider down", cause: systemError("ECONNREFUSED") }),
    ],
    ["a string", "ECONNREFUSED"],
    ["null", null],
  ])("leaves %s alone", (_name, error) => {
    expect(unreachableDependency(error)).toBeUndefined();
  });

  it("the 503 names the dependency and when to retry", () => {
    expect(serviceUnavailable("postgres").toJSON()).toEqual({
      code: "SERVICE_UNAVAILABLE",
      message: "Postgres is unreachable; try again shortly",
      details: { dependency: "postgres", retry_after_seconds: 5 },
    });
  });
});
