export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index] as number;
}

export interface Summary {
  p50: number;
  p95: number;
  p99: number;
  mean: number;
}

/** p50, p95, p99 and mean, in milliseconds with two decimals. */
export function summarise(values: readonly number[]): Summary {
  const sorted = [...values].sort((left, right) => left - right);
  const round = (value: number) => Number(value.toFixed(2));
  const mean = sorted.reduce((sum, value) => sum + value, 0) / Math.max(sorted.length, 1);
  return {
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    mean: round(mean),
  };
}

/** Prints rows as a Markdown-style table. */
export function printTable(header: readonly string[], rows: readonly string[][]): void {
  const widths = header.map((title, index) =>
    Math.max(title.length, ...rows.map((row) => (row[index] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, index) => cell.padEnd(widths[index] ?? 0)).join(" | ")} |`;
  console.log(`\n${line(header)}\n|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
  console.log("");
}
