/** A small horizontal bar chart in SVG (no inline styles: the CSP forbids them). */
export function BarChart({ title, bars, unit = '' }: { title: string; bars: Array<{ label: string; value: number }>; unit?: string }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const rowHeight = 22;
  const width = 320;
  const labelWidth = 110;
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <svg width={width} height={Math.max(1, bars.length) * rowHeight + 4} role="img" aria-label={title}>
        {bars.map((bar, index) => {
          const length = Math.round(((width - labelWidth - 60) * bar.value) / max);
          const y = index * rowHeight + 2;
          return (
            <g>
              <text x={0} y={y + 15} class="chart-label">
                {bar.label}
              </text>
              <rect x={labelWidth} y={y + 3} width={Math.max(1, length)} height={rowHeight - 8} class="chart-bar" />
              <text x={labelWidth + length + 6} y={y + 15} class="chart-value">
                {`${Number.isInteger(bar.value) ? bar.value : bar.value.toFixed(1)}${unit}`}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** Vertical bars over fixed bins (churn_risk's ten tenths). */
export function Histogram({ title, counts, labels }: { title: string; counts: number[]; labels: string[] }) {
  const max = Math.max(1, ...counts);
  const barWidth = 30;
  const height = 120;
  return (
    <figure class="chart" data-testid="histogram">
      <figcaption>{title}</figcaption>
      <svg width={counts.length * (barWidth + 4) + 4} height={height + 36} role="img" aria-label={title}>
        {counts.map((count, index) => {
          const barHeight = Math.round((height * count) / max);
          const x = index * (barWidth + 4) + 4;
          return (
            <g>
              <rect x={x} y={height - barHeight + 14} width={barWidth} height={Math.max(0, barHeight)} class="chart-bar" />
              <text x={x + barWidth / 2} y={height - barHeight + 10} class="chart-value" text-anchor="middle">
                {count}
              </text>
              <text x={x + barWidth / 2} y={height + 30} class="chart-label" text-anchor="middle">
                {labels[index]}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
