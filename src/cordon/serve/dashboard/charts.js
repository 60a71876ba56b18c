// Small SVG charts: bars per day, a line per day. Sizes in the SVG's own units; the CSS scales
// the drawing to the width of its box.
import {svg} from './dom.js';

const W = 900, H = 220, LEFT = 48, RIGHT = 12, TOP = 12, BOTTOM = 34;

function axes(days, max, marks) {
  const parts = [];
  const plotH = H - TOP - BOTTOM;
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    const y = TOP + plotH - (plotH * i) / 4;
    parts.push(svg('line', {x1: LEFT, x2: W - RIGHT, y1: y, y2: y, class: 'grid'}));
    parts.push(svg('text', {x: LEFT - 6, y: y + 4, 'text-anchor': 'end', class: 'tick'},
                   max >= 10 ? String(Math.round(v)) : v.toFixed(1)));
  }
  const step = Math.max(1, Math.ceil(days.length / 8));
  const slot = (W - LEFT - RIGHT) / Math.max(1, days.length);
  days.forEach((d, i) => {
    if (i % step !== 0) return;
    parts.push(svg('text', {x: LEFT + slot * (i + 0.5), y: H - BOTTOM + 16,
                            'text-anchor': 'middle', class: 'tick'}, d.slice(5)));
  });
  // Shaded days (the day of action).
  for (const m of marks || []) {
    const a = days.indexOf(m.start), b = days.indexOf(m.end);
    if (a < 0) continue;
    const end = b < 0 ? a : b;
    parts.push(svg('rect', {x: LEFT + slot * a, y: TOP, width: slot * (end - a + 1),
                            height: plotH, class: 'mark'},
                   svg('title', {}, 'day of action ' + m.start + (m.end !== m.start ? ' – ' + m.end : ''))));
  }
  return parts;
}

function frame(label) {
  return svg('svg', {viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart-svg'});
}

function niceMax(values) {
  const m = Math.max(1, ...values.filter(Number.isFinite));
  const p = Math.pow(10, Math.floor(Math.log10(m)));
  return Math.ceil(m / p) * p;
}

// One bar per day.
export function barChart(label, days, values, marks) {
  const max = niceMax(values);
  const root = frame(label);
  root.append(...axes(days, max, marks));
  const plotH = H - TOP - BOTTOM;
  const slot = (W - LEFT - RIGHT) / Math.max(1, days.length);
  values.forEach((v, i) => {
    const h = (plotH * (v || 0)) / max;
    root.append(svg('rect', {x: LEFT + slot * i + slot * 0.15, y: TOP + plotH - h,
                             width: slot * 0.7, height: h, class: 'bar'},
                    svg('title', {}, days[i] + ': ' + v)));
  });
  return root;
}

// One line per series: [{name, values, class}].
export function lineChart(label, days, series, marks) {
  const max = niceMax(series.flatMap((s) => s.values));
  const root = frame(label);
  root.append(...axes(days, max, marks));
  const plotH = H - TOP - BOTTOM;
  const slot = (W - LEFT - RIGHT) / Math.max(1, days.length);
  for (const s of series) {
    const points = s.values.map((v, i) =>
      `${(LEFT + slot * (i + 0.5)).toFixed(1)},${(TOP + plotH - (plotH * (v || 0)) / max).toFixed(1)}`);
    root.append(svg('polyline', {points: points.join(' '), class: 'line ' + (s.class || '')},
                    svg('title', {}, s.name)));
  }
  return root;
}
