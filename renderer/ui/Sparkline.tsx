/** A tiny inline chart of the last samples; gaps (null) break the line. */
export interface SparklineProps {
  values: Array<number | null>;
  label: string;
  width?: number;
  height?: number;
  /** How many samples the x axis holds, so a new connection's line grows from the left. */
  capacity?: number;
}

export function Sparkline({ values, label, width = 120, height = 28, capacity = 60 }: SparklineProps) {
  const present = values.filter((v): v is number => v !== null && Number.isFinite(v));
  const max = Math.max(1, ...present);
  const step = width / Math.max(1, capacity - 1);
  const segments: string[] = [];
  let current: string[] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length) segments.push(current.join(' '));
      current = [];
      return;
    }
    const x = (i * step).toFixed(1);
    const y = (height - 2 - (v / max) * (height - 4)).toFixed(1);
    current.push(`${x},${y}`);
  });
  if (current.length) segments.push(current.join(' '));
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <line x1="0" y1={height - 1} x2={width} y2={height - 1} className="sparkline-axis" />
      {segments.map((points, i) =>
        points.includes(' ') ? (
          <polyline key={i} points={points} className="sparkline-line" />
        ) : (
          <circle key={i} cx={points.split(',')[0]} cy={points.split(',')[1]} r="1.5" className="sparkline-point" />
        ),
      )}
    </svg>
  );
}
