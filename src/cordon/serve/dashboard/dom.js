// Building the page. Every piece of data becomes a text node (textContent): names, texts and
// keys come from adversaries, so nothing here parses a string as HTML, and nothing sets an event
// handler or a URL from data. The page's CSP (no inline script) is the second line of defence.

const SVG_NS = 'http://www.w3.org/2000/svg';

// Attribute names this module sets; anything else (on*, href, src, style) is refused, so a
// caller cannot turn data into script or a URL by mistake.
const SAFE_ATTRIBUTE = /^(class|id|title|type|value|name|for|colspan|role|disabled|placeholder|aria-[a-z]+|data-[a-z-]+|x|y|x1|y1|x2|y2|cx|cy|r|width|height|viewBox|fill|stroke|stroke-width|stroke-opacity|fill-opacity|opacity|text-anchor|dominant-baseline|transform|points|d|font-size|marker-end|tabindex)$/;

function setAttributes(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (!SAFE_ATTRIBUTE.test(key)) throw new Error('refused attribute ' + key);
    node.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// el('td', {class: 'num'}, 'text', otherNode, ...): an HTML element; strings become text.
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttributes(node, attrs);
  return append(node, children);
}

// The same for SVG.
export function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setAttributes(node, attrs);
  return append(node, children);
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
  return node;
}

export function $(id) {
  return document.getElementById(id);
}

// Replaces a container's content.
export function show(container, ...children) {
  return append(clear(container), children);
}

const numberFormat = new Intl.NumberFormat('en');

export function num(n) {
  if (n === null || n === undefined || Number.isNaN(n)) return '–';
  return numberFormat.format(typeof n === 'number' ? Math.round(n * 100) / 100 : n);
}

export function pct(x) {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  const s = (x * 100).toFixed(1) + '%';
  return x > 0 ? '+' + s : s;
}

// "2019-10-21T03:00:00Z" -> "2019-10-21 03:00 UTC".
export function when(t) {
  if (!t) return '–';
  const s = String(t);
  const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)/.exec(s);
  return m ? m[1] + ' ' + m[2] + ' UTC' : s;
}

// A table from column definitions [{title, value(row) -> string|Node, class}].
export function table(columns, rows, rowAttrs) {
  const head = el('tr', {}, columns.map((c) => el('th', {class: c.class}, c.title)));
  const body = rows.map((row, i) =>
    el('tr', rowAttrs ? rowAttrs(row, i) : {},
       columns.map((c) => el('td', {class: c.class}, c.value(row, i)))));
  return el('table', {}, el('thead', {}, head), el('tbody', {}, body));
}

// A figure card: a label and a big number.
export function figure(label, value, note) {
  return el('div', {class: 'figure'},
            el('div', {class: 'figure-value'}, value),
            el('div', {class: 'figure-label'}, label),
            note ? el('div', {class: 'figure-note'}, note) : null);
}
