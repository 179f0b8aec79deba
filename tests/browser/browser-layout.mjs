// browser-layout.mjs
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later

// The page on a phone-sized and a desktop screen, light and dark, used with the keyboard
// alone and labelled for screen readers. Screenshots go to the build's tests/artifacts/
// (TINCAN_ARTIFACTS) for people to look at.

import assert from 'node:assert/strict';
import { join as joinPath } from 'node:path';
import { after, before, describe, test } from 'node:test';

import {
  artifactsDir, assertClean, countConfirmed, launchBrowser, openPage, send, startHost, terminal,
  terminalSay, until, waitForMessage,
} from './lib.mjs';

const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };
const DESKTOP = { viewport: { width: 1280, height: 800 } };

async function noHorizontalScroll (page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth <= window.innerWidth);
}

async function shot (page, name) {
  const path = joinPath(artifactsDir(), name);

  // The caret blinks and the typing dots pulse: screenshots are taken without animations.
  await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
  return path;
}

describe('layout', () => {
  let host;
  // Sam opens the chat in several windows, as one person: one key.
  const SAM_KEY = 'sam-sam-sam-sam-sam-key';
  let browser;
  let sam;
  let lena;
  let priya;
  const people = [];

  before(async () => {
    host = await startHost({ args: ['--room', 'Weekend plans', '--nick', 'Host'] });
    browser = await launchBrowser();
    lena = await terminal(host, 'Lena').ready;
    priya = await terminal(host, 'Priya').ready;

    // A conversation worth looking at.
    sam = await openPage(browser, host, { ...DESKTOP, nick: 'Sam', key: SAM_KEY });
    people.push(sam);
    await terminalSay(lena, 'Morning all! Are we still on for the hike on Saturday?');
    await terminalSay(priya, 'Yes! I checked the forecast: sunny and 22 °C all day.');
    await terminalSay(priya, 'Trail map: https://example.invalid/trails/ridge-loop');
    await send(sam.page, 'Count me in. I can drive, there is room for three more.');
    await until(async () => (await countConfirmed(sam.page, 'Count me in. I can drive, there is room for three more.')) === 1, 'sam\'s message');
    await terminalSay(lena, 'Perfect. Meet at the station at 8?');
    await send(sam.page, '8 works.\nI will bring coffee ☕');
    await terminalSay(lena, 'Can you pick me up on the way? I am near the bakery.', 'Sam');
    await until(async () => (await sam.page.locator('#messages .msg.private').count()) === 1, 'the private message');
    await send(sam.page, 'Sure, see you at 7:45');
    await until(async () => (await sam.page.locator('#messages .msg.pending').count()) === 0, 'sam\'s messages to be acked');
    priya.socket.emit('typing', true);
    await until(async () => (await sam.page.locator('#typing').textContent()) !== '', 'priya typing');
  });

  after(async () => {
    lena?.close();
    priya?.close();
    for (const person of people)
      await person.context.close().catch(() => {});
    await browser?.close();
    await host?.stop();
    host?.removeData();
  });

  // Sam leaves, and comes back on another screen: the host must have seen the old page go
  // before the name is free again.
  async function reopenAs (options) {
    const gone = lena.left.filter((u) => u.nick === 'Sam').length;

    await assertClean(sam);
    people.splice(people.indexOf(sam), 1);
    await sam.context.close();
    await until(() => lena.left.filter((u) => u.nick === 'Sam').length > gone, 'Sam\'s old page to leave');
    sam = await openPage(browser, host, { ...options, nick: 'Sam', key: SAM_KEY });
    people.push(sam);
    await waitForMessage(sam.page, 'Sure, see you at 7:45');
    await until(async () => (await sam.page.locator('#typing').textContent()) !== '', 'priya typing');
    return sam;
  }

  test('desktop, 1280x800: conversation and people side by side', async () => {
    const { page } = sam;

    assert.equal(await page.locator('#users-panel').isVisible(), true, 'the people list is hidden on a desktop');
    assert.equal(await page.locator('#users-button').getAttribute('aria-expanded'), 'true');
    assert.ok(await noHorizontalScroll(page));
    const box = await page.locator('#composer').boundingBox();
    assert.ok(box.y + box.height <= 800, 'the composer is off screen');
    const own = await page.locator('#messages .msg.own .bubble').last().boundingBox();
    const theirs = await page.locator('#messages .msg:not(.own) .bubble').last().boundingBox();
    assert.ok(own.x > theirs.x + theirs.width / 2, 'own messages are not set apart on the right');
    await shot(page, 'chat-1280x800.png');

    await reopenAs({ ...DESKTOP, colorScheme: 'dark' });
    await shot(sam.page, 'chat-1280x800-dark.png');
  });

  test('phone, 390x844: the people list folds away', async () => {
    const { page } = await reopenAs(PHONE);

    assert.equal(await page.locator('#users-panel').isVisible(), false, 'the people list covers the phone screen');
    assert.equal(await page.locator('#users-button').getAttribute('aria-expanded'), 'false');
    assert.ok(await noHorizontalScroll(page), 'the page scrolls sideways on a phone');
    const box = await page.locator('#composer').boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390 && box.y + box.height <= 844, 'the composer is off screen');
    for (const bubble of await page.locator('#messages .bubble').all()) {
      const b = await bubble.boundingBox();

      assert.ok(b.x >= 0 && b.x + b.width <= 390, 'a message is wider than the screen');
    }
    await shot(page, 'chat-390x844.png');

    await page.locator('#users-button').tap();
    await page.locator('#users-panel').waitFor({ state: 'visible' });
    assert.equal(await page.locator('#users-button').getAttribute('aria-expanded'), 'true');
    await shot(page, 'chat-390x844-people.png');
    await page.locator('#users-panel button.user', { hasText: 'Lena' }).tap();
    await page.locator('#users-panel').waitFor({ state: 'hidden' });
    assert.equal(await page.locator('#private-name').textContent(), 'Lena');
    await shot(page, 'chat-390x844-private.png');
    await page.locator('#private-cancel').tap();

    await reopenAs({ ...PHONE, colorScheme: 'dark' });
    await shot(sam.page, 'chat-390x844-dark.png');

    const newcomer = await openPage(browser, host, PHONE);
    people.push(newcomer);
    await newcomer.page.getByLabel('Nickname', { exact: true }).waitFor();
    await shot(newcomer.page, 'join-390x844.png');
  });

  test('keyboard only: join, chat, open the people list, write privately', async () => {
    const kb = await openPage(browser, host, DESKTOP);
    const { page } = kb;
    const focused = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.className || '');

    people.push(kb);
    await until(async () => (await focused()) === 'nick-input', 'the nickname field to have focus');
    await page.keyboard.type('Kim');
    await page.keyboard.press('Enter');
    await page.locator('#chat').waitFor({ state: 'visible' });
    await until(async () => (await focused()) === 'input', 'the composer to have focus');
    await page.keyboard.type('typed without a mouse');
    await page.keyboard.press('Enter');
    await until(() => lena.messages.some((m) => m.text === 'typed without a mouse'), 'the message');

    // Shift+Enter is a new line, not a send.
    await page.keyboard.type('line one');
    await page.keyboard.press('Shift+Enter');
    await page.keyboard.type('line two');
    assert.equal(await page.locator('#input').inputValue(), 'line one\nline two');
    await page.keyboard.press('Enter');
    await until(() => lena.messages.some((m) => m.text === 'line one\nline two'), 'the two-line message');

    // Tab reaches the people list; Enter on someone starts a private message.
    let reached = false;
    for (let i = 0; i < 20 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.matches('#users button.user') &&
                                          document.activeElement.dataset.nick === 'Host');
    }
    assert.ok(reached, 'Tab never reached the people list');
    for (let i = 0; i < 5 && (await page.evaluate(() => document.activeElement.dataset.nick)) !== 'Lena'; i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await focused(), 'input');
    assert.equal(await page.locator('#private-name').textContent(), 'Lena');
    await page.keyboard.type('just for you');
    await page.keyboard.press('Enter');
    await until(() => lena.messages.some((m) => m.text === 'just for you' && m.kind === 'private'), 'the private message');
    assert.ok(!priya.messages.some((m) => m.text === 'just for you'));
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#private-chip').isVisible(), false);

    // The people toggle works from the keyboard, and focus is always visible.
    await page.locator('#users-button').focus();
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#users-button').getAttribute('aria-expanded'), 'false');
    const outline = await page.locator('#users-button').evaluate((el) => getComputedStyle(el).outlineStyle);
    assert.notEqual(outline, 'none', 'no focus ring on a focused button');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#users-button').getAttribute('aria-expanded'), 'true');
  });

  test('screen readers: labels, and new messages read out', async () => {
    const { page } = sam;

    for (const label of ['Message', 'Send', 'Change nickname', 'Conversation', 'Messages'])
      assert.ok(await page.getByLabel(label, { exact: true }).count() >= 1, `nothing is labelled "${label}"`);
    assert.ok(await page.getByRole('button', { name: /^People in the room: \d+$/ }).count() === 1);
    assert.equal(await page.locator('#announcer').getAttribute('aria-live'), 'polite');
    assert.equal(await page.locator('#status-banner').getAttribute('role'), 'status');
    assert.equal(await page.locator('#join-error').getAttribute('role'), 'alert');

    await terminalSay(lena, 'Is anyone bringing a map?');
    await until(async () => (await page.locator('#announcer').textContent()).includes('Lena: Is anyone bringing a map?'),
                'the announcement');
    // Each message says who wrote it, even when the name is not shown (grouped, or ours).
    const spoken = await page.locator('#messages .msg', { hasText: 'I will bring coffee' }).locator('.visually-hidden').first().textContent();
    assert.equal(spoken, 'You: ');
    const history = await page.locator('#announcer').textContent();
    assert.ok(!history.includes('Morning all'), 'the history was read out');
    const tree = await page.locator('#messages').ariaSnapshot();
    assert.match(tree, /Lena, privately to you: Can you pick me up/);
  });

  test('no page ran anything it should not have', async () => {
    for (const person of people)
      await assertClean(person);
  });
});
