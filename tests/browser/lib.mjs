// lib.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Shared helpers for the browser tests: the real `tincan --headless` binary (TINCAN_BIN, from
// meson), Debian's Chromium driven by playwright-core, and a terminal-like client (the npm
// socket.io-client speaking the Tincan dialect). Missing pieces fail loudly: these tests never
// skip.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join as pathJoin } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export const CHROMIUM = process.env.TINCAN_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Generous: a hang guard, not a performance assertion. The machine may be busy with the
// rest of the test suite.
export const TIMEOUT_MS = 15_000;

// ---- dependencies -------------------------------------------------------------------------

const PINNED = JSON.parse(readFileSync(pathJoin(here, 'package.json'), 'utf8')).dependencies;

function checkDependencies () {
  const fix = 'run `npm ci --prefix tests/browser` (from the source tree root) to install the pinned ' +
              'packages from tests/browser/package-lock.json';

  for (const [name, version] of Object.entries(PINNED)) {
    const manifest = pathJoin(here, 'node_modules', name, 'package.json');
    let found;

    if (!existsSync(manifest))
      throw new Error(`tests/browser/node_modules/${name} is missing: ${fix}`);
    found = JSON.parse(readFileSync(manifest, 'utf8')).version;
    if (found !== version)
      throw new Error(`tests/browser/node_modules/${name} is ${found}, not the pinned ${version}: ${fix}`);
  }
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package ` +
                    '(`apt-get install chromium`, or build-aux/test, which installs the test packages)');
  if (!process.env.TINCAN_BIN)
    throw new Error('TINCAN_BIN is not set: run these tests with `meson test --suite browser`, or set ' +
                    'TINCAN_BIN=<builddir>/app/tincan');
  if (!existsSync(process.env.TINCAN_BIN))
    throw new Error(`TINCAN_BIN=${process.env.TINCAN_BIN} does not exist; build it first`);
}

checkDependencies();

const { chromium } = await import('playwright-core');
const { io } = await import('socket.io-client');

// ---- artifacts ----------------------------------------------------------------------------

export function artifactsDir () {
  const dir = process.env.TINCAN_ARTIFACTS || pathJoin(here, '..', '..', 'build', 'tests', 'artifacts');

  mkdirSync(dir, { recursive: true });
  return dir;
}

// ---- waiting ------------------------------------------------------------------------------

export function sleep (ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Polls check() until it returns something truthy; fails with what() after TIMEOUT_MS.
export async function until (check, what, timeout = TIMEOUT_MS) {
  const deadline = Date.now() + timeout;
  let last;

  for (;;) {
    try {
      last = await check();
      if (last)
        return last;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}` +
                      (last instanceof Error ? `: ${last.message}` : ''));
    await sleep(50);
  }
}

// ---- the host -----------------------------------------------------------------------------

// Starts `tincan --headless` on 127.0.0.1 and resolves once it listens:
// { url, port, dataDir, log(), kill(), stop() }. Options: port (0: any), dataDir (a new
// temporary one by default), args (more command-line arguments).
export function startHost (options = {}) {
  const dataDir = options.dataDir || mkdtempSync(pathJoin(tmpdir(), 'tincan-browser-'));
  const args = ['--headless', '--port', String(options.port ?? 0), '--bind', '127.0.0.1',
                '--data-dir', dataDir, ...(options.args || [])];
  const child = spawn(process.env.TINCAN_BIN, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    // Our warnings and criticals are bugs (STYLE.md §7): make them crash the host.
    env: { ...process.env, G_DEBUG: 'fatal-warnings' },
  });
  let stderr = '';
  let stdout = '';
  let expectExit = false;
  let listening = false;

  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-20000);
  });

  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`tincan printed no "listening" line; stdout: ${stdout} stderr: ${stderr}`));
    }, TIMEOUT_MS);

    child.on('error', (err) => {
      clearTimeout(guard);
      reject(new Error(`cannot start ${process.env.TINCAN_BIN}: ${err.message}`));
    });
    exited.then(({ code, signal }) => {
      clearTimeout(guard);
      if (!expectExit)
        reject(new Error(`tincan exited (code ${code}, signal ${signal}): ${stderr}`));
    });

    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      const match = (stdout += chunk).match(/Tincan listening on http:\/\/127\.0\.0\.1:(\d+)\//);

      if (!match || listening)
        return;
      listening = true;
      clearTimeout(guard);
      const port = Number(match[1]);

      resolve({
        port,
        dataDir,
        url: `http://127.0.0.1:${port}/`,
        log: () => stderr,
        alive: () => child.exitCode === null && child.signalCode === null,
        // The host dies without any goodbye, as with a power cut.
        async kill () {
          expectExit = true;
          process.off('exit', killOnExit);
          child.kill('SIGKILL');
          await exited;
        },
        async stop () {
          process.off('exit', killOnExit);
          if (child.exitCode !== null || child.signalCode !== null) {
            if (expectExit)
              return;
            throw new Error(`tincan died during the test (code ${child.exitCode}, signal ${child.signalCode}): ${stderr}`);
          }
          expectExit = true;
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
          const { code, signal } = await exited;
          clearTimeout(timer);
          assert.equal(code, 0, `tincan did not exit cleanly on SIGTERM (signal ${signal}): ${stderr}`);
        },
        removeData () {
          rmSync(dataDir, { recursive: true, force: true });
        },
      });
    });
  });
}

// ---- browsers -----------------------------------------------------------------------------

// One Chromium; every person gets a context of their own (own storage, own cookies).
export async function launchBrowser () {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
}

// A person at the chat page: { context, page, dialogs, errors, nick }; assertClean() then fails
// on any dialog (XSS), page error, CSP violation, or request to anywhere but the host.
// options: viewport and the other context options below, nick (joins with it), setup(page)
// (called before the page loads, e.g. to route its WebSocket).
export async function openPage (browser, host, options = {}) {
  const context = await browser.newContext({
    viewport: options.viewport || { width: 1280, height: 800 },
    colorScheme: options.colorScheme || 'light',
    deviceScaleFactor: options.deviceScaleFactor || 1,
    isMobile: options.isMobile || false,
    hasTouch: options.hasTouch || false,
    locale: 'en-GB',
    timezoneId: 'Europe/Brussels',
  });
  const page = await context.newPage();
  const person = { context, page, dialogs: [], errors: [], outside: [], nick: options.nick };

  page.setDefaultTimeout(TIMEOUT_MS);
  page.on('dialog', (dialog) => {
    person.dialogs.push(dialog.message());
    dialog.dismiss().catch(() => {});
  });
  page.on('pageerror', (err) => person.errors.push(`page error: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED|WebSocket connection/.test(msg.text()))
      person.errors.push(`console error: ${msg.text()}`);
  });
  page.on('request', (request) => {
    const url = new URL(request.url());

    if (url.protocol !== 'data:' && url.host !== new URL(host.url).host)
      person.outside.push(request.url());
  });
  // The same person on another device or in another window: the page's key decides whose
  // private history it gets (docs/protocol.md, "Joining").
  if (options.key) {
    await context.addInitScript((key) => {
      try {
        localStorage.setItem('tincan.key', key);
      } catch {
        // about:blank has no storage; the host's page does.
      }
    }, options.key);
  }
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });

  if (options.setup)
    await options.setup(page);
  await page.goto(options.url || host.url);
  if (options.nick)
    await join(page, options.nick);
  return person;
}

export async function join (page, nick) {
  await page.getByLabel('Nickname', { exact: true }).fill(nick);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#chat').waitFor({ state: 'visible' });
}

// Everything a page must never have done.
export async function assertClean (person) {
  const violations = await person.page.evaluate(() => window.__cspViolations);

  assert.deepEqual(person.dialogs, [], 'a dialog opened: something typed was run as code');
  assert.deepEqual(person.errors, [], 'the page reported errors');
  assert.deepEqual(violations, [], 'the Content-Security-Policy blocked something');
  assert.deepEqual(person.outside, [], 'the page loaded something from outside the host');
}

export async function send (page, text) {
  const input = page.getByLabel('Message', { exact: true });

  await input.fill(text);
  await input.press('Enter');
}

// The texts of the messages a page shows (pending ones included), in order.
export async function messageTexts (page) {
  return page.locator('#messages .msg .bubble').evaluateAll((bubbles) =>
    bubbles.map((b) => Array.from(b.childNodes).filter((n) => !(n.classList && n.classList.contains('visually-hidden')))
      .map((n) => n.textContent).join('')));
}

export async function waitForMessage (page, text) {
  await until(async () => (await messageTexts(page)).includes(text),
              async () => `"${text}" on the page of ${await page.evaluate(() => document.title)}`);
}

// How many times a text shows (confirmed messages only, not the pending ones).
export async function countConfirmed (page, text) {
  return page.locator('#messages .msg:not(.pending) .bubble').evaluateAll((bubbles, wanted) =>
    bubbles.filter((b) => Array.from(b.childNodes)
      .filter((n) => !(n.classList && n.classList.contains('visually-hidden')))
      .map((n) => n.textContent).join('') === wanted).length, text);
}

// ---- the terminal client ------------------------------------------------------------------

// A terminal-like client in the Tincan dialect: { socket, welcome, messages, events, close() }.
export function terminal (host, nick, options = {}) {
  const socket = io(host.url, {
    forceNew: true,
    transports: ['websocket'],
    reconnection: false,
    auth: { client: 'tincan', nick, kind: 'terminal', ...(options.auth || {}) },
  });
  const client = { socket, nick, welcome: null, messages: [], typing: [], joined: [], left: [] };

  socket.on('message', (m) => client.messages.push(m));
  socket.on('typing', (u) => client.typing.push(u));
  socket.on('user-joined', (u) => client.joined.push(u));
  socket.on('user-left', (u) => client.left.push(u));
  client.close = () => socket.disconnect();
  client.ready = new Promise((resolve, reject) => {
    socket.once('welcome', (welcome) => {
      client.welcome = welcome;
      resolve(client);
    });
    socket.once('connect_error', (err) => reject(new Error(`${nick} could not join: ${err.message}`)));
  });
  return client;
}

export async function terminalSay (client, text, to) {
  const reply = to
    ? await client.socket.timeout(TIMEOUT_MS).emitWithAck('private', { to, text })
    : await client.socket.timeout(TIMEOUT_MS).emitWithAck('message', text);

  assert.equal(reply.ok, true, `the host refused ${JSON.stringify(text)}: ${JSON.stringify(reply)}`);
  return reply.message;
}
