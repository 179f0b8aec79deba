// browser-security.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// What people type stays text, the page is served with a strict Content-Security-Policy and
// nosniff, and nothing but the page's own files can be fetched from /.

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';

import {
  assertClean, launchBrowser, messageTexts, openPage, send, startHost, terminal, terminalSay, until,
  waitForMessage,
} from './lib.mjs';

const XSS = [
  '<img src=x onerror=alert(1)>',
  '<script>alert(2)</script>',
  '"><svg onload=alert(3)>',
  'javascript:alert(4)',
  '<a href="javascript:alert(5)">click</a>',
  '<iframe srcdoc="<script>alert(6)</script>">',
  'https://example.invalid/"><img src=x onerror=alert(7)>',
  '&lt;b&gt;entities stay as typed&lt;/b&gt;',
];

// A raw GET: fetch() would normalise paths such as /../ before sending them.
function get (host, path, headers = {}, method = 'GET') {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      let body = '';

      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('what is served', () => {
  let host;

  before(async () => {
    host = await startHost();
  });

  after(async () => {
    await host?.stop();
    host?.removeData();
  });

  test('the page, with its Content-Security-Policy and nosniff', async () => {
    const res = await get(host, '/');
    const csp = res.headers['content-security-policy'];

    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.match(res.body, /<script src="\/socket\.io\/socket\.io\.min\.js" defer><\/script>/);
    for (const directive of [
      "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
      "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
    ])
      assert.ok(csp.split(/;\s*/).includes(directive), `no "${directive}" in ${csp}`);
    assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${host.port} wss://127\\.0\\.0\\.1:${host.port}(;|$)`));
    assert.doesNotMatch(csp, /unsafe/);
    // No inline script or style anywhere in the page: the policy would block them anyway.
    assert.doesNotMatch(res.body, /<script>|<style|\sstyle=|\son[a-z]+=/i);
  });

  test('each file with its type, an ETag and revalidation', async () => {
    const types = {
      '/tincan.js': 'text/javascript; charset=utf-8',
      '/tincan.css': 'text/css; charset=utf-8',
      '/favicon.svg': 'image/svg+xml',
      '/socket.io/socket.io.min.js': 'application/javascript; charset=utf-8',
    };

    for (const [path, type] of Object.entries(types)) {
      const res = await get(host, path);

      assert.equal(res.status, 200, path);
      assert.equal(res.headers['content-type'], type, path);
      assert.ok(res.headers.etag, `${path} has no ETag`);
      if (!path.startsWith('/socket.io/')) {
        assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
        const again = await get(host, path, { 'If-None-Match': res.headers.etag });
        assert.equal(again.status, 304, `${path} revalidated`);
      }
    }
    const gzip = await get(host, '/tincan.js', { 'Accept-Encoding': 'gzip' });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.equal((await get(host, '/', {}, 'POST')).status, 405);
    assert.equal((await get(host, '/', {}, 'HEAD')).status, 200);
  });

  test('nothing else: every other path is 404', async () => {
    for (const path of [
      '/index.html', '/tincan.js/', '/tincan.js/x', '/tincan.js.map', '/TINCAN.JS', '/tincan.js%00',
      '/web/tincan.js', '/data/web/tincan.js', '/io/github/tincanchat/Tincan/web/index.html',
      '/gtk/help-overlay.ui', '/ui/tincan-window.ui', '/../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd',
      '/..%2f..%2fetc%2fpasswd', '//etc/passwd', '/etc/passwd', '/favicon.ico', '/socket.io',
      '/resource:///io/github/tincanchat/Tincan/web/index.html',
    ]) {
      const res = await get(host, path);

      assert.ok(res.status === 404 || res.status === 400, `${path}: ${res.status}`);
      assert.doesNotMatch(res.body, /root:|<html|tincan/i, path);
      if (res.status === 404)
        assert.equal(res.headers['x-content-type-options'], 'nosniff', path);
    }
  });
});

describe('what people type stays text', () => {
  let host;
  let browser;
  let writer;
  let reader;
  let mallory;
  const NICK = '<img src=x onerror=alert(1)>';

  before(async () => {
    host = await startHost({ args: ['--room', '<i>Room</i><script>alert(0)</script>'] });
    browser = await launchBrowser();
    writer = await openPage(browser, host, { nick: NICK });
    reader = await openPage(browser, host, { nick: 'reader' });
    mallory = await terminal(host, '<b onmouseover=alert(8)>m</b>').ready;
  });

  after(async () => {
    mallory?.close();
    await writer?.context.close().catch(() => {});
    await reader?.context.close().catch(() => {});
    await browser?.close();
    await host?.stop();
    host?.removeData();
  });

  test('messages, nicknames and the room name render as text, and nothing runs', async () => {
    for (const text of XSS)
      await send(writer.page, text);
    await terminalSay(mallory, '<img src=x onerror=alert(9)>');
    await terminalSay(mallory, '<img src=x onerror=alert(10)>', NICK);
    for (const text of [...XSS, '<img src=x onerror=alert(9)>'])
      await waitForMessage(reader.page, text);
    await waitForMessage(writer.page, '<img src=x onerror=alert(10)>');

    for (const person of [writer, reader]) {
      const { page } = person;
      const shown = await messageTexts(page);

      for (const text of XSS)
        assert.ok(shown.includes(text), `${text} not shown as typed on ${person.nick}'s page`);
      // No element came out of what was typed (icons are <svg><use>, links only http(s)).
      assert.equal(await page.locator('#messages img, #messages script, #messages iframe, #messages b, #messages i').count(), 0);
      assert.equal(await page.locator('#messages svg[onload], #messages [onerror], #messages [onmouseover]').count(), 0);
      const hrefs = await page.locator('#messages a').evaluateAll((links) => links.map((a) => a.href));
      assert.deepEqual(hrefs, ['https://example.invalid/'], 'only the http(s) address became a link');

      // Nicknames and the room name.
      assert.ok((await page.locator('#users .user-name').allTextContents()).includes(NICK));
      assert.ok((await page.locator('#users .user-name').allTextContents()).includes('<b onmouseover=alert(8)>m</b>'));
      assert.equal(await page.locator('#room-name').textContent(), '<i>Room</i><script>alert(0)</script>');
      assert.equal(await page.title(), '<i>Room</i><script>alert(0)</script> – Tincan');
      assert.equal(await page.locator('#users img, #users b, .headerbar i, .headerbar script').count(), 0);
    }

    const authors = await reader.page.locator('#messages .msg .author').allTextContents();
    assert.ok(authors.includes(NICK) && authors.includes('<b onmouseover=alert(8)>m</b>'));
    assert.ok((await reader.page.locator('#announcer').textContent())
      .includes('<b onmouseover=alert(8)>m</b>: <img src=x onerror=alert(9)>'), 'the screen reader announcement');

    // Hovering and clicking around runs nothing either.
    await reader.page.locator('#messages .msg').last().hover();
    await reader.page.locator('#users button.user', { hasText: '<b onmouseover' }).click();
    await assertClean(writer);
    await assertClean(reader);
  });
});
