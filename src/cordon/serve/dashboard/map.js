// The network map: the nodes GET /v1/network/map chose (by role, then by degree) and the edges
// among them, laid out by a force simulation (Fruchterman-Reingold, a fixed number of steps
// from a circle, so the same answer draws the same picture) and drawn as SVG.
import {el, svg, show, num} from './dom.js';

const W = 900, H = 640;

export const ROLE_CLASSES = ['official', 'injector', 'mirror', 'hub', 'admin', 'distribution_bot'];
export const EDGE_KINDS = ['forward', 'reupload', 'advert', 'admin', 'bot', 'post'];

export function layout(nodes, edges, steps = 300) {
  const n = nodes.length;
  const pos = nodes.map((_, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, n);
    return {x: W / 2 + (W / 3) * Math.cos(a), y: H / 2 + (H / 3) * Math.sin(a)};
  });
  if (n < 2) return pos;
  const k = Math.sqrt((W * H) / n) * 0.9;
  let temperature = W / 8;
  const disp = pos.map(() => ({x: 0, y: 0}));
  for (let step = 0; step < steps; step++) {
    for (const d of disp) d.x = d.y = 0;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        let dx = pos[i].x - pos[j].x, dy = pos[i].y - pos[j].y;
        let dist = Math.hypot(dx, dy);
        if (dist < 0.01) { dx = 0.01 * (i - j); dy = 0.01; dist = Math.hypot(dx, dy); }
        const f = (k * k) / dist;
        disp[i].x += (dx / dist) * f; disp[i].y += (dy / dist) * f;
        disp[j].x -= (dx / dist) * f; disp[j].y -= (dy / dist) * f;
      }
    }
    for (const e of edges) {
      const a = pos[e.from], b = pos[e.to];
      const dx = a.x - b.x, dy = a.y - b.y;
      const dist = Math.max(0.01, Math.hypot(dx, dy));
      const f = (dist * dist) / k;
      disp[e.from].x -= (dx / dist) * f; disp[e.from].y -= (dy / dist) * f;
      disp[e.to].x += (dx / dist) * f; disp[e.to].y += (dy / dist) * f;
    }
    for (let i = 0; i < n; i++) {
      // A weak pull to the centre keeps unconnected parts on the page.
      disp[i].x -= (pos[i].x - W / 2) * 0.05;
      disp[i].y -= (pos[i].y - H / 2) * 0.05;
      const d = Math.max(0.01, Math.hypot(disp[i].x, disp[i].y));
      pos[i].x += (disp[i].x / d) * Math.min(d, temperature);
      pos[i].y += (disp[i].y / d) * Math.min(d, temperature);
      pos[i].x = Math.min(W - 16, Math.max(16, pos[i].x));
      pos[i].y = Math.min(H - 16, Math.max(16, pos[i].y));
    }
    temperature = Math.max(0.5, temperature * 0.985);
  }
  // Stretched to fill the drawing, each axis on its own.
  const margin = 20;
  const xs = pos.map((p) => p.x), ys = pos.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  for (const p of pos) {
    p.x = x1 > x0 ? margin + ((p.x - x0) / (x1 - x0)) * (W - 2 * margin) : W / 2;
    p.y = y1 > y0 ? margin + ((p.y - y0) / (y1 - y0)) * (H - 2 * margin) : H / 2;
  }
  return pos;
}

function nodeDetail(node) {
  return [
    el('h3', {}, el('bdi', {}, node.name || node.key)),
    el('dl', {},
       el('dt', {}, 'key'), el('dd', {class: 'mono'}, node.key),
       el('dt', {}, 'kind'), el('dd', {}, node.kind),
       el('dt', {}, 'role'), el('dd', {}, node.role ? node.role + ' (' + num(node.confidence) + ')' : 'none'),
       el('dt', {}, 'community'), el('dd', {}, node.community >= 0 ? String(node.community) : '–'),
       el('dt', {}, 'edges'), el('dd', {}, num(node.degree)),
       el('dt', {}, 'state'), el('dd', {}, node.down ? 'down' : 'up')),
  ];
}

// Draws the map into `container`, details of a clicked node into `detail`.
export function drawMap(container, detail, legend, data) {
  const nodes = data.nodes || [];
  const edges = (data.edges || []).filter((e) => e.from < nodes.length && e.to < nodes.length);
  const pos = layout(nodes, edges);
  const root = svg('svg', {viewBox: `0 0 ${W} ${H}`, class: 'map-svg', role: 'img',
                           'aria-label': 'network map'});
  const edgeLayer = svg('g', {class: 'edges'});
  for (const e of edges) {
    const a = pos[e.from], b = pos[e.to];
    edgeLayer.append(svg('line', {x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1),
                                  y2: b.y.toFixed(1), class: 'edge edge-' + (EDGE_KINDS.includes(e.kind) ? e.kind : 'other')},
                         svg('title', {}, e.kind + ' × ' + e.count)));
  }
  const nodeLayer = svg('g', {class: 'nodes'});
  nodes.forEach((node, i) => {
    const role = ROLE_CLASSES.includes(node.role) ? node.role : 'none';
    const r = 4 + Math.min(10, Math.sqrt(node.degree || 1));
    const circle = svg('circle', {cx: pos[i].x.toFixed(1), cy: pos[i].y.toFixed(1), r: r.toFixed(1),
                                  class: 'node role-' + role + (node.down ? ' down' : ''),
                                  tabindex: 0, 'data-key': node.key},
                       svg('title', {}, (node.name || node.key) + ' — ' + (node.role || node.kind)));
    const select = () => {
      for (const c of nodeLayer.querySelectorAll('.selected')) c.classList.remove('selected');
      circle.classList.add('selected');
      show(detail, nodeDetail(node));
    };
    circle.addEventListener('click', select);
    circle.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') select(); });
    nodeLayer.append(circle);
  });
  root.append(edgeLayer, nodeLayer);
  show(container, root);
  show(legend,
       ROLE_CLASSES.concat(['none']).map((r) =>
         el('span', {class: 'legend-item'}, svg('svg', {viewBox: '0 0 12 12', class: 'legend-dot'},
                                                 svg('circle', {cx: 6, cy: 6, r: 5, class: 'node role-' + r})),
            r === 'none' ? 'no role' : r)),
       el('span', {class: 'legend-item'}, 'hollow: down'));
}
