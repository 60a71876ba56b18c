// The dashboard of `cordon serve` as a moderator uses it, in Debian's Chromium (run.sh checks
// that node, Chromium and playwright-core are there).
//
// A world from the CLI: `cordon simulate --scale small` and `cordon ingest` (regeneration
// detections come with it), plus a channel whose name is markup, taken down and regenerated
// under the same name, so that a detection of it is in the queue. Then a real `cordon serve` on
// 127.0.0.1 and a free port, a moderator's and a viewer's token from `cordon token create`, and
// in the browser: sign in, open the hostile detection (its name shows as literal text), take it
// down, see the entry arrive on the live stream and in the ledger with the moderator's name;
// the other views load; a viewer gets no take-down button. Throughout: no dialog opened, no
// element made from data (no <img> ever inserted), no script error, no CSP violation.
//
// Usage: node dashboard_test.mjs CORDON_BINARY (CHROMIUM names the browser).
import {spawn, execFileSync} from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {createRequire} from 'node:module';

const require = createRequire(import.meta.url);
const {chromium} = require('playwright-core');

const cordon = process.argv[2];
const browserPath = process.env.CHROMIUM || '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_CHILD = 'telegram:channel990000002';

let passed = 0;
let failedChecks = 0;
function check(ok, what, detail) {
  if (ok) {
    passed++;
    console.log('ok - ' + what);
  } else {
    failedChecks++;
    console.log('not ok - ' + what + (detail !== undefined ? ': ' + detail : ''));
  }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-browser-'));
let server = null;
let browser = null;

async function cleanup() {
  if (browser) await browser.close().catch(() => {});
  browser = null;
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
  server = null;
  fs.rmSync(tmp, {recursive: true, force: true});
}

// A hard limit, so a hung browser or server cannot hold ctest (generous: the sanitizer build's
// server is many times slower than the release build's).
const watchdog = setTimeout(async () => {
  console.log('not ok - the test did not finish within 480 s');
  await cleanup();
  process.exit(1);
}, 480000);

function run(...args) {
  return execFileSync(cordon, args, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
}

function startServer(db) {
  return new Promise((resolve, reject) => {
    // Streams live 2 s, so the page has to reconnect (with Last-Event-ID) while the test runs.
    server = spawn(cordon, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--log-format', 'none',
                            '--stream-seconds', '2'],
                   {stdio: ['ignore', 'ignore', 'pipe']});
    let err = '';
    server.stderr.setEncoding('utf8');
    server.stderr.on('data', (chunk) => {
      err += chunk;
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) resolve(Number(m[1]));
    });
    server.once('exit', (code) => reject(new Error('cordon serve exited ' + code + ': ' + err)));
  });
}

async function main() {
  // --- the world ---------------------------------------------------------------------------
  const db = path.join(tmp, 'db.sqlite');
  run('simulate', '--out', path.join(tmp, 'sim'), '--scale', 'small', '--days', '30',
      '--media', 'none', '--no-exports', '--quiet');
  run('ingest', '--db', db, path.join(tmp, 'sim', 'events.ndjson'), '--quiet');
  const e = (o) => JSON.stringify(o);
  const hostile = [
    e({type: 'entity', key: 'telegram:user990000001', kind: 'user', time: '2019-10-20T00:00:00Z',
       name: 'Hostile Admin'}),
    e({type: 'entity', key: 'telegram:channel990000001', kind: 'channel',
       time: '2019-10-20T00:00:00Z', name: HOSTILE, username: 'hostile_news',
       created: '2019-10-02T00:00:00Z', creator: 'telegram:user990000001', subscribers: 300}),
    e({type: 'message', key: 'telegram:channel990000001/1', chat: 'telegram:channel990000001',
       time: '2019-10-20T01:00:00Z', text: '<script>alert(2)</script> news'}),
    e({type: 'takedown', entity: 'telegram:channel990000001', time: '2019-10-21T00:00:00Z',
       reason: 'terrorist_channel', source: 'platform'}),
    e({type: 'entity', key: HOSTILE_CHILD, kind: 'channel', time: '2019-10-21T03:00:00Z',
       name: HOSTILE, username: 'hostile_news2', created: '2019-10-21T03:00:00Z',
       creator: 'telegram:user990000001'}),
    e({type: 'message', key: HOSTILE_CHILD + '/1', chat: HOSTILE_CHILD,
       time: '2019-10-21T03:10:00Z', text: '<script>alert(2)</script> news'}),
  ].join('\n') + '\n';
  fs.writeFileSync(path.join(tmp, 'hostile.ndjson'), hostile);
  run('ingest', '--db', db, path.join(tmp, 'hostile.ndjson'), '--quiet');
  const moderator = run('token', 'create', '--db', db, '--role', 'moderator',
                        '--name', 'browser-moderator').trim();
  const viewer = run('token', 'create', '--db', db, '--role', 'viewer', '--name', 'browser-viewer').trim();
  const stored = JSON.parse(run('regen', '--db', db, '--stored', '--json'));
  check(stored.detections.some((d) => d.entity === HOSTILE_CHILD),
        'the world has a detection of the hostile channel');

  const port = await startServer(db);
  const base = `http://127.0.0.1:${port}`;

  // --- the browser -------------------------------------------------------------------------
  browser = await chromium.launch({executablePath: browserPath, headless: true,
                                   args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu']});
  const context = await browser.newContext({viewport: {width: 1300, height: 1000}});
  const dialogs = [];
  const pageErrors = [];
  const consoleErrors = [];
  // Records, from before the page's own scripts, every element that data could have made and
  // every CSP violation.
  await context.addInitScript(() => {
    window.__inserted = [];
    window.__csp = [];
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.nodeType !== 1) continue;
          for (const x of [n, ...n.querySelectorAll('*')]) {
            const tag = x.tagName.toLowerCase();
            if (['img', 'iframe', 'object', 'embed', 'image'].includes(tag) ||
                (tag === 'script' && !/\/dashboard\/app\.js$/.test(x.src || ''))) {
              window.__inserted.push(tag);
            }
          }
        }
      }
    }).observe(document, {childList: true, subtree: true});
    document.addEventListener('securitypolicyviolation',
                              (ev) => window.__csp.push(ev.violatedDirective + ' ' + ev.blockedURI));
  });
  const page = await context.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.setDefaultTimeout(120000);
  // The stream requests the page makes: the header, never the URL, carries the token.
  const streamRequests = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/v1/stream') streamRequests.push({url: r.url(), headers: r.headers()});
  });

  const res = await page.goto(base + '/');
  const headers = res.headers();
  check(res.status() === 200, 'GET / answers 200', res.status());
  const csp = headers['content-security-policy'] || '';
  check(csp.includes("default-src 'self'") && csp.includes("frame-ancestors 'none'") &&
        !csp.includes('unsafe-inline') && !csp.includes('unsafe-eval'),
        'the page has a strict Content-Security-Policy', csp);
  check(headers['x-content-type-options'] === 'nosniff', 'nosniff');
  check(headers['referrer-policy'] === 'no-referrer', 'no referrer');

  // A wrong token is refused.
  await page.fill('#token', 'cordon_not_a_token');
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForFunction(() => document.getElementById('sign-in-error').textContent !== '');
  check(/unknown or revoked/.test(await page.textContent('#sign-in-error')), 'a wrong token is refused');
  check(await page.isVisible('#sign-in'), 'still signed out');

  // Sign in as the moderator.
  await page.fill('#token', moderator);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#who-name:has-text("browser-moderator (moderator)")');
  check(true, 'signed in as the moderator');
  consoleErrors.length = 0;  // the wrong token's 401 was logged on purpose
  check(await page.evaluate(() => sessionStorage.getItem('cordon.token')) === moderator &&
        await page.evaluate(() => localStorage.length) === 0,
        'the token is kept in sessionStorage only');
  await page.waitForSelector('#figures .figure');
  await page.waitForSelector('#chart-takedowns svg rect.bar');
  check(await page.locator('#before-after tbody tr').count() > 0,
        'the overview shows before and after the day of action');
  const findingsText = await page.textContent('#findings');
  check(/taken down between/.test(findingsText) && /The day of action \S+/.test(findingsText),
        "the overview states the report's findings", findingsText);
  await page.waitForSelector('#live.on');
  check(true, 'the live stream is connected');
  // The server ends each stream after 2 s; the page comes back with where it was.
  for (let i = 0; i < 1200 && streamRequests.length < 2; i++) await page.waitForTimeout(100);
  check(streamRequests.length >= 2, 'the page reconnects when the server ends a stream',
        streamRequests.length);
  check(streamRequests.every((r) => r.headers.authorization === 'Bearer ' + moderator &&
                                    !r.url.includes(moderator) && !r.url.includes('token')),
        'the stream sends the token in the Authorization header, not the URL');
  check(streamRequests.length >= 2 && /^\d+\.\d+\.\d+$/.test(streamRequests[1].headers['last-event-id'] || ''),
        'the reconnect carries Last-Event-ID', streamRequests.length >= 2 && streamRequests[1].headers['last-event-id']);

  // The queue: the hostile detection, its name as text.
  await page.click('#nav a[data-view=queue]');
  const row = page.locator(`#queue-list tr[data-entity="${HOSTILE_CHILD}"]`);
  await row.waitFor();
  check((await row.textContent()).includes(HOSTILE), 'the hostile name shows as literal text in the queue');
  await row.locator('button.open-detection').click();
  await page.waitForSelector('#queue-detail h3');
  check(await page.textContent('#queue-detail h3') === HOSTILE,
        'the detection opens with the hostile name as its literal title');
  check(await page.locator('#queue-detail .evidence li').count() > 0, 'the detection shows its evidence');
  check(await page.isVisible('#take-down'), 'a moderator sees the take-down button');

  // Take it down.
  await page.click('#take-down');
  await page.waitForSelector('#takedown-result:has-text("Taken down")');
  const result = await page.textContent('#takedown-result');
  const seq = Number(/#(\d+)/.exec(result)[1]);
  check(seq > 0 && result.includes('browser-moderator'), 'the takedown is recorded', result);
  check(await page.textContent('#detection-state') !== 'open', 'the detection shows as down');

  // The stream brings the new entry.
  await page.click('#nav a[data-view=overview]');
  await page.waitForSelector(`#activity li:has-text("ledger #${seq}: takedown ${HOSTILE_CHILD}")`);
  check(true, 'the live stream delivered the ledger entry');

  // A regeneration ingested while the page watches (through POST /v1/events, after the last
  // event of the world, so a resumed stream still counts it as new) arrives on the stream.
  const openAfterTakedown = (await (await fetch(base + '/v1/overview', {
    headers: {Authorization: 'Bearer ' + viewer}})).json()).detections.open;
  const later = [
    e({type: 'entity', key: 'telegram:channel990000003', kind: 'channel', time: '2019-11-02T00:00:00Z',
       name: '"><svg onload=alert(4)>', username: 'later_news', created: '2019-11-01T00:00:00Z',
       creator: 'telegram:user990000001'}),
    e({type: 'message', key: 'telegram:channel990000003/1', chat: 'telegram:channel990000003',
       time: '2019-11-02T01:00:00Z', text: 'news'}),
    e({type: 'takedown', entity: 'telegram:channel990000003', time: '2019-11-03T00:00:00Z',
       reason: 'terrorist_channel', source: 'platform'}),
    e({type: 'entity', key: 'telegram:channel990000004', kind: 'channel', time: '2019-11-03T03:00:00Z',
       name: '"><svg onload=alert(4)>', username: 'later_news2', created: '2019-11-03T03:00:00Z',
       creator: 'telegram:user990000001'}),
    e({type: 'message', key: 'telegram:channel990000004/1', chat: 'telegram:channel990000004',
       time: '2019-11-03T03:10:00Z', text: 'news'}),
  ].join('\n') + '\n';
  const ingested = await fetch(base + '/v1/events', {method: 'POST', body: later, headers: {
    Authorization: 'Bearer ' + moderator, 'Content-Type': 'application/x-ndjson'}});
  check(ingested.status === 200, 'events are ingested through the API', ingested.status);
  await page.waitForSelector('#activity li:has-text("detection: telegram:channel990000004")');
  check(true, 'the live stream delivered the new detection');
  const overview = await (await fetch(base + '/v1/overview', {headers: {Authorization: 'Bearer ' + viewer}})).json();
  await page.waitForFunction((n) => Number(document.getElementById('queue-badge').textContent) === n,
                             overview.detections.open);
  check(overview.detections.open === openAfterTakedown + 1,
        'the badge counts the open detections, the new one included', JSON.stringify(overview));

  // The ledger.
  await page.click('#nav a[data-view=ledger]');
  const entry = page.locator(`#ledger-list tr[data-seq="${seq}"]`);
  await entry.waitFor();
  const entryText = await entry.textContent();
  check(entryText.includes(HOSTILE_CHILD) && entryText.includes('takedown') &&
        entryText.includes('browser-moderator'), 'the takedown is in the ledger with its decider', entryText);
  await page.fill('#ledger-entity', HOSTILE_CHILD);
  await page.click('#ledger-filter button[type=submit]');
  await page.waitForSelector('#ledger-count:has-text("for this entity")');
  const entities = await page.locator('#ledger-list tbody tr').evaluateAll(
      (rows) => rows.map((r) => r.dataset.entity));
  check(entities.length === 1 && entities[0] === HOSTILE_CHILD, 'the ledger filters by entity',
        entities.join(','));
  const viaApi = await (await fetch(`${base}/v1/ledger?entity=${encodeURIComponent(HOSTILE_CHILD)}`,
                                    {headers: {Authorization: 'Bearer ' + viewer}})).json();
  check(viaApi.entries.some((x) => x.seq === seq && x.decided_by === 'browser-moderator' &&
                                   x.evidence && x.evidence.regeneration_of === 'telegram:channel990000001'),
        'the ledger entry carries the detection as evidence', JSON.stringify(viaApi));

  // The other views.
  await page.click('#nav a[data-view=network]');
  await page.waitForSelector('#network-map svg circle.node');
  const nodes = await page.locator('#network-map circle.node').count();
  check(nodes > 10, 'the network map draws nodes', nodes);
  await page.locator('#network-map circle.node').first().click();
  await page.waitForSelector('#network-detail h3');
  check(true, 'a node shows its details');
  // A bank and a referral (its unit's name is markup too), made through the API.
  const post = (p, body) => fetch(base + p, {
    method: 'POST', body: JSON.stringify(body),
    headers: {Authorization: 'Bearer ' + moderator, 'Content-Type': 'application/json'}});
  check((await post('/c/banks', {name: 'DASHBOARD_BANK'})).status === 201, 'a bank is created');
  const unit = '<b onmouseover=alert(3)>Unit</b>';
  check((await post('/v1/referrals', {id: 'ref-1', entity: 'telegram:channel990000001', unit,
                                      deadline_hours: 1})).status === 201, 'a referral is made');
  await page.click('#nav a[data-view=banks]');
  await page.waitForSelector('#banks-list td:has-text("DASHBOARD_BANK")');
  check(true, 'the banks view lists the bank');
  await page.click('#nav a[data-view=referrals]');
  await page.waitForSelector('#deadline-figures .figure');
  const referral = page.locator('#referrals-list tr:has-text("ref-1")');
  await referral.waitFor();
  check((await referral.textContent()).includes(unit), 'the open referral shows with its unit as text');
  check(await page.locator('#referrals-list b').count() === 0, 'no markup was made from the unit');
  check(await page.locator('#status.error').count() === 0, 'no view reported an error',
        await page.textContent('#status'));

  // A viewer gets no take-down button.
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in', {state: 'visible'});
  check(await page.evaluate(() => sessionStorage.getItem('cordon.token')) === null,
        'signing out forgets the token');
  await page.fill('#token', viewer);
  await page.click('#sign-in-form button[type=submit]');
  await page.waitForSelector('#who-name:has-text("browser-viewer (viewer)")');
  await page.click('#nav a[data-view=queue]');
  const open = page.locator('#queue-list tr.is-open').first();
  await open.waitFor();
  await open.locator('button.open-detection').click();
  await page.waitForSelector('#queue-detail h3');
  check(await page.locator('#take-down').count() === 0, 'a viewer sees no take-down button');

  // Nothing ran that data could have started.
  const inserted = await page.evaluate(() => window.__inserted);
  const violations = await page.evaluate(() => window.__csp);
  check(dialogs.length === 0, 'no dialog opened', dialogs.join('; '));
  check(inserted.length === 0, 'no element was made from data', inserted.join(','));
  check(await page.locator('img, iframe, object, embed').count() === 0, 'the page has no image or frame');
  check(violations.length === 0, 'no Content-Security-Policy violation', violations.join('; '));
  check(pageErrors.length === 0, 'no script error', pageErrors.join('; '));
  check(consoleErrors.length === 0, 'no console error', consoleErrors.join('; '));

  // The server stops on SIGTERM and exits 0.
  await browser.close();
  browser = null;
  const exited = new Promise((r) => server.once('exit', (code) => r(code)));
  server.kill('SIGTERM');
  check(await exited === 0, 'cordon serve exits 0 on SIGTERM');
}

let code = 0;
try {
  await main();
} catch (err) {
  console.log('not ok - ' + (err && err.stack ? err.stack : String(err)));
  failedChecks++;
} finally {
  await cleanup();
  clearTimeout(watchdog);
}
console.log(`${passed} passed, ${failedChecks} failed`);
code = failedChecks === 0 ? 0 : 1;
process.exit(code);
