/** The report's stylesheet: system fonts only (nothing to download), print-friendly. */
export const STYLE = `
:root { color-scheme: light; --ink: #1f2937; --muted: #6b7280; --rule: #e5e7eb; --band: #f9fafb; --accent: #2563eb; --mark: #fef3c7; }
* { box-sizing: border-box; }
body { margin: 0; background: #fff; color: var(--ink); font: 15px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 32px 28px 56px; }
h1 { font-size: 28px; line-height: 1.2; margin: 4px 0 12px; letter-spacing: -0.01em; }
h2 { font-size: 21px; margin: 44px 0 8px; padding-top: 16px; border-top: 1px solid var(--rule); }
h3 { font-size: 15px; margin: 22px 0 8px; color: #374151; }
p { margin: 6px 0 14px; max-width: 75ch; }
code { font: 13px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--band); padding: 1px 5px; border-radius: 4px; word-break: break-word; }
a { color: var(--accent); }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 12px; font-weight: 600; color: var(--accent); margin: 0; }
.lede { font-size: 17px; color: #374151; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; margin: 18px 0 0; padding: 14px 18px; background: var(--band); border-radius: 8px; }
.facts dt { font-weight: 600; color: #374151; }
.facts dd { margin: 0; }
.facts ul { margin: 0; padding-left: 18px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13.5px; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--rule); white-space: nowrap; }
thead th { text-align: right; font-weight: 600; color: #374151; border-bottom: 2px solid #d1d5db; vertical-align: bottom; white-space: normal; min-width: 5.2em; hyphens: none; }
thead th:first-child, tbody th { text-align: left; }
tbody th { font-weight: 500; }
tbody tr:nth-child(even) { background: var(--band); }
td.num { text-align: right; }
mark { background: var(--mark); color: inherit; padding: 1px 4px; border-radius: 3px; font-weight: 600; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: 13px; }
.glance { padding-left: 20px; }
.glance li { margin: 4px 0; }
.swatch { vertical-align: middle; margin-right: 8px; }
.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 6px 20px; padding: 0; margin: 8px 0 10px; font-size: 13px; }
.legend li { display: flex; align-items: center; }
.panels { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 8px 12px; }
figure { margin: 0; }
figure.wide { overflow-x: auto; }
.chart { display: block; max-width: 100%; height: auto; font-family: inherit; }
.chart .grid { stroke: #eef0f3; stroke-width: 1; }
.chart .frame { fill: none; stroke: #d1d5db; stroke-width: 1; }
.chart .tick { fill: var(--muted); font-size: 11px; }
.chart .axis-label { fill: #4b5563; font-size: 12px; }
.chart .chart-title { fill: var(--ink); font-size: 13px; font-weight: 600; }
.chart .line { fill: none; stroke-width: 1.7; stroke-linejoin: round; stroke-linecap: round; }
.chart .empty { fill: var(--muted); font-size: 13px; }
.definitions dt { font-weight: 600; margin-top: 12px; }
.definitions dd { margin: 2px 0 0; max-width: 75ch; }
.answer { border-top: none; }
.answer h2 { border-top: none; margin-top: 28px; }
.verdict { font-size: 17px; padding: 12px 16px; background: #eff6ff; border-left: 4px solid var(--accent); border-radius: 4px; max-width: none; }
.alternatives { padding-left: 20px; }
.alternatives li { margin: 3px 0; }
.noise { font-weight: 500; }
.toggles label { display: flex; align-items: center; cursor: pointer; }
.toggles input { margin: 0 6px 0 0; }
.pair { display: grid; grid-template-columns: repeat(auto-fill, minmax(480px, 1fr)); gap: 8px 12px; }
.heatmap figcaption { font-size: 13px; font-weight: 600; margin: 4px 0 6px; }
.legend .cell { display: inline-block; width: 12px; height: 12px; margin-right: 6px; border: 1px solid #d1d5db; }
.legend .cell.down { background: #e5e7eb; }
@media print { .toggles input { display: none; } }
footer { margin-top: 48px; padding-top: 14px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 13px; }
@media print { main { max-width: none; padding: 0; } h2 { break-before: auto; } figure, table { break-inside: avoid; } }
`;
