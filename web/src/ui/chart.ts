// Signatures over time, batch by batch, as a step chart drawn in SVG (no chart library).
// Counts change only when a batch is published, so each series is flat between batches and
// steps at each batch's time. Screen readers get a text summary and the same numbers as a
// table.
import { formatTime, h, tableWrap, svg, uid } from './dom.js';

export interface ChartSeries {
  name: string;
  values: number[]; // one per batch: signatories after that batch
}

export interface ChartData {
  times: number[]; // ms, one per batch, increasing
  series: ChartSeries[];
}

const W = 640;
const H = 280;
const PAD = { left: 48, right: 16, top: 16, bottom: 40 };

// Round tick steps: 1, 2, 5 × 10^k, about five ticks.
function ticks(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? mag * 10;
  const stepInt = Math.max(1, Math.round(step));
  const out: number[] = [];
  for (let v = 0; v <= max + stepInt - 1; v += stepInt) out.push(v);
  if (out[out.length - 1]! < max) out.push(out[out.length - 1]! + stepInt);
  return out;
}

// Axis labels as precise as the span needs: seconds for a few minutes of batches, dates for
// weeks of them.
function axisLabel(ms: number, span: number): string {
  const d = new Date(ms);
  if (span < 10 * 60_000) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (span < 86_400_000) return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

// The chart's <svg> with its accessible name and description, the horizontal grid with its
// labels at `yTicks`, and the two axes; `y` maps a value to its height.
function chartFrame(caption: string, description: string, yTicks: number[], y: (v: number) => number): SVGSVGElement {
  const titleId = uid('chart-title');
  const descId = uid('chart-desc');
  const root = svg(
    'svg',
    { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, class: 'chart' },
    svg('title', { id: titleId }, caption),
    svg('desc', { id: descId }, description),
  );
  for (const v of yTicks) {
    root.append(
      svg('line', { class: 'grid', x1: PAD.left, x2: W - PAD.right, y1: y(v), y2: y(v) }),
      svg('text', { x: PAD.left - 8, y: y(v) + 4, 'text-anchor': 'end' }, String(v)),
    );
  }
  root.append(
    svg('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y(0), y2: y(0) }),
    svg('line', { class: 'axis', x1: PAD.left, x2: PAD.left, y1: PAD.top, y2: y(0) }),
  );
  return root;
}

export function signatureChart(data: ChartData, caption: string): HTMLElement {
  const n = data.times.length;
  if (n === 0) {
    return h('p', { class: 'hint' }, 'No signatures have been published yet, so there is nothing to chart. The first batch will appear here.');
  }
  const t0 = data.times[0]!;
  const t1 = data.times[n - 1]!;
  const span = t1 - t0;
  const tMin = span > 0 ? t0 - span * 0.05 : t0 - 3_600_000;
  const tMax = span > 0 ? t1 + span * 0.05 : t1 + 3_600_000;
  const maxValue = Math.max(1, ...data.series.flatMap((s) => s.values));
  const yTicks = ticks(maxValue);
  const yMax = yTicks[yTicks.length - 1]!;
  const x = (t: number) => PAD.left + ((t - tMin) / (tMax - tMin)) * (W - PAD.left - PAD.right);
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);

  const last = data.series.map((s) => `${s.name}: ${s.values[n - 1] ?? 0}`).join('; ');
  const root = chartFrame(
    caption,
    `${n} batch${n === 1 ? '' : 'es'} from ${formatTime(t0)} to ${formatTime(t1)}. After the last batch: ${last}.`,
    yTicks,
    y,
  );
  const xLabels: [number, string][] = span > 0 ? [[t0, 'start'], [t0 + span / 2, 'middle'], [t1, 'end']] : [[t0, 'middle']];
  for (const [t, anchor] of xLabels) {
    root.append(svg('text', { x: x(t), y: H - PAD.bottom + 18, 'text-anchor': anchor }, axisLabel(t, span)));
  }
  data.series.forEach((s, k) => {
    const cls = `s${k % 5}`;
    let d = `M ${x(t0).toFixed(1)} ${y(0).toFixed(1)}`;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      const xi = x(data.times[i]!).toFixed(1);
      d += ` L ${xi} ${y(prev).toFixed(1)} L ${xi} ${y(s.values[i]!).toFixed(1)}`;
      prev = s.values[i]!;
    }
    d += ` L ${x(tMax).toFixed(1)} ${y(prev).toFixed(1)}`;
    root.append(svg('path', { class: `series ${cls}`, d }));
    for (let i = 0; i < n; i++) {
      root.append(svg('circle', { class: `dot ${cls}`, cx: x(data.times[i]!), cy: y(s.values[i]!), r: 4 }));
    }
  });

  const legend =
    data.series.length > 1
      ? h(
          'ul',
          { class: 'legend' },
          data.series.map((s, k) => h('li', null, h('span', { class: `swatch s${k % 5}`, 'aria-hidden': 'true' }), s.name)),
        )
      : null;
  const table = h(
    'details',
    null,
    h('summary', null, 'Show these numbers as a table'),
    tableWrap(
      'Signatures batch by batch, as a table',
      h(
        'table',
        null,
        h('thead', null, h('tr', null, h('th', null, 'Batch'), h('th', null, 'Published'), data.series.map((s) => h('th', { class: 'num' }, s.name)))),
        h(
          'tbody',
          null,
          data.times.map((t, i) =>
            h('tr', null, h('td', null, String(i + 1)), h('td', null, formatTime(t)), data.series.map((s) => h('td', { class: 'num' }, String(s.values[i] ?? 0)))),
          ),
        ),
      ),
    ),
  );
  return h('figure', { class: 'chart' }, root, legend, h('figcaption', { class: 'hint' }, caption), table);
}

// Counts per period (months) as grouped bars, drawn in SVG: one group per period, one bar per
// series. Screen readers get a summary and the same numbers as a table.
export interface BarChartData {
  periods: string[]; // e.g. "2026-11"
  series: ChartSeries[]; // values: one per period
}

export function barChart(data: BarChartData, caption: string, tableLabel: string): HTMLElement {
  const n = data.periods.length;
  const k = Math.max(1, data.series.length);
  const maxValue = Math.max(1, ...data.series.flatMap((s) => s.values));
  const yTicks = ticks(maxValue);
  const yMax = yTicks[yTicks.length - 1]!;
  const y = (v: number) => H - PAD.bottom - (v / yMax) * (H - PAD.top - PAD.bottom);
  const groupWidth = (W - PAD.left - PAD.right) / Math.max(1, n);
  const barWidth = Math.max(2, (groupWidth * 0.8) / k);

  const totals = data.series.map((s) => `${s.name}: ${s.values.reduce((a, b) => a + b, 0)}`).join('; ');
  const root = chartFrame(caption, `${n} month${n === 1 ? '' : 's'}. In all: ${totals}.`, yTicks, y);
  // Label every period when they fit, else about six of them.
  const every = Math.max(1, Math.ceil(n / 6));
  data.periods.forEach((p, i) => {
    const left = PAD.left + i * groupWidth + groupWidth * 0.1;
    data.series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      root.append(svg('rect', { class: `bar s${j % 5}`, x: left + j * barWidth, y: y(v), width: barWidth * 0.9, height: y(0) - y(v) }));
    });
    if (i % every === 0) {
      root.append(svg('text', { x: PAD.left + (i + 0.5) * groupWidth, y: H - PAD.bottom + 18, 'text-anchor': 'middle' }, p));
    }
  });
  const legend = h(
    'ul',
    { class: 'legend' },
    data.series.map((s, j) => h('li', null, h('span', { class: `swatch s${j % 5}`, 'aria-hidden': 'true' }), s.name)),
  );
  const table = h(
    'details',
    null,
    h('summary', null, 'Show these numbers as a table'),
    tableWrap(
      tableLabel,
      h(
        'table',
        null,
        h('thead', null, h('tr', null, h('th', null, 'Month'), data.series.map((s) => h('th', { class: 'num' }, s.name)))),
        h(
          'tbody',
          null,
          data.periods.map((p, i) => h('tr', null, h('td', null, p), data.series.map((s) => h('td', { class: 'num' }, String(s.values[i] ?? 0))))),
        ),
      ),
    ),
  );
  return h('figure', { class: 'chart' }, root, legend, h('figcaption', { class: 'hint' }, caption), table);
}
