/**
 * What the offline demo model answers when a structured answer is asked for (a task's
 * `output_json`): the smallest JSON value a schema accepts, from its first choices — enum and
 * const values, minimums, `minItems` items, every declared property. Deterministic; good enough
 * for the schemas tasks use, not a general JSON Schema sampler (`$ref` and `not` are ignored).
 */
export function demoJsonAnswer(schema: unknown, text: string): unknown {
  return sample(schema, text, 0);
}

const MAX_DEPTH = 8;

function sample(schema: unknown, text: string, depth: number): unknown {
  if (typeof schema !== "object" || schema === null || depth > MAX_DEPTH) return null;
  const node = schema as Record<string, unknown>;
  if ("const" in node) return node.const;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  for (const keyword of ["anyOf", "oneOf", "allOf"]) {
    const choices = node[keyword];
    if (Array.isArray(choices) && choices.length > 0) return sample(choices[0], text, depth + 1);
  }
  const type = Array.isArray(node.type) ? node.type[0] : node.type;
  switch (type) {
    case "object":
      return Object.fromEntries(
        Object.entries((node.properties ?? {}) as Record<string, unknown>).map(
          ([name, property]) => [name, sample(property, text, depth + 1)],
        ),
      );
    case "array": {
      const count = Math.max(1, typeof node.minItems === "number" ? node.minItems : 1);
      return Array.from({ length: count }, () => sample(node.items, text, depth + 1));
    }
    case "integer":
    case "number":
      return typeof node.minimum === "number" ? Math.ceil(node.minimum) : 1;
    case "boolean":
      return true;
    case "null":
      return null;
    default: {
      const value = `(demo) ${text}`.slice(
        0,
        typeof node.maxLength === "number" ? node.maxLength : 200,
      );
      const minLength = typeof node.minLength === "number" ? node.minLength : 0;
      return value.padEnd(minLength, ".");
    }
  }
}
