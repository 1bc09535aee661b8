// Dates and durations as people read them; absolute time stays available in a title attribute.
const rtf = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000_000],
  ['month', 2_592_000_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

export function relativeTime(iso: string | null | undefined, now: number = Date.now()): string {
  if (!iso) return 'never';
  const diff = new Date(iso).getTime() - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms || unit === 'second') return rtf.format(Math.round(diff / ms), unit);
  }
  return 'now';
}

export function absoluteTime(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 });

/** A count as a short figure: 950, 1.2K, 3.4M. */
export function formatCount(n: number): string {
  return compact.format(n);
}

/**
 * A count with its noun in the right number: "1 policy", "3 policies", "0 clusters". `many`
 * defaults to the noun + "s" (+ "es" after s, x, ch, sh; y → ies after a consonant).
 */
export function plural(n: number, one: string, many?: string): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : (many ?? pluralOf(one))}`;
}

function pluralOf(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}

/** The noun alone, in the number `n` asks for (the figure is shown apart). */
export function nounFor(n: number, one: string, many?: string): string {
  return n === 1 ? one : (many ?? pluralOf(one));
}
