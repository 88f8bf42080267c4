import { describeUnstorable, printable, unstorableCharacterIn } from "./storable-text.js";

/** Something in a parsed JSON body that must be refused, and where. */
export interface JsonBodyProblem {
  /** `body.messages.0.content`; cut short when the path is long. */
  field: string;
  message: string;
}

interface Node {
  value: unknown;
  parent: Node | undefined;
  key: string | number | undefined;
  /** Containers from the root down to this value (the root object or array is 1). */
  depth: number;
}

/** Path segments shown in a field name; a deeper path ends in `…`. */
const MAX_SEGMENTS = 12;
const MAX_KEY_LENGTH = 64;

/**
 * Walks a parsed JSON body once, without recursion (a body may nest a million levels), and
 * returns the first thing no later layer may see:
 * - nesting deeper than `maxDepth` (JSON.stringify and Postgres recurse per level);
 * - a `__proto__` key or a `constructor.prototype` key (prototype poisoning, refused like
 *   Fastify's `onProtoPoisoning`/`onConstructorPoisoning: "error"`, but named);
 * - a key or string Postgres cannot store (NUL, unpaired surrogates).
 */
export function findJsonBodyProblem(
  body: unknown,
  { maxDepth }: { maxDepth: number },
): JsonBodyProblem | undefined {
  const stack: Node[] = [{ value: body, parent: undefined, key: undefined, depth: 0 }];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    const { value } = node;
    if (typeof value === "string") {
      const unstorable = unstorableCharacterIn(value);
      if (unstorable) return { field: fieldOf(node), message: describeUnstorable(unstorable) };
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    const depth = node.depth + 1;
    if (depth > maxDepth) {
      return { field: fieldOf(node), message: `is nested deeper than ${maxDepth} levels` };
    }
    if (Array.isArray(value)) {
      for (let index = value.length - 1; index >= 0; index--) {
        stack.push({ value: value[index], parent: node, key: index, depth });
      }
      continue;
    }
    const keys = Object.keys(value);
    for (let index = keys.length - 1; index >= 0; index--) {
      const key = keys[index] as string;
      const child = (value as Record<string, unknown>)[key];
      const childNode: Node = { value: child, parent: node, key, depth };
      const problem = keyProblem(key, child);
      if (problem) return { field: fieldOf(childNode), message: problem };
      stack.push(childNode);
    }
  }
  return undefined;
}

function keyProblem(key: string, value: unknown): string | undefined {
  if (key === "__proto__") return "is a forbidden key (__proto__)";
  if (
    key === "constructor" &&
    typeof value === "object" &&
    value !== null &&
    Object.hasOwn(value, "prototype")
  ) {
    return "is a forbidden key (constructor.prototype)";
  }
  const unstorable = unstorableCharacterIn(key);
  return unstorable ? `is a key that ${describeUnstorable(unstorable)}` : undefined;
}

/** `body.a.0.b`, shortened: at most MAX_SEGMENTS segments, long or unstorable keys cut. */
function fieldOf(node: Node): string {
  const segments: string[] = [];
  for (let current: Node | undefined = node; current?.key !== undefined; current = current.parent) {
    segments.push(segmentOf(current.key));
  }
  segments.reverse();
  const shown =
    segments.length > MAX_SEGMENTS ? [...segments.slice(0, MAX_SEGMENTS), "…"] : segments;
  return ["body", ...shown].join(".");
}

function segmentOf(key: string | number): string {
  if (typeof key === "number") return String(key);
  // The field name is echoed in the answer and the log: keep it short and storable.
  const safe = printable(key);
  return safe.length > MAX_KEY_LENGTH ? `${safe.slice(0, MAX_KEY_LENGTH)}…` : safe;
}
