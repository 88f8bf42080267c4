/**
 * CrewAI inputs (`kickoff(inputs=…)`): the values a run's `{placeholder}`s are filled with.
 * Pure helpers shared by the api (which refuses a run that lacks one) and the worker (which
 * fills the prompts).
 */

/** An input value as interpolation writes it; `null` and `undefined` count as not given. */
export function inputText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Every given value of `values` as text (`forwardedProps.inputs`, a state object). */
export function inputTexts(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    const text = inputText(value);
    if (text !== undefined) texts[name] = text;
  }
  return texts;
}

/** Only the values whose names are in `names` (extra inputs are ignored, never stored). */
export function pickInputs(
  values: Readonly<Record<string, string>>,
  names: Iterable<string>,
): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    if (Object.hasOwn(values, name) && values[name] !== undefined) picked[name] = values[name];
  }
  return picked;
}

/** The required inputs that neither the run's inputs nor the thread's state give, in order. */
export function missingInputs(input: {
  declared: readonly { name: string; required: boolean }[];
  inputs: Readonly<Record<string, unknown>>;
  state: Readonly<Record<string, unknown>>;
}): string[] {
  const { declared, inputs, state } = input;
  return declared
    .filter((entry) => entry.required)
    .map((entry) => entry.name)
    .filter(
      (name) =>
        inputText(Object.hasOwn(inputs, name) ? inputs[name] : undefined) === undefined &&
        inputText(Object.hasOwn(state, name) ? state[name] : undefined) === undefined,
    );
}
