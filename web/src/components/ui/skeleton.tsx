// Skeleton: placeholder blocks while data loads; the container announces "Loading" once.
export function Skeleton({ width = '100%', height = 16 }: { width?: string | number; height?: number }) {
  return <span className="ui-skeleton" style={{ width, height }} aria-hidden="true" />;
}

export function SkeletonRows({ rows = 4, label = 'Loading' }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-live="polite" style={{ display: 'grid', gap: 10 }}>
      <span className="visually-hidden">{label}</span>
      {Array.from({ length: rows }, (_, i) => (
        <Skeleton key={i} height={28} />
      ))}
    </div>
  );
}
