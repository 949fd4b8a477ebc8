// The dashboard in a real browser: Debian's chromium, headless, driven by puppeteer-core (no
// browser download: executablePath /usr/bin/chromium), against the lighttpd that
// tests/cli/dashboard-browser.sh starts. Pages are read with JavaScript OFF (the dashboard must
// work without it); only the "action without its CSRF token" case uses a second tab with
// JavaScript on, to remove the hidden field before submitting.
// usage: node dashboard.mjs   (env BASE, TOKEN, SHOTS: the screenshot folder)
import puppeteer from 'puppeteer-core';

const { BASE, TOKEN, SHOTS } = process.env;
const problems = [];
const fail = (m) => { problems.push(m); console.error('FAIL: ' + m); };
const check = (ok, m) => { if (!ok) fail(m); };

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-default-apps', '--disable-sync'],
});
const outside = [];
async function newPage(js) {
  const p = await browser.newPage();
  await p.setJavaScriptEnabled(js);
  await p.setViewport({ width: 1280, height: 900 });
  // A page the server answers with 401/403/409 on purpose is logged by chromium as "Failed to
  // load resource"; those statuses are checked where they are expected. Anything else fails.
  p.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    if (/^Failed to load resource: the server responded with a status of (401|403|409) /.test(m.text())) return;
    fail(`console ${m.type()}: ${m.text()}`);
  });
  p.on('pageerror', (e) => fail('page error: ' + e.message));
  await p.setRequestInterception(true);
  p.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.hostname === '127.0.0.1') return r.continue();
    outside.push(r.url());
    r.abort();
  });
  return p;
}
// Input goes to the front tab only: a click on a background tab is never delivered.
const submit = async (p, selector) => {
  await p.bringToFront();
  const [resp] = await Promise.all([p.waitForNavigation(), p.click(selector)]);
  return resp;
};

try {
  const page = await newPage(false);
  let r = await page.goto(BASE + '/');
  check(r.status() === 401, `/ without a session: ${r.status()}`);
  check((await page.content()).includes('Sign in'), 'sign-in form shown');

  // a wrong token
  await page.type('#token', TOKEN + 'x');
  r = await submit(page, 'button[type=submit]');
  check(r.status() === 401, `wrong token: ${r.status()}`);
  check((await page.content()).includes('Wrong token.'), 'wrong-token message');
  await page.screenshot({ path: `${SHOTS}/signin-wrong-token.png` });

  // the right token: the cookie is set, the overview follows
  await page.type('#token', TOKEN);
  r = await submit(page, 'button[type=submit]');
  check(r.status() === 200 && r.url().endsWith('/mailjobs.cgi/'), `sign-in: ${r.status()} ${r.url()}`);
  const cookie = (await page.cookies()).find((c) => c.name === 'mailjobs_session');
  check(cookie && cookie.httpOnly && cookie.secure && cookie.sameSite === 'Strict', 'session cookie attributes: ' + JSON.stringify(cookie));

  // every page, a screenshot of each at desktop width
  for (const [name, path, text] of [['overview', '/', 'Overview'], ['runs', '/runs', 'Recent runs'],
                                    ['charts', '/charts', 'Charts'], ['accounts', '/accounts', 'Accounts'],
                                    ['job-webhook-retry', '/jobs/webhook-retry', 'Attempts'],
                                    ['job-session-cleanup', '/jobs/session-cleanup', 'History']]) {
    r = await page.goto(BASE + path);
    check(r.status() === 200, `${path}: ${r.status()}`);
    check((await page.content()).includes(text), `${path} shows ${text}`);
    await page.screenshot({ path: `${SHOTS}/${name}-1280.png`, fullPage: true });
  }
  // an action with its CSRF token (JavaScript off: a plain form post)
  await page.goto(BASE + '/jobs/session-cleanup');
  r = await submit(page, 'form[action$="/due"] button');
  check(r.status() === 200 && r.url().includes('done=due'), `make due now: ${r.status()} ${r.url()}`);
  check((await page.content()).includes('Made due now'), 'make-due message');
  await page.screenshot({ path: `${SHOTS}/action-made-due-1280.png` });

  // 375 px: readable without the page scrolling sideways (tables scroll in their own box)
  const small = await newPage(false);
  await small.setViewport({ width: 375, height: 812 });
  for (const [name, path] of [['overview', '/'], ['job-session-cleanup', '/jobs/session-cleanup']]) {
    await small.goto(BASE + path);
    await small.screenshot({ path: `${SHOTS}/${name}-375.png`, fullPage: true });
  }
  const js = await newPage(true);
  await js.setViewport({ width: 375, height: 812 });
  await js.goto(BASE + '/');
  const wide = await js.evaluate(() => document.documentElement.scrollWidth);
  check(wide <= 375, `page wider than 375 px: ${wide}`);

  // the same action without its CSRF token: 403, nothing changed
  const js2 = await newPage(true);
  await js2.goto(BASE + '/jobs/vacuum');
  await js2.$eval('form[action$="/due"] input[name=csrf]', (e) => e.remove());
  r = await submit(js2, 'form[action$="/due"] button');
  check(r.status() === 403, `action without CSRF: ${r.status()}`);
  check((await js2.content()).includes('CSRF'), 'CSRF message');
  await js2.screenshot({ path: `${SHOTS}/action-no-csrf-403.png` });

  // sign out: the pages ask for the token again
  await page.goto(BASE + '/');
  r = await submit(page, 'header form button');
  check(r.url().endsWith('/signin'), 'signed out');
  r = await page.goto(BASE + '/runs');
  check(r.status() === 401, `after sign-out: ${r.status()}`);
} catch (e) {
  fail('exception: ' + (e && e.stack || e));
} finally {
  await browser.close();
}
check(outside.length === 0, 'requests left 127.0.0.1: ' + outside.join(' '));
if (problems.length) process.exit(1);
console.log('browser: all checks passed');
