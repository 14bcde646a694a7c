// Drives the runner's dashboard in headless Chromium for DashboardBrowserIT (which starts the runner and the apps).
// Scenarios (DASH_SCENARIO):
//   main       a wrong token is refused; log in; say READY and read a release id on stdin; watch that canary move from
//              step to step live; its charts appear; promote it with the button (confirming the dialog); it succeeds
//   read-only  log in with a read-only token: the release shows, the command buttons do not
// Every request the page makes is recorded: any to another origin, or with the token in its URL, fails the run.
// Screenshots go to DASH_SHOTS. Exit code 0 only when every check passed; the reason is printed otherwise.
import { chromium } from 'playwright-core';
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const env = (name) => {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is not set`);
  }
  return value;
};
const url = env('DASH_URL');
const app = env('DASH_APP');
const scenario = env('DASH_SCENARIO');
const shots = env('DASH_SHOTS');
const token = env(scenario === 'read-only' ? 'DASH_READ_TOKEN' : 'DASH_TOKEN');
const origin = new URL(url).origin;
const WAIT = { timeout: Number(process.env.DASH_WAIT_MS || 120000) };

const log = (...args) => console.log(new Date().toISOString().slice(11, 23), ...args);
const check = (ok, message) => {
  if (!ok) {
    throw new Error(message);
  }
};

mkdirSync(shots, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), 'slipway-dashboard-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.DASH_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1440, height: 1100 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const requests = [];
const problems = [];
context.on('request', (r) => requests.push({ url: r.url(), method: r.method(), type: r.resourceType() }));
const page = context.pages()[0] || await context.newPage();
page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
page.on('console', (m) => {
  // The browser logs every refused fetch; the expected refusals (401 of the wrong token, 404 of an older runner's
  // whoami) are not faults of the page. Anything else, a CSP violation above all, is.
  if (m.type() === 'error' && !/status of (401|404)/.test(m.text())) {
    problems.push(`console error: ${m.text()}`);
  }
});
const shot = async (name) => {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  log('screenshot', name);
};

async function signIn(value) {
  await page.fill('#token', value);
  await page.click('#login-submit');
}

async function main() {
  await page.goto(`${url}/`);
  await page.waitForSelector('#login-form', WAIT);
  check(await page.getAttribute('#token', 'type') === 'password', 'the token field is not a password field');
  await shot('01-login');

  await signIn('not-the-token-of-this-runner');
  await page.waitForSelector('#login-error:not([hidden])', WAIT);
  const refusal = await page.textContent('#login-error');
  check(/401/.test(refusal) && /refused/i.test(refusal), `a wrong token should be refused with a clear message, got: ${refusal}`);
  check(await page.evaluate(() => sessionStorage.length) === 0, 'a refused token was kept');
  await shot('02-wrong-token-refused');
  log('wrong token refused:', refusal);

  await signIn(token);
  await page.waitForSelector(`.card[data-app="${app}"]`, WAIT);
  await shot('03-apps');

  console.log('READY');
  const stdin = createInterface({ input: process.stdin });
  const releaseId = await new Promise((resolve) => stdin.once('line', resolve));
  // An open stdin would keep Node running after the last check.
  stdin.close();
  log('following release', releaseId);
  await page.goto(`${url}/#/apps/${app}/releases/${releaseId}`);
  await page.waitForSelector('#steps', WAIT);
  const loads = await page.evaluate(() => performance.getEntriesByType('navigation').length);
  // Every current step the chain shows, in order, as the events move the release on.
  await page.evaluate(() => {
    window.seenSteps = [];
    const note = () => {
      const steps = document.getElementById('steps');
      const step = steps && Number(steps.dataset.currentStep);
      if (step && window.seenSteps[window.seenSteps.length - 1] !== step) {
        window.seenSteps.push(step);
      }
    };
    note();
    new MutationObserver(note).observe(document.getElementById('view'), { childList: true, subtree: true, attributes: true });
  });
  await page.waitForSelector('#steps[data-current-step="4"][data-phase="Paused"]', WAIT);
  const seen = await page.evaluate(() => window.seenSteps);
  log('steps seen:', seen.join(' -> '));
  check(seen.length >= 2 && seen.every((s, i) => i === 0 || s > seen[i - 1]) && seen[seen.length - 1] === 4,
    `the step chain should move forward live to step 4, saw ${JSON.stringify(seen)}`);
  check(await page.evaluate(() => performance.getEntriesByType('navigation').length) === loads,
    'the page was reloaded while following the release');
  await page.waitForFunction(() => document.querySelectorAll('.chart[data-figure="successRate"] circle.point').length >= 2, null, WAIT);
  check(await page.locator('.chart line.threshold').count() === 3, 'each chart should draw its threshold');
  // The chain is drawn from the status, read again on each event, so it can reach step 4 a moment before the
  // stream has delivered that step's StepStarted: wait for the list rather than count it at once.
  await page.waitForFunction(() => document.querySelectorAll('.event[data-type="StepStarted"]').length >= 4, null, WAIT)
    .catch(() => {});
  check(await page.locator('.event[data-type="StepStarted"]').count() >= 4, 'the events list should show every StepStarted');
  const build = await page.getAttribute('#build-link', 'href');
  check(build === process.env.DASH_BUILD_URL, `the release should link its Jenkins build ${process.env.DASH_BUILD_URL}, got ${build}`);
  await shot('04-canary-paused-at-step-4');

  // The apps page in the middle of the canary: both revisions, set and measured weights.
  await page.goto(`${url}/#/`);
  await page.waitForSelector(`.card[data-app="${app}"][data-state="Paused"] .replica-set:has(.tag.new) .replica.healthy`, WAIT);
  await page.waitForFunction((name) => /rev \d+ \d+% \/ rev \d+ \d+%/.test(document.querySelector(
    `.card[data-app="${name}"] .weight-row[data-kind="actual"] .figures`)?.textContent || ''), app, WAIT);
  await shot('04b-apps-during-canary');
  await page.goto(`${url}/#/apps/${app}/releases/${releaseId}`);
  await page.waitForSelector('#steps[data-current-step="4"][data-phase="Paused"]', WAIT);

  await page.click('#action-promote');
  await page.waitForSelector('#confirm[open]', WAIT);
  const says = await page.textContent('#confirm-text');
  check(/last step/.test(says) && /100%/.test(says), `the promote dialog should say what it will do, got: ${says}`);
  await shot('05-promote-confirmation');
  await page.click('#confirm-ok');
  await page.waitForSelector('#phase[data-phase="Succeeded"]', WAIT);
  check(await page.locator('#steps .step.done').count() === 4, 'every step should show done once the release succeeded');
  await page.waitForSelector('#stream:text("ended")', WAIT);
  await shot('06-succeeded');

  await page.goto(`${url}/#/`);
  await page.waitForSelector(`.card[data-app="${app}"][data-state="Healthy"]`, WAIT);
  // The load loop is still running: the router measured what each revision answered.
  await page.waitForFunction((name) => /rev \d+ \d+%.*\(last minute\)/.test(document.querySelector(
    `.card[data-app="${name}"] .weight-row[data-kind="actual"] .figures`)?.textContent || ''), app, WAIT);
  await shot('07-apps-after-release');
}

async function readOnly() {
  const releaseId = env('DASH_RELEASE');
  await page.goto(`${url}/#/apps/${app}/releases/${releaseId}`);
  await page.waitForSelector('#login-form', WAIT);
  await signIn(token);
  await page.waitForSelector('#steps', WAIT);
  await page.waitForSelector('#read-only', WAIT);
  check(await page.locator('[data-action]').count() === 0, 'a read-only token should see no command button');
  check(await page.getAttribute('#role', 'data-role') === 'read', 'the header should say the token may only read');
  await shot('08-read-only');
}

let failure = null;
try {
  await (scenario === 'read-only' ? readOnly() : main());
  const foreign = requests.filter((r) => new URL(r.url).origin !== origin);
  check(foreign.length === 0, `the page made requests to other hosts: ${JSON.stringify(foreign)}`);
  const leaking = requests.filter((r) => r.url.includes(token));
  check(leaking.length === 0, `the token appeared in request URLs: ${leaking.map((r) => r.url.replace(token, '<token>'))}`);
  check(problems.length === 0, `the page reported problems: ${problems.join(' | ')}`);
  log(`${requests.length} requests, all to ${origin}:`, [...new Set(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`))].join(', '));
} catch (e) {
  failure = e;
  await shot(`failed-${scenario}`).catch(() => {});
}
await context.close();
rmSync(profile, { recursive: true, force: true });
if (failure) {
  console.log(`FAILED: ${failure.message}`);
  process.exit(1);
}
console.log('PASSED');
process.exit(0);
