/** Copies rows without one column, e.g. to score "new customers" without their churned label. */
export function withoutLabel<T extends object, K extends keyof T>(rows: readonly T[], label: K): Array<Omit<T, K>> {
  return rows.map((row) => {
    const copy = { ...row };
    delete copy[label];
    return copy;
  });
}
