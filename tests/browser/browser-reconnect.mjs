// browser-reconnect.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The page reconnects by itself and sends every message exactly once: through a host that
// is killed and started again on the same port and data directory, and through a connection
// that drops after the host stored a message but before its acknowledgement got through.

import assert from 'node:assert/strict';
import { join as pathJoin } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  artifactsDir, assertClean, countConfirmed, launchBrowser, messageTexts, openPage, send, sleep, startHost,
  terminal, terminalSay, until, waitForMessage,
} from './lib.mjs';

// Late duplicates would arrive within this; nothing else waits on time.
const SETTLE_MS = 1500;

function count (list, text) {
  return list.filter((m) => m.text === text).length;
}

describe('the host restarts mid-conversation', () => {
  let host;
  let browser;
  let alice;
  let bob;
  const clients = [];

  before(async () => {
    host = await startHost({ args: ['--nick', 'Host'] });
    browser = await launchBrowser();
    alice = await openPage(browser, host, { nick: 'alice' });
    bob = await openPage(browser, host, { nick: 'bob' });
  });

  after(async () => {
    for (const client of clients)
      client.close();
    await alice?.context.close().catch(() => {});
    await bob?.context.close().catch(() => {});
    await browser?.close();
    await host?.stop();
    host?.removeData();
  });

  test('messages typed during the outage arrive exactly once, in order', async () => {
    const { port, dataDir } = host;

    await send(alice.page, 'before the restart');
    await waitForMessage(bob.page, 'before the restart');
    await until(async () => (await countConfirmed(alice.page, 'before the restart')) === 1, 'the first message to be acked');

    await host.kill();
    for (const person of [alice, bob])
      await person.page.locator('#status-banner').waitFor({ state: 'visible' });
    assert.equal(await alice.page.locator('#status-text').textContent(), 'Reconnecting…');

    await send(alice.page, 'typed during the outage');
    await send(alice.page, 'and a second one');
    const pending = alice.page.locator('#messages .msg.pending', { hasText: 'typed during the outage' });
    await pending.waitFor();
    assert.match(await pending.locator('.status').textContent(), /Waiting for the connection/);
    await alice.page.screenshot({ path: pathJoin(artifactsDir(), 'reconnecting-1280x800.png'), animations: 'disabled', caret: 'hide' });

    host = await startHost({ port, dataDir, args: ['--nick', 'Host'] });
    assert.equal(host.port, port, 'the host came back on another port');

    for (const person of [alice, bob])
      await person.page.locator('#status-banner').waitFor({ state: 'hidden', timeout: 30_000 });
    await waitForMessage(bob.page, 'typed during the outage');
    await waitForMessage(bob.page, 'and a second one');
    await until(async () => (await alice.page.locator('#messages .msg.pending').count()) === 0, 'alice\'s outbox to empty');

    const dave = await terminal(host, 'dave').ready;
    clients.push(dave);
    await sleep(SETTLE_MS);

    for (const person of [alice, bob]) {
      for (const text of ['before the restart', 'typed during the outage', 'and a second one'])
        assert.equal(await countConfirmed(person.page, text), 1, `"${text}" on ${person.nick}'s page`);
    }
    const texts = await messageTexts(bob.page);
    assert.ok(texts.indexOf('typed during the outage') < texts.indexOf('and a second one'), 'out of order');

    // The history, as a newcomer gets it, has each message once.
    const history = dave.welcome.history;
    for (const text of ['before the restart', 'typed during the outage', 'and a second one'])
      assert.equal(count(history, text), 1, `"${text}" in the history: ${JSON.stringify(history.map((m) => m.text))}`);
    assert.equal(count(dave.messages, 'typed during the outage'), 0, 'sent again after dave joined');

    // And the conversation goes on.
    await terminalSay(dave, 'welcome back');
    await waitForMessage(alice.page, 'welcome back');
    await send(bob.page, 'thanks');
    await waitForMessage(alice.page, 'thanks');
    await assertClean(alice);
    await assertClean(bob);
  });

  test('a host that starts over with an empty history: ids repeat, nothing is lost', async () => {
    const { port } = host;

    await host.kill();
    await alice.page.locator('#status-banner').waitFor({ state: 'visible' });
    host.removeData();
    host = await startHost({ port, args: ['--nick', 'Host'] });
    assert.equal(host.port, port, 'the host came back on another port');
    await alice.page.locator('#status-banner').waitFor({ state: 'hidden', timeout: 30_000 });

    // Message ids start again at 1, which the pages had seen for other messages.
    const erin = await terminal(host, 'erin').ready;
    clients.push(erin);
    await terminalSay(erin, 'a brand new room');
    await waitForMessage(alice.page, 'a brand new room');
    await send(bob.page, 'hello again');
    await waitForMessage(alice.page, 'hello again');
    assert.ok(!(await messageTexts(alice.page)).includes('before the restart'), 'the old room\'s messages stayed');
    await assertClean(alice);
  });
});

describe('a lost acknowledgement', () => {
  let host;
  let browser;
  let frank;
  let carol;

  before(async () => {
    host = await startHost();
    browser = await launchBrowser();
    carol = await terminal(host, 'carol').ready;
  });

  after(async () => {
    carol?.close();
    await frank?.context.close().catch(() => {});
    await browser?.close();
    await host?.stop();
    host?.removeData();
  });

  test('a message stored just before the connection dropped is not sent again', async () => {
    const MARKER = 'stored, but the ack was lost';
    const route = { upgraded: false, cut: false, connections: 0 };

    // Between the page and the host: once armed, the first frame that carries MARKER back to
    // the page (its echo; the ack comes after it) is swallowed and the connection cut, so the
    // page never learns that the host stored the message.
    const setup = (page) => page.routeWebSocket(/\/socket\.io\//, (ws) => {
      const server = ws.connectToServer();

      route.connections++;
      ws.onMessage((message) => {
        if (message === '5')
          route.upgraded = true;
        server.send(message);
      });
      server.onMessage((message) => {
        if (route.armed && !route.cut && typeof message === 'string' && message.includes(MARKER)) {
          route.cut = true;
          // Both ends, as a network drop would: the host sees the connection go at once.
          // (No close code: a page may only close with 1000 or 3000-4999.)
          ws.close();
          server.close();
          return;
        }
        ws.send(message);
      });
    });

    frank = await openPage(browser, host, { setup });
    await frank.page.getByLabel('Nickname', { exact: true }).fill('frank');
    await frank.page.getByRole('button', { name: 'Join' }).click();
    await frank.page.locator('#chat').waitFor({ state: 'visible' });
    await until(() => route.upgraded, 'the page to upgrade to WebSocket');

    // Acknowledged before the drop: must never be sent again.
    await send(frank.page, 'acked before the drop');
    await until(async () => (await countConfirmed(frank.page, 'acked before the drop')) === 1, 'the first ack');

    route.armed = true;
    await send(frank.page, MARKER);
    await until(() => route.cut, 'the connection to be cut');
    await until(() => carol.messages.some((m) => m.text === MARKER), 'the host to store and send the message');

    // Back on a new connection: the welcome's history shows the message was stored.
    await frank.page.locator('#status-banner').waitFor({ state: 'hidden', timeout: 30_000 });
    await until(async () => (await countConfirmed(frank.page, MARKER)) === 1, 'the message to be confirmed');
    await until(async () => (await frank.page.locator('#messages .msg.pending').count()) === 0, 'the outbox to empty');
    await send(frank.page, 'after the drop');
    await until(() => carol.messages.some((m) => m.text === 'after the drop'), 'the next message');
    await sleep(SETTLE_MS);

    assert.equal(count(carol.messages, MARKER), 1, 'the message whose ack was lost arrived twice');
    assert.equal(count(carol.messages, 'acked before the drop'), 1, 'an acknowledged message was sent again');
    assert.equal(count(carol.messages, 'after the drop'), 1);
    assert.equal(await countConfirmed(frank.page, MARKER), 1);
    assert.equal(await countConfirmed(frank.page, 'acked before the drop'), 1);
    assert.ok(route.connections >= 2, 'the page did not reconnect over WebSocket');
    await assertClean(frank);
  });
});

describe('faster than the flood limit', () => {
  let host;
  let browser;
  let person;
  let carol;

  before(async () => {
    host = await startHost({ args: ['--flood-limit', '3'] });
    browser = await launchBrowser();
    carol = await terminal(host, 'carol').ready;
  });

  after(async () => {
    carol?.close();
    await person?.context.close().catch(() => {});
    await browser?.close();
    await host?.stop();
    host?.removeData();
  });

  test('the page holds back and retries: every message arrives once, in order', async () => {
    const texts = ['one', 'two', 'three', 'four', 'five', 'six'];

    person = await openPage(browser, host, { nick: 'hasty' });
    for (const text of texts)
      await send(person.page, text);
    await until(async () => (await person.page.locator('#messages .msg.pending .status', { hasText: 'too fast' }).count()) > 0,
                'the page to say it is holding messages back');
    await until(() => carol.messages.filter((m) => m.from === 'hasty').length >= texts.length,
                'all six messages', 30_000);
    await until(async () => (await person.page.locator('#messages .msg.pending').count()) === 0, 'the outbox to empty');
    await sleep(SETTLE_MS);
    assert.deepEqual(carol.messages.filter((m) => m.from === 'hasty').map((m) => m.text), texts);
    for (const text of texts)
      assert.equal(await countConfirmed(person.page, text), 1, text);
    assert.deepEqual((await messageTexts(person.page)).slice(-texts.length), texts);
    await assertClean(person);
  });
});
