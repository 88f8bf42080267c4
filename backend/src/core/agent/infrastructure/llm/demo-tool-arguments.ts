import type { LanguageModelV3FunctionTool } from "@ai-sdk/provider";

type JsonSchema = LanguageModelV3FunctionTool["inputSchema"];

export type DemoToolKind = "time" | "transfer" | "generic";

const DEFAULT_TRANSFER = { amount: 10, currency: "EUR", to_account: "ACC-DEMO" } as const;

/** What a property holds, judged by its name. */
const FIELD = {
  path: /path|route|url|href|page/,
  amount: /amount|sum/,
  currency: /currency/,
  account: /account|recipient|destination|payee|beneficiary|iban|^to$/,
  timezone: /timezone|time_zone|^tz$/,
} as const;

const CURRENCY_WORDS: ReadonlyMap<string, string> = new Map([
  ["€", "EUR"],
  ["euro", "EUR"],
  ["euros", "EUR"],
  ["$", "USD"],
  ["dollar", "USD"],
  ["dollars", "USD"],
  ["£", "GBP"],
  ["pound", "GBP"],
  ["pounds", "GBP"],
]);

/**
 * Arguments the demo model sends with a tool call: for each property of the tool's JSON
 * schema, a value read from the user's text when the property name says what it is (path,
 * amount, currency, account, timezone…), else a type-based default for required properties.
 */
export function deriveToolArguments(input: {
  tool: LanguageModelV3FunctionTool;
  text: string;
  kind: DemoToolKind;
}): Record<string, unknown> {
  const { properties, required } = schemaShape(input.tool.inputSchema);
  if (input.kind === "transfer" && properties.size === 0) return transferDefaults(input.text);
  const result: Record<string, unknown> = {};
  for (const [name, schema] of properties) {
    const parsed = parsedValue(name, schema, input.text);
    if (parsed !== undefined) result[name] = parsed;
    else if (required.has(name) || (input.kind === "transfer" && isTransferField(name))) {
      result[name] = defaultValue(name, schema, input.text);
    }
  }
  return result;
}

function schemaShape(schema: JsonSchema): {
  properties: Map<string, JsonSchema>;
  required: Set<string>;
} {
  const properties = new Map<string, JsonSchema>();
  for (const [name, value] of Object.entries(schema.properties ?? {})) {
    if (typeof value === "object") properties.set(name, value);
  }
  return { properties, required: new Set(schema.required ?? []) };
}

function transferDefaults(text: string): Record<string, unknown> {
  return {
    amount: parseAmount(text) ?? DEFAULT_TRANSFER.amount,
    currency: parseCurrency(text) ?? DEFAULT_TRANSFER.currency,
    to_account: parseAccount(text) ?? DEFAULT_TRANSFER.to_account,
  };
}

function isTransferField(name: string): boolean {
  const key = name.toLowerCase();
  return FIELD.amount.test(key) || FIELD.currency.test(key) || FIELD.account.test(key);
}

/** A value for a property whose name says what it holds, read from the text. */
function parsedValue(name: string, schema: JsonSchema, text: string): unknown {
  const key = name.toLowerCase();
  if (FIELD.path.test(key)) return parsePath(text);
  if (FIELD.amount.test(key)) {
    const amount = parseAmount(text);
    if (amount === undefined) return undefined;
    return schema.type === "string" ? String(amount) : amount;
  }
  if (FIELD.currency.test(key)) return parseCurrency(text);
  if (FIELD.account.test(key)) return parseAccount(text);
  if (FIELD.timezone.test(key)) return parseTimezone(text);
  return undefined;
}

function defaultValue(name: string, schema: JsonSchema, text: string): unknown {
  const key = name.toLowerCase();
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if (FIELD.path.test(key)) return "/";
  if (FIELD.amount.test(key)) {
    return schema.type === "string" ? String(DEFAULT_TRANSFER.amount) : DEFAULT_TRANSFER.amount;
  }
  if (FIELD.currency.test(key)) return DEFAULT_TRANSFER.currency;
  if (FIELD.account.test(key)) return DEFAULT_TRANSFER.to_account;
  if (FIELD.timezone.test(key)) return "UTC";
  switch (schema.type) {
    case "number":
    case "integer":
      return parseAmount(text) ?? 1;
    case "boolean":
      return true;
    case "array":
      return [];
    case "object":
      return {};
    default:
      return text;
  }
}

function parsePath(text: string): string | undefined {
  return /https?:\/\/\S+/.exec(text)?.[0] ?? /(?:^|\s)(\/[\w\-./?=&#%]*)/.exec(text)?.[1];
}

/** The first number not glued to a word or a dash (so "ACC-42" is not an amount). */
function parseAmount(text: string): number | undefined {
  const match = /(?<![\w-])(\d+(?:[.,]\d+)?)/.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1].replace(",", "."));
}

function parseCurrency(text: string): string | undefined {
  const code =
    /\d\s*([A-Z]{3})\b/.exec(text)?.[1] ??
    /\b([A-Z]{3})\s*\d/.exec(text)?.[1] ??
    /\b(EUR|USD|GBP|CHF|JPY|CAD|AUD|SEK|NOK|DKK|PLN|CNY)\b/i.exec(text)?.[1];
  if (code) return code.toUpperCase();
  const word = /[€$£]|\b(?:euros?|dollars?|pounds?)\b/i.exec(text)?.[0];
  return word === undefined ? undefined : CURRENCY_WORDS.get(word.toLowerCase());
}

function parseAccount(text: string): string | undefined {
  return (
    /\bto\s+(?:account\s+|acct\.?\s+)?([A-Za-z]*[-_]?\d[\w-]*)/i.exec(text)?.[1] ??
    /\b([A-Z]{2,}[-_]\d[\w-]*)\b/.exec(text)?.[1] ??
    /\bto\s+([A-Z][a-z]+)\b/.exec(text)?.[1]
  );
}

function parseTimezone(text: string): string | undefined {
  return /\b([A-Z][a-z]+\/[A-Z][A-Za-z_]+)\b/.exec(text)?.[1] ?? /\b(UTC|GMT)\b/.exec(text)?.[1];
}
