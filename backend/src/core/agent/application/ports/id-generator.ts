import { randomUUID } from "node:crypto";

/** Mints ids for messages, runs and LLM calls; tests pass a deterministic one. */
export type IdGenerator = () => string;

export const randomIds: IdGenerator = () => randomUUID();
