// The dashboard's side of cordon's HTTP API: the token (kept in sessionStorage, so it lives
// as long as the tab and is sent only as `Authorization: Bearer`), JSON requests, and the
// live stream.
//
// EventSource cannot send an Authorization header, and a token in the URL would land in logs
// and histories, so the stream is read with fetch() and parsed here (text/event-stream: id,
// event, data, comments); it reconnects with Last-Event-ID when the server ends it.

const TOKEN_KEY = 'cordon.token';

export function token() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(t) {
  if (t) sessionStorage.setItem(TOKEN_KEY, t);
  else sessionStorage.removeItem(TOKEN_KEY);
}

// Called when the server refuses the token (401): the app signs out.
let unauthorized = () => {};
export function onUnauthorized(fn) {
  unauthorized = fn;
}

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

// GET (or `method` with a JSON `body`); resolves to the parsed JSON, rejects with ApiError.
export async function api(path, {method = 'GET', body} = {}) {
  const headers = {Authorization: 'Bearer ' + token(), Accept: 'application/json'};
  const init = {method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error'};
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'the server cannot be reached');
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = null;
  }
  if (res.status === 401 && token()) unauthorized();
  if (!res.ok) {
    const message = data && typeof data.message === 'string' ? data.message : res.statusText;
    throw new ApiError(res.status, message);
  }
  return data;
}

// Parses text/event-stream blocks out of a growing buffer; returns what is left unparsed.
function parseEvents(buffer, onBlock) {
  const blocks = buffer.split(/\r\n\r\n|\n\n|\r\r/);
  const rest = blocks.pop();
  for (const block of blocks) {
    const ev = {id: null, event: 'message', data: [], comment: null};
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line.startsWith(':')) {
        ev.comment = line.slice(1).trim();
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? '' : line.slice(colon + 1);
      if (value.startsWith(' ')) value = value.slice(1);
      if (field === 'id') ev.id = value;
      else if (field === 'event') ev.event = value;
      else if (field === 'data') ev.data.push(value);
    }
    onBlock(ev);
  }
  return rest;
}

// Follows GET /v1/stream until stop() is called. onEvent(type, object) for each event;
// onState('live' | 'reconnecting' | 'offline' | 'unauthorized').
export function follow(onEvent, onState) {
  const controller = new AbortController();
  let lastId = '';
  let stopped = false;

  async function once() {
    const headers = {Authorization: 'Bearer ' + token(), Accept: 'text/event-stream'};
    if (lastId) headers['Last-Event-ID'] = lastId;
    const res = await fetch('/v1/stream', {
      headers, cache: 'no-store', credentials: 'omit', redirect: 'error',
      signal: controller.signal,
    });
    if (res.status === 401 || res.status === 403) return 'unauthorized';
    if (!res.ok || !res.body) return 'retry';
    onState('live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buffer = parseEvents(buffer + value, (ev) => {
        if (ev.comment && ev.comment.startsWith('cordon stream ')) {
          // Where the stream starts: a reconnect resumes here even if nothing came yet.
          if (!lastId) lastId = ev.comment.slice('cordon stream '.length);
          return;
        }
        if (ev.id) lastId = ev.id;
        if (ev.data.length === 0) return;
        let data;
        try {
          data = JSON.parse(ev.data.join('\n'));
        } catch (e) {
          return;
        }
        onEvent(ev.event, data);
      });
    }
    return 'ended';
  }

  (async () => {
    let delay = 1000;
    while (!stopped) {
      let outcome;
      try {
        outcome = await once();
      } catch (e) {
        outcome = stopped ? 'stopped' : 'retry';
      }
      if (stopped) break;
      if (outcome === 'unauthorized') {
        onState('unauthorized');
        return;
      }
      if (outcome === 'ended') {
        delay = 1000;  // the server ends streams after a while: reconnect at once
        onState('reconnecting');
        continue;
      }
      onState('reconnecting');
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30000);
    }
    onState('offline');
  })();

  return {
    stop() {
      stopped = true;
      controller.abort();
    },
  };
}
