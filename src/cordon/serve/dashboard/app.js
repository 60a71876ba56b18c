// The dashboard of `cordon serve`: sign-in, the views (views.js), routing by the URL's hash and
// live updates from /v1/stream (api.js).
import {api, ApiError, setToken, token, follow, onUnauthorized} from './api.js';
import {$} from './dom.js';
import * as views from './views.js';

const VIEWS = {
  overview: views.loadOverview,
  network: views.loadNetwork,
  queue: views.loadQueue,
  ledger: views.loadLedger,
  banks: views.loadBanks,
  referrals: views.loadReferrals,
};

// Views read again at each visit (cheap); the others (the network is computed) once per sign-in.
const FRESH = new Set(['queue', 'ledger', 'banks', 'referrals']);
let stream = null;
const loaded = new Set();

function currentView() {
  const name = location.hash.replace(/^#/, '');
  return Object.hasOwn(VIEWS, name) ? name : 'overview';
}

function route() {
  if (!views.state.caller) return;
  const name = currentView();
  for (const section of document.querySelectorAll('section.view')) {
    section.hidden = section.id !== 'view-' + name;
  }
  for (const a of document.querySelectorAll('#nav a')) {
    a.classList.toggle('current', a.dataset.view === name);
  }
  if (!loaded.has(name) || FRESH.has(name)) {
    loaded.add(name);
    VIEWS[name]();
  }
}

function setLive(state) {
  const live = $('live');
  live.textContent = {live: 'live', reconnecting: 'reconnecting…', offline: 'offline',
                      unauthorized: 'signed out'}[state] || state;
  live.className = 'live ' + (state === 'live' ? 'on' : 'off');
  if (state === 'unauthorized') signOut('The token is no longer valid.');
}

function onStreamEvent(type, data) {
  if (type === 'ledger') {
    views.addActivity('ledger #' + data.seq + ': ' + data.action + ' ' + data.entity +
                      ' by ' + data.decided_by);
    views.prependLedgerEntry(data);
    if (views.state.overview && data.seq > views.state.overview.ledger.seq) {
      views.state.overview.ledger.seq = data.seq;
    }
  } else if (type === 'detection') {
    views.addActivity('detection: ' + data.entity + ' regenerates ' + data.parent +
                      ' (score ' + data.score + ')');
    views.refreshCounts();
    if (currentView() === 'queue') route();
  } else if (type === 'match') {
    views.addActivity('match: ' + (data.message || '') + ' in bank ' + (data.bank || ''));
  }
}

async function signIn(candidate) {
  setToken(candidate);
  try {
    const overview = await api('/v1/overview');
    views.state.caller = overview.caller;
    views.state.overview = overview;
  } catch (e) {
    setToken('');
    $('sign-in-error').textContent = e instanceof ApiError && e.status === 401
      ? 'This token is unknown or revoked.'
      : 'Cannot sign in: ' + e.message;
    return false;
  }
  $('sign-in-error').textContent = '';
  $('token').value = '';
  $('sign-in').hidden = true;
  $('nav').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = views.state.caller.name + ' (' + views.state.caller.role + ')';
  document.body.dataset.role = views.state.caller.role;
  stream = follow(onStreamEvent, setLive);
  route();
  return true;
}

function signOut(message) {
  if (stream) stream.stop();
  stream = null;
  setToken('');
  loaded.clear();
  views.resetViews();
  for (const section of document.querySelectorAll('section.view')) section.hidden = true;
  $('nav').hidden = true;
  $('who').hidden = true;
  $('sign-in').hidden = false;
  delete document.body.dataset.role;
  $('sign-in-error').textContent = message || '';
  views.say('');
}

function start() {
  onUnauthorized(() => {
    if (views.state.caller) signOut('The token is unknown or was revoked.');
  });
  $('sign-in-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('token').value.trim();
    if (t) signIn(t);
  });
  $('sign-out').addEventListener('click', () => signOut());
  $('queue-state').addEventListener('change', () => views.loadQueue());
  $('ledger-filter').addEventListener('submit', (ev) => {
    ev.preventDefault();
    views.loadLedger();
  });
  window.addEventListener('hashchange', route);
  if (token()) signIn(token());
}

start();
