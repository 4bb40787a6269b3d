/**
 * Line charts as inline SVG strings: no library and nothing fetched, so the report opens offline
 * and renders the same everywhere. Only what the report needs: linear or log axes with "nice"
 * ticks, gridlines, several polylines with colours and dash patterns.
 */

export interface Series {
  readonly name: string;
  readonly color: string;
  /** SVG stroke-dasharray, e.g. "6 3"; empty for a solid line. */
  readonly dash?: string;
  /** 0–1; below 1 draws the line thinner too. @default 1 */
  readonly opacity?: number;
  /** A class on the line, e.g. for the wait CDF's legend toggles. */
  readonly className?: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface Axis {
  readonly min: number;
  readonly max: number;
  readonly label?: string;
  readonly log?: boolean;
  readonly format: (value: number) => string;
  /** Fixed tick values (otherwise chosen automatically). */
  readonly ticks?: readonly number[];
}

export interface ChartOptions {
  readonly width: number;
  readonly height: number;
  readonly title?: string;
  /** Read by screen readers (aria-label). */
  readonly description: string;
  readonly x: Axis;
  readonly y: Axis;
  readonly series: readonly Series[];
  /** Shown instead of lines when there is nothing to draw. */
  readonly empty?: string;
}

export const MARGIN = { left: 52, right: 14, top: 26, bottom: 40 };

export function lineChart(options: ChartOptions): string {
  const { width, height, x, y } = options;
  const top = options.title === undefined ? 10 : MARGIN.top;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - top - MARGIN.bottom;
  const sx = scale(x, MARGIN.left, MARGIN.left + plotW);
  const sy = scale(y, top + plotH, top);
  const parts: string[] = [];
  parts.push(`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(options.description)}">`);
  if (options.title !== undefined) parts.push(`<text class="chart-title" x="${MARGIN.left}" y="16">${escapeXml(options.title)}</text>`);
  for (const tick of x.ticks ?? niceTicks(x)) {
    const px = sx(tick);
    parts.push(`<line class="grid" x1="${f(px)}" x2="${f(px)}" y1="${top}" y2="${top + plotH}"/>`);
    parts.push(`<text class="tick" x="${f(px)}" y="${top + plotH + 15}" text-anchor="middle">${escapeXml(x.format(tick))}</text>`);
  }
  for (const tick of y.ticks ?? niceTicks(y)) {
    const py = sy(tick);
    parts.push(`<line class="grid" x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${f(py)}" y2="${f(py)}"/>`);
    parts.push(`<text class="tick" x="${MARGIN.left - 6}" y="${f(py + 4)}" text-anchor="end">${escapeXml(y.format(tick))}</text>`);
  }
  parts.push(`<rect class="frame" x="${MARGIN.left}" y="${top}" width="${plotW}" height="${plotH}"/>`);
  if (x.label !== undefined) parts.push(`<text class="axis-label" x="${MARGIN.left + plotW / 2}" y="${height - 6}" text-anchor="middle">${escapeXml(x.label)}</text>`);
  if (y.label !== undefined) parts.push(`<text class="axis-label" transform="translate(13 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">${escapeXml(y.label)}</text>`);
  const drawable = options.series.filter((s) => s.points.length > 0);
  if (drawable.length === 0 && options.empty !== undefined) {
    parts.push(`<text class="empty" x="${MARGIN.left + plotW / 2}" y="${top + plotH / 2}" text-anchor="middle">${escapeXml(options.empty)}</text>`);
  }
  for (const s of drawable) {
    const points = s.points.map(([px, py]) => `${f(sx(px))},${f(sy(py))}`).join(' ');
    const dash = s.dash === undefined || s.dash === '' ? '' : ` stroke-dasharray="${s.dash}"`;
    const faint = s.opacity !== undefined && s.opacity < 1 ? ` stroke-opacity="${s.opacity}" stroke-width="1.2"` : '';
    parts.push(`<polyline class="line${s.className === undefined ? '' : ` ${s.className}`}" points="${points}" stroke="${s.color}"${dash}${faint}><title>${escapeXml(s.name)}</title></polyline>`);
  }
  parts.push('</svg>');
  return parts.join('');
}

/** Maps a value to pixels; log axes clamp values below `min` to the axis start. */
export function scale(axis: Axis, from: number, to: number): (value: number) => number {
  if (axis.log === true) {
    const lo = Math.log10(axis.min);
    const hi = Math.log10(axis.max);
    return (value) => from + ((Math.log10(Math.max(axis.min, Math.min(axis.max, value))) - lo) / (hi - lo || 1)) * (to - from);
  }
  const span = axis.max - axis.min || 1;
  return (value) => from + ((Math.min(axis.max, Math.max(axis.min, value)) - axis.min) / span) * (to - from);
}

/** About six round tick values covering [min, max] (powers of ten on a log axis). */
export function niceTicks(axis: Pick<Axis, 'min' | 'max' | 'log'>, count = 6): number[] {
  if (axis.log === true) {
    const ticks: number[] = [];
    for (let p = Math.ceil(Math.log10(axis.min)); 10 ** p <= axis.max * (1 + 1e-9); p++) ticks.push(10 ** p);
    return ticks;
  }
  const span = axis.max - axis.min;
  if (!(span > 0)) return [axis.min];
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(axis.min / step) * step; v <= axis.max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Rounds a pixel coordinate to 0.1 px: smaller files, no visible difference. */
export function f(value: number): string {
  return String(Math.round(value * 10) / 10);
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
