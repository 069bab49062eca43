import { SeededRandom } from '../random/seeded-random.js';

export interface ChurnCustomer {
  customer_id: string;
  email: string;
  first_name: string;
  last_name: string;
  gender: 'Female' | 'Male';
  senior_citizen: 0 | 1;
  partner: 'Yes' | 'No';
  dependents: 'Yes' | 'No';
  region: string;
  signup_date: Date;
  tenure_months: number;
  contract: 'Month-to-month' | 'One year' | 'Two year';
  internet_service: 'DSL' | 'Fiber optic' | 'No';
  tech_support: 'Yes' | 'No';
  streaming_tv: 'Yes' | 'No';
  paperless_billing: boolean;
  payment_method: 'Electronic check' | 'Mailed check' | 'Bank transfer (automatic)' | 'Credit card (automatic)';
  monthly_charges: number;
  /** Text as in real exports: "1,234.50", and a blank " " for customers in their first month. */
  total_charges: string;
  support_calls: number;
  churned: 'Yes' | 'No';
}

export interface GenerateChurnCustomersOptions {
  count: number;
  seed: number;
  /** Date the export was taken; signup dates lie before it. Default 2025-01-01. */
  asOf?: Date;
  /** First number used in customer ids and emails, so a second batch ("new customers") can continue the sequence. Default 1. */
  firstCustomerNumber?: number;
}

const firstNames = [
  'Olivia',
  'Liam',
  'Emma',
  'Noah',
  'Ava',
  'Elijah',
  'Sophia',
  'James',
  'Isabella',
  'Lucas',
  'Mia',
  'Mateo',
  'Amelia',
  'Ethan',
  'Harper',
  'Mason',
  'Aria',
  'Logan',
  'Chloe',
  'Levi',
  'Zoe',
  'Omar',
  'Priya',
  'Wei',
  'Fatima',
  'Diego',
  'Hana',
  'Kofi',
  'Ingrid',
  'Mohammed',
];
const lastNames = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Thomas',
  'Taylor',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Nguyen',
  'Patel',
  'Kim',
  'Schmidt',
  'Rossi',
];
const regions = ['North', 'South', 'East', 'West', 'Central'];
const payments = ['Electronic check', 'Mailed check', 'Bank transfer (automatic)', 'Credit card (automatic)'] as const;

/**
 * Seeded telecom-style customer table (modelled on the public IBM Telco churn data) for demos,
 * benchmarks and tests. Churn follows a logistic model with realistic main effects (contract,
 * tenure, fiber, tech support, payment method) plus two non-linear effects a linear model on
 * these columns cannot express: frequent support calls hurt far more on month-to-month
 * contracts, and fiber customers without tech support churn more than the two effects add up
 * to. About 25% churn; a good model reaches ROC AUC around 0.8-0.9.
 */
export function generateChurnCustomers(options: GenerateChurnCustomersOptions): ChurnCustomer[] {
  const { count, seed } = options;
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}.`);
  const asOf = options.asOf ?? new Date(Date.UTC(2025, 0, 1));
  const firstNumber = options.firstCustomerNumber ?? 1;
  const random = new SeededRandom(seed);
  const customers: ChurnCustomer[] = [];
  for (let index = 0; index < count; index += 1) {
    const number = firstNumber + index;
    const padded = String(number).padStart(5, '0');
    const contract = random.pickWeighted(['Month-to-month', 'One year', 'Two year'] as const, [55, 24, 21]);
    // Longer contracts go with longer tenure, as in real books of business.
    const tenureScale = contract === 'Month-to-month' ? 14 : contract === 'One year' ? 32 : 48;
    const tenure = Math.min(72, Math.floor(-tenureScale * Math.log(1 - random.next() * 0.999)));
    const internet = random.pickWeighted(['DSL', 'Fiber optic', 'No'] as const, [34, 44, 22]);
    const techSupport = internet !== 'No' && random.next() < (contract === 'Month-to-month' ? 0.25 : 0.5) ? 'Yes' : 'No';
    const streaming = internet !== 'No' && random.next() < 0.45 ? 'Yes' : 'No';
    const senior = random.next() < 0.16 ? 1 : 0;
    const partner = random.next() < 0.48 ? 'Yes' : 'No';
    const dependents = partner === 'Yes' && random.next() < 0.55 ? 'Yes' : random.next() < 0.1 ? 'Yes' : 'No';
    const paperless = random.next() < (internet === 'No' ? 0.3 : 0.65);
    const payment = random.pickWeighted(payments, paperless ? [45, 12, 21, 22] : [20, 40, 20, 20]);
    const baseCharge = internet === 'Fiber optic' ? 72 : internet === 'DSL' ? 48 : 20;
    const monthly = round2(baseCharge + (techSupport === 'Yes' ? 8 : 0) + (streaming === 'Yes' ? 12 : 0) + random.nextGaussian() * 5);
    const total = tenure === 0 ? ' ' : formatAmount(monthly * tenure * (1 + random.nextGaussian() * 0.03));
    const supportCalls = random.nextPoisson(internet === 'Fiber optic' ? 1.8 : 1.2);
    const signup = new Date(asOf.getTime() - (tenure * 30.44 + random.next() * 30) * 86_400_000);
    signup.setUTCHours(0, 0, 0, 0);

    const monthToMonth = contract === 'Month-to-month';
    const logit =
      -2.25 +
      (monthToMonth ? 0.75 : contract === 'Two year' ? -1.3 : 0) +
      -0.035 * (tenure - 24) +
      (tenure < 4 ? 0.5 : 0) +
      (internet === 'Fiber optic' ? 0.3 : internet === 'No' ? -0.6 : 0) +
      (techSupport === 'Yes' ? -0.35 : 0) +
      (payment === 'Electronic check' ? 0.45 : 0) +
      (paperless ? 0.2 : 0) +
      0.3 * senior +
      (partner === 'Yes' ? -0.15 : 0) +
      0.012 * (monthly - 60) +
      // Non-additive effects: threshold x contract, and fiber x no support.
      (supportCalls >= 4 && monthToMonth ? 2.2 : supportCalls >= 4 ? 0.3 : 0) +
      (internet === 'Fiber optic' && techSupport === 'No' ? 0.7 : 0) +
      random.nextGaussian() * 0.35;
    const churned = random.next() < 1 / (1 + Math.exp(-logit)) ? 'Yes' : 'No';

    customers.push({
      customer_id: `C${padded}`,
      email: `customer${padded}@example.com`,
      first_name: random.pick(firstNames),
      last_name: random.pick(lastNames),
      gender: random.next() < 0.5 ? 'Female' : 'Male',
      senior_citizen: senior,
      partner,
      dependents,
      region: random.pick(regions),
      signup_date: signup,
      tenure_months: tenure,
      contract,
      internet_service: internet,
      tech_support: techSupport,
      streaming_tv: streaming,
      paperless_billing: paperless,
      payment_method: payment,
      monthly_charges: monthly,
      total_charges: total,
      support_calls: supportCalls,
      churned,
    });
  }
  return customers;
}

function round2(value: number): number {
  return Math.round(Math.max(18, value) * 100) / 100;
}

function formatAmount(value: number): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}
