import { z } from "zod";
import { isPlainText } from "../storable-text.js";

/* The field rules the request schemas share: what an id, a query number or a stream position is. */

/**
 * Thread, run, message, tool-call and interrupt ids: 1–200 characters, none of them a control
 * character or an unpaired surrogate (Postgres cannot store NUL or unpaired surrogates; the
 * others break logs and headers). `:` and all-digit ids are fine: ids unsafe as BullMQ job ids
 * or Redis keys get a derived storage id (migrations/0010_owner_scoped_ids.sql).
 */
export const id = z
  .string()
  .min(1)
  .max(200)
  .refine(isPlainText, { message: "must not contain control characters or unpaired surrogates" });
/** Tool, workflow and other names. */
export const name = id;
export const jsonObject = z.record(z.string(), z.unknown());

/** Largest value a query number may have: `seq` and counts are Postgres `integer`s. */
export const MAX_INT32 = 2_147_483_647;
/** A non-negative integer written in plain digits (no sign, exponent, hex or blank). */
export const queryInteger = ({
  min,
  max,
  fallback,
}: {
  min: number;
  max: number;
  fallback: number;
}) =>
  z
    .string()
    .regex(/^\d{1,10}$/, { message: "must be a whole number written in digits" })
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .optional()
    .transform((value) => value ?? fallback);

/**
 * An event-stream position (SSE `id:`): `<ms>-<seq>` or `<ms>-<seq>:<index>`, each part as
 * Redis Stream ids allow (64-bit unsigned), the index an int32.
 */
const EVENT_POSITION = /^(\d{1,20})-(\d{1,20})(?::\d{1,9})?$/;
const MAX_UINT64 = 18_446_744_073_709_551_615n;
export const eventPosition = z
  .string()
  .regex(EVENT_POSITION, { message: "must be an event id seen on the stream (e.g. 0-1:0)" })
  .refine(
    (value) => {
      const [, milliseconds, sequence] = EVENT_POSITION.exec(value) ?? [];
      return BigInt(milliseconds ?? "0") <= MAX_UINT64 && BigInt(sequence ?? "0") <= MAX_UINT64;
    },
    { message: "is beyond the range of stream ids" },
  );
