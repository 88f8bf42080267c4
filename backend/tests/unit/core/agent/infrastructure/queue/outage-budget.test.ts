import { describe, expect, it } from "vitest";
import { OutageBudget } from "../../../../../../src/core/agent/infrastructure/queue/outage-budget.js";

describe("OutageBudget", () => {
  it("spaces a run's tries by a doubling delay capped at 10 s, until its budget is spent", () => {
    const budget = new OutageBudget({ budgetMs: 60_000, firstDelayMs: 1000 });
    const delays = [0, 1, 3, 7, 15, 25, 35, 45, 55].map((seconds) =>
      budget.nextDelay("run-1", seconds * 1000),
    );
    expect(delays).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000, 10_000, 10_000, 10_000]);
    expect(budget.nextDelay("run-1", 60_000)).toBeUndefined();
  });

  it("starts again after a success, and keeps runs apart", () => {
    const budget = new OutageBudget({ budgetMs: 10_000, firstDelayMs: 500 });
    expect(budget.nextDelay("a", 0)).toBe(500);
    expect(budget.nextDelay("a", 500)).toBe(1000);
    expect(budget.nextDelay("b", 600)).toBe(500);
    budget.clear("a");
    expect(budget.nextDelay("a", 20_000)).toBe(500);
  });
});
