import { describe, expect, it } from 'vitest';
import { MessageBudget } from './message-budget.js';

describe('MessageBudget', () => {
  it('allows a burst, then refills at the sustained rate', () => {
    const budget = new MessageBudget(10, 5, 0);
    for (let i = 0; i < 5; i++) expect(budget.take(0)).toBe(true);
    expect(budget.take(0)).toBe(false);
    expect(budget.take(99)).toBe(false);
    expect(budget.take(100)).toBe(true);
    expect(budget.take(100)).toBe(false);
  });

  it('never holds more than the burst after a long silence', () => {
    const budget = new MessageBudget(10, 3, 0);
    let granted = 0;
    while (budget.take(1_000_000)) granted++;
    expect(granted).toBe(3);
  });

  it('spends several tokens at once, or none when fewer are left', () => {
    const budget = new MessageBudget(100, 50, 0);
    expect(budget.take(0, 40)).toBe(true);
    expect(budget.take(0, 20)).toBe(false);
    expect(budget.take(0, 10)).toBe(true);
    expect(budget.isFull(0)).toBe(false);
    expect(budget.take(100, 11)).toBe(false);
    expect(budget.take(100, 10)).toBe(true);
    expect(budget.isFull(600)).toBe(true);
  });
});
