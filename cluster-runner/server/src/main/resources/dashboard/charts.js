// Analysis measurements over time, drawn as SVG: one chart per figure with its threshold as a dashed line.
import { h, svg } from './dom.js';
import { clock } from './format.js';

const W = 290;
const H = 150;
const PAD = { left: 48, right: 12, top: 14, bottom: 26 };

/** The router figures the charts show, with how to read each threshold. */
const FIGURES = [
  { key: 'successRate', title: 'Success rate', threshold: 'successRate', kind: 'min',
    format: (v) => `${(v * 100).toFixed(1)}%`, floor: (lo) => Math.max(0, Math.min(lo, 1) - 0.02), ceil: () => 1 },
  { key: 'p99Ms', title: 'Latency p99', threshold: 'maxP99Ms', kind: 'max',
    format: (v) => `${Math.round(v)} ms`, floor: () => 0, ceil: (hi) => hi * 1.15 || 1 },
  { key: 'requests', title: 'Requests per interval', threshold: 'minRequests', kind: 'min',
    format: (v) => String(Math.round(v)), floor: () => 0, ceil: (hi) => hi * 1.15 || 1 },
];

/** Charts of the router measurements, or a line saying there are none (yet, while the release runs). */
export function measurementCharts(measurements, ended) {
  const router = measurements.filter((m) => m.provider === 'router');
  if (router.length === 0) {
    return h('p', { class: 'muted', id: 'no-measurements' }, ended ? 'No traffic was measured in this release.'
      : 'No traffic measurement yet: charts appear with the first one.');
  }
  return h('div', { class: 'charts' }, FIGURES.map((f) => chart(f, router)));
}

function chart(figure, measurements) {
  const points = measurements.filter((m) => typeof m.values[figure.key] === 'number')
    .map((m) => ({ t: Date.parse(m.at), v: m.values[figure.key], m }));
  const thresholds = measurements.map((m) => m.thresholds[figure.threshold]).filter((v) => typeof v === 'number');
  const threshold = thresholds.length ? thresholds[thresholds.length - 1] : null;
  const values = points.map((p) => p.v).concat(threshold === null ? [] : [threshold]);
  const lo = figure.floor(Math.min(...values));
  const hi = Math.max(figure.ceil(Math.max(...values)), lo + 1e-9);
  const t0 = Math.min(...points.map((p) => p.t));
  const t1 = Math.max(...points.map((p) => p.t), t0 + 1000);
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - ((v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const line = points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
  const last = points[points.length - 1];
  return h('figure', { class: 'chart', 'data-figure': figure.key },
    h('figcaption', {}, figure.title, last ? h('span', { class: 'latest' }, ` now ${figure.format(last.v)}`) : null),
    svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': figure.title },
      svg('rect', { x: PAD.left, y: PAD.top, width: W - PAD.left - PAD.right, height: H - PAD.top - PAD.bottom, class: 'plot' }),
      svg('text', { x: PAD.left - 4, y: y(hi) + 4, class: 'tick', 'text-anchor': 'end' }, figure.format(hi)),
      svg('text', { x: PAD.left - 4, y: y(lo), class: 'tick', 'text-anchor': 'end' }, figure.format(lo)),
      svg('text', { x: PAD.left, y: H - 8, class: 'tick' }, clock(new Date(t0).toISOString())),
      svg('text', { x: W - PAD.right, y: H - 8, class: 'tick', 'text-anchor': 'end' }, clock(new Date(t1).toISOString())),
      threshold === null ? null : [
        svg('line', { x1: PAD.left, x2: W - PAD.right, y1: y(threshold), y2: y(threshold), class: 'threshold' }),
        svg('text', { x: W - PAD.right - 2, y: y(threshold) - 3, class: 'threshold-label', 'text-anchor': 'end' },
          `${figure.kind} ${figure.format(threshold)}`),
      ],
      svg('polyline', { points: line, class: 'series' }),
      points.map((p) => svg('circle', { cx: x(p.t), cy: y(p.v), r: 3.2, class: `point ${p.m.verdict}` },
        svg('title', {}, `${clock(p.m.at)} ${figure.format(p.v)}: ${p.m.message}`)))));
}
