import { type ErrorCode, httpStatusFor, isErrorCode } from "./error-codes.js";

export type ErrorDetails = Record<string, unknown>;

export type AgentErrorInit = {
  message: string;
  details?: ErrorDetails;
  cause?: unknown;
};

/** How an error travels across the queue and the event stream. */
export type AgentErrorJSON = {
  code: ErrorCode;
  message: string;
  details?: ErrorDetails;
};

/**
 * A registered symbol rather than `instanceof`, so an error from another copy of this module
 * (a second bundle, a worker thread) is still recognised.
 */
const AGENT_ERROR_BRAND = Symbol.for("agent-runtime.agent-error");

type ErrorClassShape<T> = {
  readonly codes: readonly ErrorCode[] | undefined;
  readonly prototype: T;
};

export abstract class AgentError extends Error {
  /** The codes this class stands for; `undefined` on AgentError itself means any code. */
  static readonly codes: readonly ErrorCode[] | undefined = undefined;

  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly details?: ErrorDetails;

  protected constructor({ code, message, details, cause }: AgentErrorInit & { code: ErrorCode }) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = new.target.name;
    this.code = code;
    this.httpStatus = httpStatusFor(code);
    if (details !== undefined) {
      this.details = details;
    }
    Object.defineProperty(this, AGENT_ERROR_BRAND, { value: true });
  }

  toJSON(): AgentErrorJSON {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  /**
   * Recognises an error by brand and code: `ThreadBusyError.isInstance(e)` is true for any
   * branded error whose code is THREAD_BUSY, wherever it was built.
   */
  static isInstance<T extends AgentError>(this: ErrorClassShape<T>, value: unknown): value is T {
    if (typeof value !== "object" || value === null) {
      return false;
    }
    const candidate = value as { [AGENT_ERROR_BRAND]?: unknown; code?: unknown };
    if (candidate[AGENT_ERROR_BRAND] !== true || !isErrorCode(candidate.code)) {
      return false;
    }
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class it was called on, whose codes narrow the match
    const { codes } = this;
    return codes === undefined || codes.includes(candidate.code);
  }
}
