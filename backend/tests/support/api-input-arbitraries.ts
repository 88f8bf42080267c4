import fc from "fast-check";

/*
 * fast-check arbitraries for what a hostile or broken client can send the api: bodies as raw
 * JSON text (so `__proto__` keys, NUL and unpaired surrogates survive), ids, query strings
 * and header values. Mostly well-formed with one part broken, sometimes garbage throughout.
 */

/** A JSON value as a tree whose objects are entry lists: `{"__proto__": …}` stays a key. */
export type JsonTree =
  | null
  | boolean
  | number
  | string
  | JsonTree[]
  | { entries: [string, JsonTree][] };

export function jsonText(tree: JsonTree): string {
  if (Array.isArray(tree)) return `[${tree.map(jsonText).join(",")}]`;
  if (tree !== null && typeof tree === "object") {
    return `{${tree.entries.map(([key, value]) => `${JSON.stringify(key)}:${jsonText(value)}`).join(",")}}`;
  }
  return JSON.stringify(tree) ?? "null";
}

const object = (entries: [string, JsonTree][]): JsonTree => ({ entries });

/** Strings with what breaks layers: NUL, unpaired surrogates, ids BullMQ or Redis dislike, long. */
export const nastyString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 12 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "a\u0000b",
    "\uD800",
    "x\uDC00",
    "\uDBFF\uDFFF",
    "\u202Eevil",
    "a:b",
    "run:1:2",
    "123",
    "0",
    "~0123",
    "-1",
    "__proto__",
    "constructor",
    "prototype",
    "../../etc/passwd",
    "%00",
    "null",
    "line\nbreak",
    "x".repeat(200),
    "x".repeat(201),
    "y".repeat(5000),
  ),
);

const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(2 ** 31, 2 ** 31 - 1, 2 ** 53, -(2 ** 53), 1e308, -0),
);

const nastyKey = fc.oneof(
  nastyString,
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty"),
);

/** Any JSON value, including proto keys and unstorable text, a few levels deep. */
export const anyJson: fc.Arbitrary<JsonTree> = fc.letrec<{ value: JsonTree }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    nastyNumber,
    nastyString,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.array(fc.tuple(nastyKey, tie("value")), { maxLength: 4 }).map(object),
  ),
})).value;

/** Nesting far beyond any limit: `{"a":{"a":…}}` or `[[[…]]]`. */
export const deepJson = fc
  .tuple(fc.integer({ min: 60, max: 20_000 }), fc.constantFrom(false, false, true))
  .map(([depth, arrays]): string =>
    arrays
      ? `${"[".repeat(depth)}1${"]".repeat(depth)}`
      : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`,
  );

export const validId = fc.uuid().map((uuid) => `id-${uuid}`);
/** Ids as clients send them, good and bad. */
export const anyId = fc.oneof(validId, nastyString);

/** A field that is usually right and sometimes anything at all. */
const mostly = (good: fc.Arbitrary<JsonTree>) =>
  fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: anyJson });

/** Plain JSON (printable strings, shallow) as a tree. */
const plainJson: fc.Arbitrary<JsonTree> = fc.jsonValue({ maxDepth: 3 }).map(toTree);

function toTree(value: unknown): JsonTree {
  if (Array.isArray(value)) return value.map(toTree);
  if (value !== null && typeof value === "object") {
    return object(Object.entries(value).map(([key, item]) => [key, toTree(item)]));
  }
  return value as JsonTree;
}

/** An object of anything: proto keys, NUL and unpaired surrogates in keys and values. */
const nastyObject = fc
  .array(fc.tuple(nastyKey, anyJson), { minLength: 1, maxLength: 4 })
  .map(object);

const goodMessage = fc
  .record({
    id: validId,
    text: fc.oneof(
      { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
      { weight: 1, arbitrary: nastyString },
    ),
  })
  .map(({ id, text }) =>
    object([
      ["id", id],
      ["role", "user"],
      ["content", text],
    ]),
  );

const goodTool = fc
  .record({ name: fc.stringMatching(/^client_[a-z0-9_]{1,20}$/), parameters: plainJson })
  .map(({ name, parameters }) =>
    object([
      ["name", name],
      ["description", "a client tool"],
      [
        "parameters",
        object([
          ["type", "object"],
          ["x-extra", parameters],
        ]),
      ],
    ]),
  );

/** A message of any role with any part possibly broken. */
const anyMessage = fc
  .record({
    id: mostly(anyId),
    role: mostly(fc.constantFrom("user", "assistant", "tool", "system", "developer", "robot")),
    content: mostly(fc.oneof(nastyString, fc.constant("hello"))),
    toolCallId: anyId,
  })
  .map(({ id, role, content, toolCallId }) =>
    object([
      ["id", id],
      ["role", role],
      ["content", content],
      ...(role === "tool" ? ([["toolCallId", toolCallId]] as [string, JsonTree][]) : []),
    ]),
  );

const RUN_INPUT_FIELDS = [
  "threadId",
  "runId",
  "messages",
  "tools",
  "context",
  "state",
  "forwardedProps",
  "resume",
];

/** What a broken field of a RunAgentInput holds instead. */
const brokenField = fc.oneof(anyJson, anyId, fc.array(anyMessage, { minLength: 1, maxLength: 3 }));

/**
 * RunAgentInput bodies: a valid AG-UI input (so many are accepted and run) with zero to three
 * fields replaced by anything, and sometimes extra keys.
 */
export const runAgentInputTree = fc
  .record({
    threadId: validId,
    runId: validId,
    messages: fc.array(goodMessage, { minLength: 1, maxLength: 3 }),
    tools: fc.array(goodTool, { maxLength: 2 }),
    context: fc.constant([]),
    state: fc.oneof(
      { weight: 3, arbitrary: plainJson },
      { weight: 1, arbitrary: fc.constant(object([])) },
      { weight: 1, arbitrary: nastyObject },
    ),
    forwardedProps: fc.constant(object([])),
  })
  .chain((good) =>
    fc
      .record({
        broken: fc.oneof(
          { weight: 1, arbitrary: fc.constant([] as string[]) },
          { weight: 1, arbitrary: fc.subarray(RUN_INPUT_FIELDS, { minLength: 1, maxLength: 3 }) },
        ),
        replacements: fc.array(brokenField, { minLength: 3, maxLength: 3 }),
        extra: fc.array(fc.tuple(nastyKey, anyJson), { maxLength: 2 }),
      })
      .map(({ broken, replacements, extra }) => {
        const fields = new Map<string, JsonTree>(Object.entries(good) as [string, JsonTree][]);
        broken.forEach((field, index) => {
          fields.set(field, replacements[index] as JsonTree);
        });
        return object([...fields.entries(), ...extra]);
      }),
  );

/** Resume bodies: `tool_results`, `approvals`, `resume`, each possibly broken. */
export const resumeBodyTree = fc
  .record({
    run_id: fc.option(anyId, { nil: undefined }),
    tool_results: mostly(
      fc.array(
        fc
          .record({ tool_call_id: anyId, content: nastyString })
          .map((entry) => object(Object.entries(entry))),
        { maxLength: 2 },
      ),
    ),
    approvals: mostly(
      fc.array(
        fc
          .record({ tool_call_id: anyId, approved: mostly(fc.boolean()), edited_args: anyJson })
          .map((entry) => object(Object.entries(entry))),
        { maxLength: 2 },
      ),
    ),
    resume: anyJson,
  })
  .map(({ run_id, ...fields }) =>
    object([
      ...(run_id === undefined ? [] : ([["run_id", run_id]] as [string, JsonTree][])),
      ...Object.entries(fields),
    ]),
  );

/**
 * A body as text: mostly JSON of `tree`; sometimes `tree` with one member nested thousands
 * of levels deep (a later key wins in JSON.parse); sometimes any JSON, or not JSON at all.
 */
export const bodyText = (tree: fc.Arbitrary<JsonTree>, deepMember: string) =>
  fc.oneof(
    { weight: 6, arbitrary: tree.map(jsonText) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(tree, deepJson)
        .map(([body, deep]) =>
          jsonText(body).replace(/}$/, `,${JSON.stringify(deepMember)}:${deep}}`),
        ),
    },
    { weight: 1, arbitrary: anyJson.map(jsonText) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
    {
      // Around the 1 MiB body limit: just under it is accepted, just over it is 413.
      weight: 1,
      arbitrary: fc
        .tuple(tree, fc.integer({ min: 1_047_000, max: 1_050_000 }))
        .map(([body, size]) => jsonText(body).replace(/}$/, `,"padding":"${"p".repeat(size)}"}`)),
    },
  );

/**
 * Every byte of the UTF-8 form percent-encoded (what a URL can carry: an unpaired surrogate
 * has no UTF-8 form and arrives as U+FFFD, as from any HTTP client).
 */
export function percentEncoded(text: string): string {
  return [...Buffer.from(text, "utf8")]
    .map((byte) => `%${byte.toString(16).padStart(2, "0")}`)
    .join("");
}

/** A path segment as it reaches the router: percent-encoded text, or raw percent garbage. */
export const pathSegment = fc.oneof(
  { weight: 4, arbitrary: anyId.map(percentEncoded) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("%", "%E0%A4%A", "%ED%A0%80", "%00", "%C0%AF", "%2F..%2F", "%FF"),
  },
);

/** A query string of parameters the routes read (and some they don't), values anything. */
export const queryString = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        "after_seq",
        "limit",
        "offset",
        "after",
        "from",
        "to",
        "group_by",
        "user_id",
        "__proto__",
        "constructor",
        "x",
      ),
      fc.oneof(
        fc.integer().map(String),
        fc.constantFrom(
          "2147483648",
          "-1",
          "1e3",
          "0x10",
          "",
          "NaN",
          "Infinity",
          "99999999999999999999-0",
        ),
        nastyString,
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) => pairs.map(([key, value]) => `${key}=${percentEncoded(value)}`).join("&"));

/** Header values Node lets a client send (visible ASCII and Latin-1), nonsense included. */
export const headerValue = fc.oneof(
  fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    maxLength: 60,
  }),
  fc.string({
    unit: fc.integer({ min: 0xa0, max: 0xff }).map((code) => String.fromCharCode(code)),
    maxLength: 8,
  }),
  fc.constantFrom(
    "text/event-stream;q=0",
    "*/*",
    "application/json",
    "0-0",
    "1-1:1",
    "x".repeat(300),
  ),
);
