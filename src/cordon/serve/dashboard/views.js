// The dashboard's views, each filled from cordon's /v1 endpoints. Every value from the server
// is put in the page as text (dom.js).
import {api, ApiError} from './api.js';
import {$, el, show, clear, num, pct, when, table, figure} from './dom.js';
import {barChart, lineChart} from './charts.js';
import {drawMap} from './map.js';

export const state = {caller: null, overview: null, ledgerLoaded: false, ledgerFilter: ''};

export function isModerator() {
  const role = state.caller && state.caller.role;
  return role === 'moderator' || role === 'admin';
}

export function say(text, isError) {
  const s = $('status');
  s.textContent = text;
  s.classList.toggle('error', !!isError);
}

function failed(where, e) {
  say(where + ': ' + (e instanceof ApiError ? e.message + ' (' + e.status + ')' : String(e)), true);
}

function sum(obj) {
  return Object.values(obj || {}).reduce((a, b) => a + (Number(b) || 0), 0);
}

// --- overview ------------------------------------------------------------------------------

export async function loadOverview() {
  try {
    const [overview, stats, impact] = await Promise.all([
      api('/v1/overview'), api('/v1/stats'), api('/v1/impact')]);
    state.overview = overview;
    renderFigures(overview, stats, impact);
    renderImpact(impact);
    updateQueueBadge();
  } catch (e) {
    failed('overview', e);
  }
}

function renderFigures(overview, stats, impact) {
  const action = (impact.actions || [])[0];
  show($('figures'),
       figure('entities', num(sum(stats.entities))),
       figure('messages', num(stats.messages)),
       figure('takedowns', num(stats.takedowns)),
       figure('ledger entries', num(overview.ledger.seq)),
       figure('open detections', num(overview.detections.open),
              'of ' + num(overview.detections.total) + ' regenerations detected'),
       figure('network chats', num(impact.network_chats)),
       action ? figure('views after the action', pct(action.views_change),
                       'per day, ' + action.start + ' vs before') : null,
       action ? figure('forwarded posts after', pct(action.forwarded_change), 'per day') : null);
}

// The report's findings (cordon report, "Findings"), from the same impact figures.
function findings(impact) {
  const daily = impact.daily || [];
  if (daily.length === 0) return ['The database holds no messages or takedowns yet.'];
  const out = [];
  const spikes = new Set(impact.spikes || []);
  const total = daily.reduce((a, d) => a + d.takedowns, 0);
  const usualDays = daily.filter((d) => !spikes.has(d.date));
  const usual = usualDays.length ? usualDays.reduce((a, d) => a + d.takedowns, 0) / usualDays.length : 0;
  out.push(num(total) + ' accounts, bots and chats were taken down between ' + daily[0].date +
           ' and ' + daily[daily.length - 1].date + ', usually about ' + Math.round(usual) + ' a day.');
  for (const a of impact.actions || []) {
    const days = a.start === a.end ? 1 : 2;
    out.push('The day of action ' + (a.start === a.end ? a.start : a.start + ' to ' + a.end) +
             ' removed ' + num(a.takedowns) + ', ' + Math.round(a.takedowns / Math.max(usual, 1) / days) +
             ' times the usual daily level.');
    out.push('In the ' + a.after.days + ' days after it, the network\'s organic posts changed by ' +
             pct(a.organic_change) + ' and its forwarded posts by ' + pct(a.forwarded_change) +
             ' against the ' + a.before.days + ' days before; active network chats went from ' +
             num(a.before.active_chats) + ' to ' + num(a.after.active_chats) + '.');
    if (a.after.new_chats > 0 || a.after.regenerations > 0) {
      out.push(num(a.after.new_chats) + ' new network chats appeared after the action and ' +
               num(a.after.regenerations) + ' replacements were caught.');
    }
  }
  const replacements = (impact.survival || {}).replacements;
  if (replacements && Number.isFinite(replacements.median_days)) {
    out.push('Replacement chats lived a median of ' + num(replacements.median_days) + ' days.');
  }
  const migration = Object.entries(impact.migration || {});
  if (migration.length) {
    out.push('Messages pointed to other platforms: ' + migration.map(([p, n]) =>
      p + ' (' + num(n) + ', first on ' + ((impact.migration_first || {})[p] || '?') + ')').join(', ') + '.');
  }
  return out;
}

function renderImpact(impact) {
  show($('findings'), findings(impact).map((f) => el('li', {}, f)));
  const daily = impact.daily || [];
  const days = daily.map((d) => d.date);
  const marks = (impact.actions || []).map((a) => ({start: a.start, end: a.end}));
  show($('chart-takedowns'), daily.length
    ? barChart('takedowns per day', days, daily.map((d) => d.takedowns), marks)
    : el('p', {class: 'note'}, 'No daily figures yet.'));
  show($('chart-reach'), daily.length
    ? lineChart('posts in the network per day', days, [
        {name: 'posts in the network', values: daily.map((d) => d.network_posts), class: 'a'},
        {name: 'forwarded posts in the network', values: daily.map((d) => d.network_forwarded), class: 'b'},
      ], marks)
    : el('p', {class: 'note'}, 'No daily figures yet.'));
  const actions = impact.actions || [];
  if (actions.length === 0) {
    show($('before-after'), el('p', {class: 'note'}, 'No day of action detected.'));
    return;
  }
  const rows = [];
  for (const a of actions) {
    // Counts per day, but active chats: those are distinct chats over the whole window.
    const per = (side, key, daily) => (side && side.days ? side[key] / (daily ? side.days : 1) : null);
    for (const [label, key, change, daily] of [
      ['organic posts a day', 'organic_posts', a.organic_change, true],
      ['forwarded posts a day', 'forwarded_posts', a.forwarded_change, true],
      ['views a day', 'views', a.views_change, true],
      ['active chats in the window', 'active_chats', a.active_chats_change, false],
      ['new chats a day', 'new_chats', null, true],
      ['regenerations a day', 'regenerations', null, true],
      ['takedowns a day', 'takedowns', null, true],
    ]) {
      rows.push({action: a.start + (a.end !== a.start ? ' – ' + a.end : ''), label,
                 before: per(a.before, key, daily), after: per(a.after, key, daily), change});
    }
  }
  show($('before-after'), table([
    {title: 'day of action', value: (r) => r.action},
    {title: 'figure', value: (r) => r.label},
    {title: 'before', value: (r) => num(r.before), class: 'num'},
    {title: 'after', value: (r) => num(r.after), class: 'num'},
    {title: 'change', value: (r) => (r.change === null ? '' : pct(r.change)), class: 'num'},
  ], rows));
}

// Reads the counts again (a detection arrived on the stream): the figures and the queue badge.
export async function refreshCounts() {
  try {
    state.overview = await api('/v1/overview');
    updateQueueBadge();
  } catch (e) {
    failed('overview', e);
  }
}

export function addActivity(text) {
  const list = $('activity');
  list.prepend(el('li', {}, el('time', {}, new Date().toISOString().slice(11, 19)), ' ', text));
  while (list.children.length > 30) list.removeChild(list.lastChild);
}

// --- network -------------------------------------------------------------------------------

export async function loadNetwork() {
  show($('network-map'), el('p', {class: 'note'}, 'Building the network…'));
  try {
    const map = await api('/v1/network/map?nodes=150');
    $('network-note').textContent = 'The ' + num(map.nodes.length) + ' most important of ' +
        num(map.nodes_total) + ' connected nodes (roles first, then the best connected) and the ' +
        num(map.edges.length) + ' edges among them; the network as of ' + when(map.as_of) + '.';
    drawMap($('network-map'), $('network-detail'), $('network-legend'), map);
  } catch (e) {
    show($('network-map'));
    failed('network', e);
  }
}

// --- detections queue ----------------------------------------------------------------------

function updateQueueBadge() {
  const o = state.overview;
  $('queue-badge').textContent = o && o.detections.open ? String(o.detections.open) : '';
}

export async function loadQueue() {
  const which = $('queue-state').value;
  try {
    const q = await api('/v1/queue?limit=200&state=' + encodeURIComponent(which));
    $('queue-count').textContent = num(q.total) + ' detection' + (q.total === 1 ? '' : 's') +
        (q.queue.length < q.total ? ', the first ' + q.queue.length + ' shown' : '');
    show($('queue-list'), q.queue.length === 0
      ? el('p', {class: 'note'}, 'Nothing here.')
      : table([
        {title: 'entity', value: (r) => [el('bdi', {class: 'name'}, r.name || '(no name)'),
                                         el('br'), el('span', {class: 'mono'}, r.detection.entity)]},
        {title: 'regenerates', value: (r) => [el('bdi', {class: 'name'}, r.parent_name || '(no name)'),
                                              el('br'), el('span', {class: 'mono'}, r.detection.parent)]},
        {title: 'score', value: (r) => num(r.detection.score), class: 'num'},
        {title: 'detected', value: (r) => when(r.detection.detected_at)},
        {title: 'state', value: (r) => (r.down_since ? 'down since ' + when(r.down_since) : 'open')},
        {title: '', value: (r) => {
          const b = el('button', {type: 'button', class: 'open-detection'}, 'Open');
          b.addEventListener('click', () => openDetection(r));
          return b;
        }},
      ], q.queue, (r) => ({'data-entity': r.detection.entity,
                           class: r.down_since ? 'is-down' : 'is-open'})));
  } catch (e) {
    failed('detections', e);
  }
}

function evidenceList(evidence) {
  return el('ul', {class: 'evidence'}, (evidence || []).map((ev) =>
    el('li', {},
       el('strong', {}, ev.signal),
       ev.value !== undefined ? ' ' + num(ev.value) : '',
       ev.detail ? ' — ' : '', ev.detail || '',
       (ev.refs || []).length ? el('div', {class: 'mono refs'}, ev.refs.join(' ')) : null)));
}

export function openDetection(row) {
  const d = row.detection;
  const detail = $('queue-detail');
  const parts = [
    el('h3', {class: 'name'}, el('bdi', {}, row.name || d.entity)),
    el('dl', {},
       el('dt', {}, 'entity'), el('dd', {class: 'mono'}, d.entity),
       el('dt', {}, 'regenerates'), el('dd', {}, el('bdi', {class: 'name'}, row.parent_name || ''), ' ',
                                        el('span', {class: 'mono'}, d.parent)),
       el('dt', {}, 'score'), el('dd', {}, num(d.score)),
       el('dt', {}, 'detected'), el('dd', {}, when(d.detected_at)),
       el('dt', {}, 'state'), el('dd', {id: 'detection-state'},
                                 row.down_since ? 'down since ' + when(row.down_since) : 'open')),
    el('h4', {}, 'Evidence'),
    evidenceList(d.evidence),
  ];
  if ((d.candidates || []).length > 1) {
    parts.push(el('h4', {}, 'Other candidates'),
               el('ul', {}, d.candidates.slice(1).map((c) =>
                 el('li', {}, el('span', {class: 'mono'}, c.parent), ' ', num(c.score)))));
  }
  if (isModerator() && !row.down_since) parts.push(takedownForm(row));
  show(detail, parts);
}

function takedownForm(row) {
  const d = row.detection;
  const reason = el('input', {type: 'text', id: 'takedown-reason', value: 'regeneration of ' + d.parent});
  const button = el('button', {type: 'submit', id: 'take-down', class: 'danger'}, 'Take down');
  const result = el('p', {id: 'takedown-result', role: 'status'});
  const form = el('form', {class: 'takedown'},
                  el('label', {for: 'takedown-reason'}, 'Reason'), reason, button, result);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    button.disabled = true;
    try {
      const entry = await api('/v1/takedowns', {method: 'POST', body: {
        entity: d.entity,
        reason: reason.value.trim() || 'regeneration of ' + d.parent,
        evidence: {origin: 'dashboard', regeneration_of: d.parent, score: d.score,
                   detected_at: d.detected_at, signals: d.evidence || []},
      }});
      result.textContent = 'Taken down: ledger entry #' + entry.seq + ' by ' + entry.decided_by + '.';
      $('detection-state').textContent = 'down since ' + when(entry.time);
      row.down_since = entry.time;
      say('Took down ' + d.entity + ' (ledger #' + entry.seq + ').');
      loadQueue();
      loadOverview();
    } catch (e) {
      button.disabled = false;
      result.textContent = 'Refused: ' + e.message;
      failed('take down', e);
    }
  });
  return form;
}

// --- ledger --------------------------------------------------------------------------------

const ledgerColumns = [
  {title: '#', value: (e) => String(e.seq), class: 'num'},
  {title: 'time', value: (e) => when(e.time)},
  {title: 'action', value: (e) => e.action},
  {title: 'entity', value: (e) => el('span', {class: 'mono'}, e.entity)},
  {title: 'reason', value: (e) => e.reason},
  {title: 'source', value: (e) => e.source},
  {title: 'decided by', value: (e) => e.decided_by},
  {title: 'hash', value: (e) => el('span', {class: 'mono', title: e.hash}, String(e.hash || '').slice(0, 12))},
];

export async function loadLedger() {
  const entity = $('ledger-entity').value.trim();
  state.ledgerFilter = entity;
  try {
    let path;
    if (entity) {
      path = '/v1/ledger?limit=1000&entity=' + encodeURIComponent(entity);
    } else {
      const o = await api('/v1/overview');
      state.overview = o;
      path = '/v1/ledger?limit=100&after=' + Math.max(0, o.ledger.seq - 100);
    }
    const page = await api(path);
    const entries = (page.entries || []).slice().reverse();  // newest first
    $('ledger-count').textContent = entity
      ? num(entries.length) + ' entries for this entity'
      : 'the latest ' + num(entries.length) + ' entries, newest first';
    show($('ledger-list'), table(ledgerColumns, entries, (e) => ({'data-seq': e.seq, 'data-entity': e.entity})));
    state.ledgerLoaded = true;
  } catch (e) {
    failed('ledger', e);
  }
}

// A ledger entry from the stream, put on top when the unfiltered ledger is shown.
export function prependLedgerEntry(entry) {
  if (!state.ledgerLoaded) return;
  if (state.ledgerFilter && state.ledgerFilter !== entry.entity) return;
  const body = $('ledger-list').querySelector('tbody');
  if (!body || body.querySelector(`tr[data-seq="${Number(entry.seq)}"]`)) return;
  body.prepend(el('tr', {'data-seq': entry.seq, 'data-entity': entry.entity, class: 'fresh'},
                  ledgerColumns.map((c) => el('td', {class: c.class}, c.value(entry)))));
}

// --- banks ---------------------------------------------------------------------------------

export async function loadBanks() {
  try {
    const banks = await api('/c/banks');
    show($('banks-list'), banks.length === 0
      ? el('p', {class: 'note'}, 'No banks (cordon bank create, or POST /c/banks).')
      : table([
        {title: 'bank', value: (b) => b.name},
        {title: 'entries', value: (b) => num(b.entries), class: 'num'},
        {title: 'matching', value: (b) => (b.matching_enabled_ratio > 0 ? 'on' : 'off')},
      ], banks));
  } catch (e) {
    failed('banks', e);
  }
}

// --- referrals -----------------------------------------------------------------------------

function duration(seconds) {
  if (!Number.isFinite(seconds)) return '–';
  const s = Math.abs(seconds);
  const text = s < 3600 ? Math.round(s / 60) + ' min' : s < 172800 ? (s / 3600).toFixed(1) + ' h'
                                                              : (s / 86400).toFixed(1) + ' days';
  return seconds < 0 ? text + ' ago' : text;
}

export async function loadReferrals() {
  try {
    const [report, open] = await Promise.all([
      api('/v1/deadlines'), api('/v1/referrals?status=open&limit=1000')]);
    const t = report.time_to_action_s || {};
    show($('deadline-figures'),
         figure('referrals', num(report.total)),
         figure('open', num(report.open)),
         figure('overdue and open', num(report.overdue_open)),
         figure('actioned within the deadline', num(report.within_deadline)),
         figure('actioned late', num(report.actioned_late)),
         figure('median time to action', duration(t.median)),
         figure('p90 time to action', duration(t.p90)));
    const now = Date.now();
    const rows = (open.referrals || []).slice().sort((a, b) => String(a.deadline).localeCompare(String(b.deadline)));
    show($('referrals-list'), rows.length === 0
      ? el('p', {class: 'note'}, 'No open referrals.')
      : table([
        {title: 'id', value: (r) => el('span', {class: 'mono'}, r.id)},
        {title: 'kind', value: (r) => r.kind},
        {title: 'entity', value: (r) => el('span', {class: 'mono'}, r.entity)},
        {title: 'unit', value: (r) => r.unit},
        {title: 'received', value: (r) => when(r.received)},
        {title: 'deadline', value: (r) => when(r.deadline)},
        {title: 'left', value: (r) => duration((Date.parse(r.deadline) - now) / 1000)},
      ], rows, (r) => ({class: r.overdue ? 'overdue' : ''})));
  } catch (e) {
    failed('referrals', e);
  }
}

export function resetViews() {
  state.caller = null;
  state.overview = null;
  state.ledgerLoaded = false;
  for (const id of ['figures', 'findings', 'chart-takedowns', 'chart-reach', 'before-after', 'activity',
                    'network-map', 'network-legend', 'queue-list', 'ledger-list', 'banks-list',
                    'deadline-figures', 'referrals-list']) {
    clear($(id));
  }
  show($('queue-detail'), el('p', {class: 'note'}, 'Open a detection to see its evidence.'));
  show($('network-detail'), el('p', {class: 'note'}, 'Select a node.'));
  $('queue-badge').textContent = '';
}
