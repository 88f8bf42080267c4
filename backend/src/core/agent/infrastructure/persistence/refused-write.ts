/*
 * Postgres errors that say a write can never succeed as it is, whatever the retries: the
 * data is wrong for its column (class 22: out of range, untranslatable character, invalid
 * text), breaks a constraint (class 23) or a size limit (class 54). Connection, lock and
 * resource errors are not among them: those pass.
 */
const REFUSING_CLASSES = new Set(["22", "23", "54"]);

/** The SQLSTATE of a driver error (drizzle wraps it in `cause`), if any. */
export function sqlStateOf(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isRefusedWrite(error: unknown): boolean {
  const state = sqlStateOf(error);
  return state !== undefined && REFUSING_CLASSES.has(state.slice(0, 2));
}
