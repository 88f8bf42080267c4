export type KeySegment = string | number;

/** `["responder", "tools", 1]` → `responder.tools[1]`. */
export function formatKeyPath(segments: readonly KeySegment[]): string {
  let path = "";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else path += path === "" ? segment : `.${segment}`;
  }
  return path === "" ? "(root)" : path;
}
