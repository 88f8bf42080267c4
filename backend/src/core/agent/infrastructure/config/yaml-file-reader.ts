import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { ConfigReport } from "./config-report.js";
import { formatKeyPath, type KeySegment } from "./key-path.js";

export type YamlFileContent =
  | { status: "missing" }
  | { status: "broken" }
  | { status: "parsed"; value: Record<string, unknown> };

/**
 * Reads one YAML file whose top level is a mapping. Syntax errors are reported as
 * `line L, column C`; duplicate keys (which `yaml` would otherwise resolve last-wins) are
 * reported under the duplicated key's path, and the file still counts as parsed so that the
 * rest of it can be checked.
 */
export function readYamlFile(input: {
  directory: string;
  file: string;
  report: ConfigReport;
}): YamlFileContent {
  const { directory, file, report } = input;
  const path = join(directory, file);
  if (!existsSync(path)) return { status: "missing" };

  let source: string;
  try {
    source = readFileSync(path, "utf8");
  } catch (error) {
    report.problem(file, "(file)", `cannot be read: ${(error as Error).message}`);
    return { status: "broken" };
  }

  const lineCounter = new LineCounter();
  const document = parseDocument(source, { lineCounter, prettyErrors: false, uniqueKeys: true });
  let syntaxBroken = false;
  for (const error of document.errors) {
    const [offset] = error.pos;
    if (error.code === "DUPLICATE_KEY") {
      const keyPath = keyPathAtOffset(document.contents, offset, []);
      const { line, col } = lineCounter.linePos(offset);
      report.problem(
        file,
        keyPath ? formatKeyPath(keyPath) : `line ${line}, column ${col}`,
        `duplicate key (line ${line}, column ${col}); each key may appear only once`,
      );
      continue;
    }
    syntaxBroken = true;
    const { line, col } = lineCounter.linePos(offset);
    const near = keyPathAround(document.contents, offset, []);
    const where = near && near.length > 0 ? ` (in ${formatKeyPath(near)})` : "";
    report.problem(file, `line ${line}, column ${col}`, `${error.message}${where}`);
  }
  if (syntaxBroken) return { status: "broken" };

  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Unresolved aliases and alias bombs only surface when the document is converted.
    report.problem(file, "(root)", (error as Error).message);
    return { status: "broken" };
  }
  if (value === null || value === undefined) return { status: "parsed", value: {} };
  if (typeof value !== "object" || Array.isArray(value)) {
    report.problem(file, "(root)", "must be a mapping of names to entries");
    return { status: "broken" };
  }
  return { status: "parsed", value: value as Record<string, unknown> };
}

function keyPathAtOffset(
  node: unknown,
  offset: number,
  path: readonly KeySegment[],
): KeySegment[] | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const keyStart = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
      if (keyStart === offset) return [...path, key];
      const inner = keyPathAtOffset(pair.value, offset, [...path, key]);
      if (inner) return inner;
    }
  }
  if (isSeq(node)) {
    for (const [index, item] of node.items.entries()) {
      const inner = keyPathAtOffset(item, offset, [...path, index]);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** The deepest key whose value spans `offset`: where a syntax error most likely sits. */
function keyPathAround(
  node: unknown,
  offset: number,
  path: readonly KeySegment[],
): KeySegment[] | undefined {
  const children: [KeySegment, unknown][] = isMap(node)
    ? node.items.map((pair) => [
        isScalar(pair.key) ? String(pair.key.value) : String(pair.key),
        pair.value,
      ])
    : isSeq(node)
      ? node.items.map((item, index) => [index, item])
      : [];
  for (const [segment, child] of children) {
    const range = (child as { range?: [number, number, number] } | null)?.range;
    if (range && range[0] <= offset && offset < range[2]) {
      return keyPathAround(child, offset, [...path, segment]) ?? [...path, segment];
    }
  }
  return path.length > 0 ? [...path] : undefined;
}
