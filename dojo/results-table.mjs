#!/usr/bin/env node
// Turns Playwright's JSON report of a dojo run into the Markdown table docs/runtime/compatibility.md
// keeps: one row per test (suite folder, spec file, test title, result), then the totals.
//
//   node dojo/results-table.mjs <dojo-results.json>
import { readFileSync } from "node:fs";

const report = JSON.parse(readFileSync(process.argv[2] ?? "dojo-results.json", "utf8"));
const rows = [];
function walk(suite, file) {
  const spec = suite.file ?? file;
  for (const child of suite.suites ?? []) walk(child, spec);
  for (const test of suite.specs ?? []) {
    const results = test.tests.flatMap((entry) => entry.results);
    const skipped = test.tests.every((entry) => entry.status === "skipped");
    const status = skipped ? "skipped" : test.ok ? "pass" : "fail";
    const error = results.find((result) => result.error)?.error?.message ?? "";
    rows.push({ spec, title: test.title, status, error: error.split("\n")[0].slice(0, 120) });
  }
}
for (const suite of report.suites ?? []) walk(suite, suite.file);

const count = (status) => rows.filter((row) => row.status === status).length;
console.log("| suite / spec | test | result |");
console.log("| --- | --- | --- |");
for (const row of rows)
  console.log(`| ${row.spec} | ${row.title.replaceAll("|", "\\|")} | ${row.status} |`);
console.log(`\n${count("pass")} passed, ${count("fail")} failed, ${count("skipped")} skipped`);
