/**
 * Closes an exhaustive `switch`: a new member of the union makes the call fail to type-check,
 * and a value that slips past the types at runtime fails loudly.
 */
export function assertNever(value: never): never {
  throw new Error(`Unhandled value: ${JSON.stringify(value)}`);
}
