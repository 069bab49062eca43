/** The churn-risk segments of the seed pipeline, lowest risk first. */
export type Segment = 'Low' | 'Medium' | 'High';

export const segmentNames: readonly Segment[] = ['Low', 'Medium', 'High'];

/**
 * The seed's `pd.cut(p, bins=[0, 0.3, 0.7, 1.0], labels=['Low', 'Medium', 'High'])`: bins closed on
 * the right, so 0.3 is Low and 0.7 is Medium. pandas leaves exactly 0 outside the first bin (NaN);
 * a probability of 0 is the lowest risk there is, so it is Low here (pandas' `include_lowest=True`).
 */
export function segmentFor(churnRisk: number): Segment {
  if (!Number.isFinite(churnRisk) || churnRisk < 0 || churnRisk > 1) {
    throw new RangeError(`churn_risk must be a probability between 0 and 1, got ${churnRisk}`);
  }
  if (churnRisk <= 0.3) return 'Low';
  if (churnRisk <= 0.7) return 'Medium';
  return 'High';
}

/** How many rows fall in each segment, every segment present (0 when empty). */
export function countSegments(segments: readonly Segment[]): Record<Segment, number> {
  const counts: Record<Segment, number> = { Low: 0, Medium: 0, High: 0 };
  for (const segment of segments) counts[segment] += 1;
  return counts;
}
