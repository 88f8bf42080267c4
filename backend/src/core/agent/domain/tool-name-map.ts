import { UnknownToolError } from "./errors.js";

/** What every LLM provider accepts as a function name. */
export const PROVIDER_FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

const MAX_LENGTH = 64;
const HASH_LENGTH = 8;

export type ToolNameMap = {
  /** The provider function name for a tool; throws UnknownToolError for a name not in the map. */
  toProvider(name: string): string;
  /** The tool a provider function name stands for, or undefined if it stands for none. */
  fromProvider(functionName: string): string | undefined;
  /** `[toolName, functionName]` pairs, sorted by tool name. */
  entries(): readonly (readonly [string, string])[];
};

/**
 * A reversible, collision-free mapping from tool names (dots allowed, any length) to provider
 * function names. It depends only on the set of names, not their order. `reserved` names (the
 * backend tools) are mapped first, among themselves, so a backend tool keeps its function name
 * whatever other names appear (a client tool or an imported history can never push it aside);
 * then the rest, each group by the same rules:
 * 1. a name that is already valid maps to itself (and is reserved first);
 * 2. otherwise invalid characters become `_` (`srv.transfer_funds` → `srv_transfer_funds`),
 *    if that result is valid, free and produced by no other name;
 * 3. otherwise a prefix plus `_` and an 8-hex-digit FNV-1a hash of the full name, re-hashed
 *    with a counter in the astronomically rare case that it is taken.
 */
export function createToolNameMap(
  names: readonly string[],
  { reserved = [] }: { reserved?: readonly string[] } = {},
): ToolNameMap {
  const sorted = [...new Set(names)].sort();
  const first = new Set(reserved);
  const forward = new Map<string, string>();
  const backward = new Map<string, string>();
  const assign = (name: string, functionName: string) => {
    forward.set(name, functionName);
    backward.set(functionName, name);
  };
  const assignGroup = (group: readonly string[]) => {
    for (const name of group) {
      if (PROVIDER_FUNCTION_NAME.test(name) && !backward.has(name)) assign(name, name);
    }
    const rest = group.filter((name) => !forward.has(name));
    const sanitizedCounts = new Map<string, number>();
    for (const name of rest) {
      const sanitized = sanitize(name);
      sanitizedCounts.set(sanitized, (sanitizedCounts.get(sanitized) ?? 0) + 1);
    }
    for (const name of rest) {
      const sanitized = sanitize(name);
      const usable = PROVIDER_FUNCTION_NAME.test(sanitized) && sanitizedCounts.get(sanitized) === 1;
      if (usable && !backward.has(sanitized)) assign(name, sanitized);
    }
    for (const name of rest.filter((candidate) => !forward.has(candidate))) {
      const prefix = sanitize(name).slice(0, MAX_LENGTH - HASH_LENGTH - 1) || "tool";
      let attempt = 0;
      let functionName = `${prefix}_${fnv1a(name)}`;
      while (backward.has(functionName)) {
        attempt += 1;
        functionName = `${prefix}_${fnv1a(`${name}\u0000${attempt}`)}`;
      }
      assign(name, functionName);
    }
  };
  assignGroup(sorted.filter((name) => first.has(name)));
  assignGroup(sorted.filter((name) => !first.has(name)));

  return {
    toProvider(name) {
      const functionName = forward.get(name);
      if (functionName === undefined) {
        throw new UnknownToolError({ toolName: name });
      }
      return functionName;
    },
    fromProvider: (functionName) => backward.get(functionName),
    entries: () => sorted.map((name) => [name, forward.get(name) ?? name] as const),
  };
}

/**
 * Two tool names the model could take for one another: the same letters and digits once case,
 * accents and every separator are set aside (`srv.transfer_funds`, `srv_transfer_funds`,
 * `SRV-Transfer-Funds` all give `srvtransferfunds`).
 */
export function toolNameLookalikeKey(name: string): string {
  return name
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]/g, "");
}

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, "_");
}

/** 32-bit FNV-1a over UTF-16 code units, as 8 hex digits: short, stable, dependency-free. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(HASH_LENGTH, "0");
}
