// browser-chat.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// Two browsers and a terminal-like client in one room: they chat, see who is there and who
// is typing, send private messages that reach only their recipient, get the history back on
// reload, are told when a nickname is taken or a passcode needed, and see unread counts.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  assertClean, countConfirmed, join, launchBrowser, messageTexts, openPage, send, startHost,
  terminal, terminalSay, until, waitForMessage,
} from './lib.mjs';

async function userNames (page) {
  return page.locator('#users .user-name').allTextContents();
}

describe('chat between browsers and a terminal', () => {
  let host;
  let browser;
  let alice;
  let bob;
  let carol;
  const people = [];

  before(async () => {
    host = await startHost({ args: ['--nick', 'Host'] });
    browser = await launchBrowser();
    alice = await openPage(browser, host, { nick: 'alice' });
    bob = await openPage(browser, host, { nick: 'bob' });
    people.push(alice, bob);
    carol = await terminal(host, 'carol').ready;
  });

  after(async () => {
    carol?.close();
    for (const person of people)
      await person.context.close().catch(() => {});
    await browser?.close();
    await host?.stop();
    host?.removeData();
  });

  test('everyone online is listed, the page itself first', async () => {
    await until(async () => (await userNames(alice.page)).length === 4, 'alice to see four people');
    assert.deepEqual(await userNames(alice.page), ['alice', 'Host', 'bob', 'carol']);
    await until(async () => (await userNames(bob.page)).includes('carol'), 'bob to see carol');
    assert.equal(await alice.page.locator('#room-subtitle').textContent(), '4 people online');
    assert.match(await alice.page.locator('#users .user', { hasText: 'carol' }).textContent(), /Terminal/);
    assert.match(await alice.page.locator('#users .user', { hasText: 'alice' }).textContent(), /You · Browser/);
  });

  test('browsers and the terminal chat with each other', async () => {
    await send(alice.page, 'Hello from Alice');
    await waitForMessage(bob.page, 'Hello from Alice');
    await until(() => carol.messages.some((m) => m.text === 'Hello from Alice' && m.from === 'alice'),
                'carol to get alice\'s message');

    await send(bob.page, 'Hi Alice, Bob here');
    await waitForMessage(alice.page, 'Hi Alice, Bob here');

    await terminalSay(carol, 'Carol from the terminal');
    await waitForMessage(alice.page, 'Carol from the terminal');
    await waitForMessage(bob.page, 'Carol from the terminal');

    // Own messages are set apart; others carry their author and a time.
    const own = alice.page.locator('#messages .msg', { hasText: 'Hello from Alice' });
    const theirs = bob.page.locator('#messages .msg', { hasText: 'Hello from Alice' });

    await until(async () => (await own.getAttribute('class')).split(' ').includes('own') &&
                            !(await own.getAttribute('class')).includes('pending'), 'alice\'s message to be confirmed');
    assert.ok(!(await theirs.getAttribute('class')).split(' ').includes('own'));
    assert.equal(await theirs.locator('.author').textContent(), 'alice');
    assert.match(await theirs.locator('time').textContent(), /^\d\d:\d\d$/);
    assert.equal(await countConfirmed(alice.page, 'Hello from Alice'), 1);
    assert.equal(await countConfirmed(bob.page, 'Hello from Alice'), 1);
  });

  test('typing shows up both ways', async () => {
    carol.socket.emit('typing', true);
    await until(async () => (await alice.page.locator('#typing').textContent()) === 'carol is typing…',
                'alice to see carol typing');
    carol.socket.emit('typing', false);
    await until(async () => (await alice.page.locator('#typing').textContent()) === '', 'carol to stop typing');

    carol.typing.length = 0;
    await alice.page.getByLabel('Message', { exact: true }).fill('I am writing someth');
    await until(() => carol.typing.some((u) => u.nick === 'alice' && u.typing), 'carol to see alice typing');
    await until(async () => (await bob.page.locator('#typing').textContent()) === 'alice is typing…',
                'bob to see alice typing');
    await alice.page.getByLabel('Message', { exact: true }).press('End');
    await alice.page.getByLabel('Message', { exact: true }).pressSequentially('ing');
    await alice.page.getByLabel('Message', { exact: true }).press('Enter');
    await until(() => carol.typing.some((u) => u.nick === 'alice' && !u.typing), 'alice\'s typing to end');
    await waitForMessage(bob.page, 'I am writing something');
  });

  test('joins and leaves are announced', async () => {
    const dave = await terminal(host, 'dave').ready;

    await until(async () => (await alice.page.locator('#messages .notice').allTextContents()).includes('dave joined'),
                'the "dave joined" notice');
    await until(async () => (await userNames(bob.page)).includes('dave'), 'bob to list dave');
    dave.close();
    await until(async () => (await alice.page.locator('#messages .notice').allTextContents()).includes('dave left'),
                'the "dave left" notice');
    await until(async () => !(await userNames(bob.page)).includes('dave'), 'bob to unlist dave');
  });

  test('a private message reaches only its recipient', async () => {
    await alice.page.locator('#users button.user', { hasText: 'bob' }).click();
    assert.equal(await alice.page.locator('#private-chip').isVisible(), true);
    assert.equal(await alice.page.locator('#private-name').textContent(), 'bob');
    await send(alice.page, 'psst, only for bob');

    await waitForMessage(bob.page, 'psst, only for bob');
    const received = bob.page.locator('#messages .msg', { hasText: 'psst, only for bob' });
    assert.match(await received.getAttribute('class'), /\bprivate\b/);
    assert.match(await received.locator('.private-label').textContent(), /Private to you/);
    await until(async () => (await alice.page.locator('#messages .msg.private:not(.pending)', { hasText: 'psst' }).count()) === 1,
                'alice\'s private message to be confirmed');
    assert.match(await alice.page.locator('#messages .msg', { hasText: 'psst' }).locator('.private-label').textContent(),
                 /Private to bob/);

    // Escape returns to everyone; what follows is public.
    await alice.page.getByLabel('Message', { exact: true }).press('Escape');
    assert.equal(await alice.page.locator('#private-chip').isVisible(), false);
    await send(alice.page, 'back to everyone');
    await until(() => carol.messages.some((m) => m.text === 'back to everyone'), 'carol to get the public message');

    // The host sends in order: had carol been sent the private one, it would be here by now.
    assert.ok(!carol.messages.some((m) => m.text.includes('psst')), 'carol got the private message');

    // From the terminal to one browser: the other never shows it.
    await terminalSay(carol, 'carol to alice, privately', 'alice');
    await terminalSay(carol, 'carol to everyone again');
    await waitForMessage(alice.page, 'carol to alice, privately');
    await waitForMessage(bob.page, 'carol to everyone again');
    assert.ok(!(await messageTexts(bob.page)).includes('carol to alice, privately'), 'bob saw a private message');
  });

  test('reloading shows the history, once', async () => {
    const before = await messageTexts(bob.page);

    await bob.page.reload();
    await bob.page.locator('#chat').waitFor({ state: 'visible' });
    for (const text of ['Hello from Alice', 'Hi Alice, Bob here', 'Carol from the terminal', 'psst, only for bob'])
      await waitForMessage(bob.page, text);
    for (const text of before)
      assert.equal(await countConfirmed(bob.page, text), 1, `"${text}" after the reload`);
    assert.ok(!(await messageTexts(bob.page)).includes('carol to alice, privately'));
    assert.equal(await bob.page.getByLabel('Nickname', { exact: true }).isVisible(), false, 'the remembered nickname was asked again');
  });

  test('a taken nickname is explained', async () => {
    const eve = await openPage(browser, host);

    people.push(eve);
    await eve.page.getByLabel('Nickname', { exact: true }).fill('Alice');
    await eve.page.getByRole('button', { name: 'Join' }).click();
    await until(async () => /already called “Alice”/.test(await eve.page.locator('#join-error').textContent()),
                'the nick-taken explanation');
    assert.equal(await eve.page.getByLabel('Nickname', { exact: true }).getAttribute('aria-invalid'), 'true');
    await join(eve.page, 'eve');
    await waitForMessage(eve.page, 'Hello from Alice');
  });

  test('unread messages count in the title and notify', async () => {
    const frank = await openPage(browser, host, { nick: 'frank' });

    people.push(frank);
    // A browser that grants notifications, recording what it would show.
    await frank.page.evaluate(() => {
      window.__shown = [];
      class FakeNotification {
        static permission = 'default';
        static async requestPermission () {
          FakeNotification.permission = 'granted';
          return 'granted';
        }

        constructor (title, options) {
          window.__shown.push({ title, body: options.body });
        }
      }
      Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true });
    });
    await frank.page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await frank.page.locator('#notify-button').waitFor({ state: 'visible' });
    await frank.page.locator('#notify-button').click();
    await until(async () => (await frank.page.locator('#notify-button').getAttribute('aria-pressed')) === 'true',
                'notifications to be on');

    // Away: the tab is hidden.
    await frank.page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { value: true, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await terminalSay(carol, 'are you there, frank?');
    await terminalSay(carol, 'hello?');
    await until(async () => (await frank.page.title()) === '(2) Tincan', 'the unread count in the title');
    const shown = await frank.page.evaluate(() => window.__shown);
    assert.deepEqual(shown, [
      { title: 'carol in Tincan', body: 'are you there, frank?' },
      { title: 'carol in Tincan', body: 'hello?' },
    ]);

    // Back: the count goes.
    await frank.page.evaluate(() => {
      Object.defineProperty(document, 'hidden', { value: false, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await until(async () => (await frank.page.title()) === 'Tincan', 'the title without a count');
  });

  test('no page ran anything it should not have', async () => {
    for (const person of people)
      await assertClean(person);
  });
});

describe('a room with a passcode', () => {
  let host;
  let browser;
  let person;

  before(async () => {
    host = await startHost({ args: ['--passcode', 'open sesame'] });
    browser = await launchBrowser();
  });

  after(async () => {
    await person?.context.close().catch(() => {});
    await browser?.close();
    await host?.stop();
    host?.removeData();
  });

  test('the page asks for it, explains a wrong one and joins with the right one', async () => {
    person = await openPage(browser, host);
    const { page } = person;

    await page.getByLabel('Nickname', { exact: true }).fill('grace');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.getByLabel('Room passcode').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#join-title').textContent(), 'This room has a passcode');
    assert.match(await page.locator('#join-error').textContent(), /Ask the host for the passcode/);

    await page.getByLabel('Room passcode').fill('open says me');
    await page.getByRole('button', { name: 'Join' }).click();
    await until(async () => /not right/.test(await page.locator('#join-error').textContent()), 'the wrong-passcode explanation');
    assert.equal(await page.getByLabel('Room passcode').getAttribute('aria-invalid'), 'true');

    await page.getByLabel('Room passcode').fill('open sesame');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('#chat').waitFor({ state: 'visible' });
    await send(page, 'I know the passcode');
    await until(async () => (await countConfirmed(page, 'I know the passcode')) === 1, 'the message to be stored');

    // A reload in the same tab remembers both.
    await page.reload();
    await page.locator('#chat').waitFor({ state: 'visible' });
    await waitForMessage(page, 'I know the passcode');
    await assertClean(person);
  });
});
