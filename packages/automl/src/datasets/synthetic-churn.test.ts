import { describe, expect, it } from 'vitest';
import { generateChurnCustomers } from './synthetic-churn.js';
import { withoutLabel } from './without-label.js';

describe('generateChurnCustomers', () => {
  const customers = generateChurnCustomers({ count: 3000, seed: 5 });

  it('is deterministic per seed', () => {
    expect(generateChurnCustomers({ count: 50, seed: 5 })).toEqual(customers.slice(0, 50));
    expect(generateChurnCustomers({ count: 50, seed: 6 })).not.toEqual(customers.slice(0, 50));
  });

  it('produces realistic telecom rows with about 25% churn', () => {
    const churnRate = customers.filter((customer) => customer.churned === 'Yes').length / customers.length;
    expect(churnRate).toBeGreaterThan(0.2);
    expect(churnRate).toBeLessThan(0.32);
    expect(new Set(customers.map((customer) => customer.email)).size).toBe(customers.length);
    expect(customers[41]?.email).toBe('customer00042@example.com');
    expect(Object.keys(customers[0] ?? {}).length).toBeGreaterThanOrEqual(18);
    expect(customers.some((customer) => customer.total_charges.trim() === '')).toBe(true);
    expect(customers.every((customer) => customer.signup_date instanceof Date)).toBe(true);
    expect(new Set(customers.map((customer) => customer.contract))).toEqual(new Set(['Month-to-month', 'One year', 'Two year']));
    // Month-to-month customers churn more, as in real telecom data.
    const rate = (contract: string) => {
      const group = customers.filter((customer) => customer.contract === contract);
      return group.filter((customer) => customer.churned === 'Yes').length / group.length;
    };
    expect(rate('Month-to-month')).toBeGreaterThan(rate('Two year') * 3);
  });

  it('continues customer numbers for a second batch and drops the label on request', () => {
    const newcomers = withoutLabel(generateChurnCustomers({ count: 2, seed: 9, firstCustomerNumber: 3001 }), 'churned');
    expect(newcomers[0]?.customer_id).toBe('C03001');
    expect(newcomers[0]).not.toHaveProperty('churned');
  });
});
