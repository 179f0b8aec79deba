// tincan.js: the chat page's logic. Plain JavaScript, no framework, nothing from outside the
// host: it talks to the room through the official socket.io client the host serves next to it
// (/socket.io/socket.io.min.js), in the Tincan dialect (docs/protocol.md).
//
// SPDX-FileCopyrightText: 2026 The Tincan authors
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Rules this file keeps:
// - Whatever people typed (messages, nicknames, the room's name) reaches the page as text
//   nodes (textContent), never as markup.
// - Messages are sent exactly once. Each one waits in an outbox under a client id (cid) until
//   the host acknowledges it. The host acknowledges only once the message is stored, and sends
//   the author an echo before that. After a reconnection, the welcome's history says which
//   outbox entries were stored although their ack was lost (by cid when the host supports it,
//   otherwise by author, text and id), and only the others are sent again.
// - The timeline is keyed by message id, so history arriving again after a reconnection
//   merges without duplicates.

'use strict';

(() => {
  const STORAGE_NICK = 'tincan.nick';
  const STORAGE_KEY = 'tincan.key';
  const STORAGE_NOTIFY = 'tincan.notify';
  const SESSION_PASSCODE = 'tincan.passcode';
  const SESSION_OUTBOX = 'tincan.outbox';

  // Long enough for a slow host's storage; on expiry the connection is renewed and the
  // welcome's history decides whether the message still has to go.
  const ACK_TIMEOUT_MS = 30000;
  const TYPING_IDLE_MS = 4000;
  const GROUP_GAP_MS = 5 * 60 * 1000;
  const FLOOD_RETRY_MS = 5000;
  // A connection the host has not noticed is gone keeps our nickname for up to its ping
  // interval + timeout (45 s by default): meanwhile "nick-taken" means our own ghost.
  const GHOST_RETRY_MS = 3000;
  const GHOST_RETRIES = 20;
  const PENDING_KEY_BASE = 1e15;

  const CLIENT_LABELS = {
    browser: 'Browser',
    desktop: 'Desktop app',
    terminal: 'Terminal',
    tutorial: 'Other app',
  };

  const $ = (id) => document.getElementById(id);
  const ui = {
    join: $('join'),
    joinForm: $('join-form'),
    joinTitle: $('join-title'),
    joinSubtitle: $('join-subtitle'),
    nickInput: $('nick-input'),
    passcodeField: $('passcode-field'),
    passcodeInput: $('passcode-input'),
    joinError: $('join-error'),
    joinButton: $('join-button'),
    joinBusy: $('join-busy'),
    joinBusyText: $('join-busy-text'),
    chat: $('chat'),
    leaveButton: $('leave-button'),
    roomName: $('room-name'),
    roomSubtitle: $('room-subtitle'),
    notifyButton: $('notify-button'),
    usersButton: $('users-button'),
    usersCount: $('users-count'),
    usersPanel: $('users-panel'),
    usersClose: $('users-close'),
    users: $('users'),
    scrim: $('scrim'),
    banner: $('status-banner'),
    bannerText: $('status-text'),
    scroller: $('scroller'),
    messages: $('messages'),
    jumpButton: $('jump-button'),
    jumpText: $('jump-text'),
    typing: $('typing'),
    privateChip: $('private-chip'),
    privateName: $('private-name'),
    privateCancel: $('private-cancel'),
    composer: $('composer'),
    input: $('input'),
    counter: $('counter'),
    sendButton: $('send-button'),
    announcer: $('announcer'),
  };

  // ---- Storage (private browsing may refuse it) -----------------------------------------

  function load (storage, key) {
    try {
      return storage.getItem(key);
    } catch {
      return null;
    }
  }

  function save (storage, key, value) {
    try {
      if (value === null || value === undefined)
        storage.removeItem(key);
      else
        storage.setItem(key, value);
    } catch {
      // Nothing to do: the page works without remembering.
    }
  }

  // ---- State ----------------------------------------------------------------------------

  // A secret this browser keeps: the host replays a private message only to a client with the
  // key it was sent with, so whoever takes our nickname after we leave does not get them.
  let sessionKey = null;   // the same for this page's life, even where storage is refused

  function clientKey () {
    let key = sessionKey || load(localStorage, STORAGE_KEY);

    if (!key || !/^[A-Za-z0-9_-]{16,128}$/.test(key)) {
      const bytes = new Uint8Array(24);

      crypto.getRandomValues(bytes);
      key = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
      save(localStorage, STORAGE_KEY, key);
    }
    sessionKey = key;
    return key;
  }

  const state = {
    nick: load(localStorage, STORAGE_NICK) || '',
    passcode: load(sessionStorage, SESSION_PASSCODE) || '',
    me: null,                 // our user object, from the welcome
    room: { name: 'Tincan', host: '', maxLength: 4000 },
    exactCids: false,         // the host echoes our cids (see the outbox)
    online: false,            // welcomed on the current connection
    everJoined: false,
    autoJoin: false,          // joining with a remembered nickname, nobody clicked Join
    ghostRetries: 0,
    leaving: false,
    resyncing: false,
    kicked: false,
    users: new Map(),         // id → user
    messages: new Map(),      // id → message
    maxId: 0,
    outbox: new Map(),        // cid → entry, in the order they were typed
    claimed: new Set(),       // ids of messages already matched to an outbox entry
    privateTo: null,
    unread: 0,
    newBelow: 0,
    notify: load(localStorage, STORAGE_NOTIFY) === 'on',
    typingSent: false,
    typingTimer: 0,
    reconnectTimer: 0,
    reconnectDelay: 1000,
    usersOpen: null,          // null: the default for the screen size
  };

  const narrow = window.matchMedia('(max-width: 720px)');

  function sameNick (a, b) {
    return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
  }

  function isMine (message) {
    return state.me !== null && sameNick(message.from, state.me.nick);
  }

  function newCid () {
    // crypto.randomUUID() needs a secure context; a LAN page is plain http.
    const bytes = new Uint8Array(12);

    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function charCount (text) {
    // The host counts characters (code points), not UTF-16 units.
    let n = 0;

    for (const _ of text)
      n++;
    return n;
  }

  function colorIndex (nick) {
    let hash = 0;

    for (const ch of (nick || '').toLowerCase())
      hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
    return hash % 8;
  }

  function initial (nick) {
    const first = Array.from((nick || '?').trim())[0] || '?';

    return first.toUpperCase();
  }

  const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
  const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
  const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
  const yearDayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' });

  function dayKey (time) {
    const d = new Date(time);

    return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
  }

  function dayLabel (time) {
    const d = new Date(time);
    const today = new Date();
    const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);

    if (dayKey(d) === dayKey(today))
      return 'Today';
    if (dayKey(d) === dayKey(yesterday))
      return 'Yesterday';
    if (d.getFullYear() === today.getFullYear())
      return dayFormat.format(d);
    return yearDayFormat.format(d);
  }

  function svgIcon (name) {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    const use = document.createElementNS('http://www.w3.org/2000/svg', 'use');

    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    use.setAttribute('href', `#icon-${name}`);
    svg.append(use);
    return svg;
  }

  function element (tag, className, text) {
    const node = document.createElement(tag);

    if (className)
      node.className = className;
    if (text !== undefined)
      node.textContent = text;
    return node;
  }

  // Text with its web addresses made into links; everything stays text nodes, and only
  // http(s) addresses become links, so no javascript: or data: URL can be produced.
  function appendText (parent, text) {
    const pattern = /\bhttps?:\/\/[^\s<>"'`]+/gi;
    let last = 0;
    let match;

    while ((match = pattern.exec(text)) !== null) {
      let url = match[0];
      const trailing = /[.,;:!?)\]}'"]+$/.exec(url);

      if (trailing)
        url = url.slice(0, -trailing[0].length);
      if (match.index > last)
        parent.append(document.createTextNode(text.slice(last, match.index)));

      const link = document.createElement('a');
      link.href = url;
      link.textContent = url;
      link.target = '_blank';
      link.rel = 'noopener noreferrer nofollow';
      parent.append(link);
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    if (last < text.length)
      parent.append(document.createTextNode(text.slice(last)));
  }

  // ---- Timeline -------------------------------------------------------------------------
  //
  // rows: what the list shows, sorted by key: a message's key is its id; a notice made here
  // (someone joined) sorts after the messages known when it happened; messages still in the
  // outbox come last. Day separators and grouping are recomputed after each change.

  const rows = [];
  let noticeSeq = 0;
  let pendingSeq = 0;

  function rowIndex (key) {
    let lo = 0;
    let hi = rows.length;

    while (lo < hi) {
      const mid = (lo + hi) >> 1;

      if (rows[mid].key <= key)
        lo = mid + 1;
      else
        hi = mid;
    }
    return lo;
  }

  function isNearBottom () {
    const s = ui.scroller;

    return s.scrollHeight - s.scrollTop - s.clientHeight < 96;
  }

  function scrollToBottom () {
    ui.scroller.scrollTop = ui.scroller.scrollHeight;
    state.newBelow = 0;
    ui.jumpButton.hidden = true;
  }

  function insertRow (row) {
    const index = rowIndex(row.key);
    const next = rows[index];

    rows.splice(index, 0, row);
    ui.messages.insertBefore(row.el, next ? next.el : null);
  }

  function removeRow (row) {
    const index = rows.indexOf(row);

    if (index >= 0)
      rows.splice(index, 1);
    row.el.remove();
  }

  // Day separators, "continued" grouping and the empty state, from the rows' order.
  function relayout () {
    let previous = null;
    let previousDay = null;

    for (const day of ui.messages.querySelectorAll(':scope > .day, :scope > .empty'))
      day.remove();

    for (const row of rows) {
      const day = dayKey(row.time);

      if (day !== previousDay) {
        ui.messages.insertBefore(element('li', 'day', dayLabel(row.time)), row.el);
        previousDay = day;
        previous = null;
      }
      if (row.type === 'message') {
        const continued = previous !== null && previous.type === 'message' &&
          sameNick(previous.from, row.from) && previous.kind === row.kind &&
          sameNick(previous.to || '', row.to || '') && row.time - previous.time < GROUP_GAP_MS;

        row.el.classList.toggle('continued', continued);
      }
      previous = row;
    }

    if (rows.length === 0) {
      const empty = element('li', 'empty');

      empty.append(element('strong', null, 'No messages yet'));
      empty.append(document.createTextNode(`Say hello to everyone in ${state.room.name}.`));
      ui.messages.append(empty);
    }
  }

  function messageElement (m, options) {
    const own = options.own;
    const li = element('li', 'msg');
    const isPrivate = m.kind === 'private';
    const author = own ? 'You' : m.from;
    const meta = element('div', 'meta');
    const line = element('div', 'bubble-line');
    const bubble = element('div', 'bubble');
    let spoken = `${author}`;

    if (own)
      li.classList.add('own');
    if (isPrivate)
      li.classList.add('private');
    li.dataset.color = String(colorIndex(m.from));
    if (m.id)
      li.dataset.id = String(m.id);

    const avatar = element('div', 'avatar', initial(m.from));
    avatar.setAttribute('aria-hidden', 'true');
    li.append(avatar);

    const name = element('span', 'author', author);
    name.setAttribute('aria-hidden', 'true');
    meta.append(name);
    if (isPrivate) {
      const toMe = state.me && sameNick(m.to, state.me.nick);
      const label = element('span', 'private-label');
      const text = own ? `Private to ${m.to}` : (toMe ? 'Private to you' : `Private to ${m.to}`);

      label.setAttribute('aria-hidden', 'true');
      label.append(svgIcon('lock'), document.createTextNode(text));
      meta.append(label);
      spoken += own ? `, privately to ${m.to}` : (toMe ? ', privately to you' : `, privately to ${m.to}`);
    }
    li.append(meta);

    bubble.append(element('span', 'visually-hidden', `${spoken}: `));
    appendText(bubble, m.text);
    line.append(bubble);

    const time = element('time', 'time', timeFormat.format(new Date(m.time)));
    time.dateTime = new Date(m.time).toISOString();
    time.title = fullFormat.format(new Date(m.time));
    line.append(time);
    li.append(line);
    return li;
  }

  // Adds a message from the host, once: history may bring it again after a reconnection.
  function addMessage (m, live) {
    if (!m || typeof m !== 'object' || typeof m.text !== 'string')
      return;

    if (!Number.isFinite(m.time))
      m.time = Date.now();
    if (!Number.isSafeInteger(m.id) || m.id <= 0) {
      // Said to us alone (a refusal, a warning): not in the history, no id.
      addNotice(m.text, { server: true, time: m.time, announce: live });
      return;
    }
    if (state.messages.has(m.id)) {
      const known = state.messages.get(m.id);

      if (known.time === m.time && known.text === m.text && known.from === m.from)
        return;
      // The same id for another message: the host started over with a new history (another
      // data directory). What we showed belongs to a room that no longer exists.
      resetTimeline();
    }

    const atBottom = isNearBottom();
    const own = isMine(m);

    state.messages.set(m.id, m);
    if (m.id > state.maxId)
      state.maxId = m.id;
    if (m.kind === 'notice') {
      insertRow({ key: m.id, type: 'notice', time: m.time, el: element('li', 'notice server', m.text) });
      relayout();
      if (atBottom)
        scrollToBottom();
      if (live)
        announce(m.text);
      return;
    }
    insertRow({
      key: m.id, type: 'message', time: m.time, from: m.from, to: m.to, kind: m.kind,
      el: messageElement(m, { own }),
    });
    relayout();

    if (atBottom || (live && own))
      scrollToBottom();
    else if (live) {
      state.newBelow++;
      ui.jumpText.textContent = state.newBelow === 1 ? '1 new message' : `${state.newBelow} new messages`;
      ui.jumpButton.hidden = false;
    }

    if (live && !own) {
      announce(m.kind === 'private' ? `${m.from}, privately: ${m.text}` : `${m.from}: ${m.text}`);
      noteUnread(m);
    }
  }

  function resetTimeline () {
    for (const row of rows.filter((r) => r.key < PENDING_KEY_BASE))
      removeRow(row);
    state.messages.clear();
    state.claimed.clear();
    state.maxId = 0;
    for (const entry of state.outbox.values())
      entry.seenId = 0;
    relayout();
  }

  function addNotice (text, options = {}) {
    const atBottom = isNearBottom();
    const li = element('li', options.server ? 'notice server' : 'notice', text);

    insertRow({
      key: state.maxId + (++noticeSeq) / 1e6, type: 'notice',
      time: options.time || Date.now(), el: li,
    });
    relayout();
    if (atBottom)
      scrollToBottom();
    if (options.announce)
      announce(text);
  }

  function announce (text) {
    const line = element('div', null, text);

    ui.announcer.append(line);
    while (ui.announcer.childElementCount > 5)
      ui.announcer.firstElementChild.remove();
  }

  // ---- Unread count and notifications -----------------------------------------------------

  function pageIsAway () {
    return document.hidden || !document.hasFocus();
  }

  function baseTitle () {
    return state.room.name && state.room.name !== 'Tincan' ? `${state.room.name} – Tincan` : 'Tincan';
  }

  function updateTitle () {
    document.title = state.unread > 0 ? `(${state.unread}) ${baseTitle()}` : baseTitle();
  }

  function noteUnread (m) {
    if (!pageIsAway())
      return;
    state.unread++;
    updateTitle();

    if (state.notify && notificationsAvailable() && Notification.permission === 'granted' && document.hidden) {
      try {
        const title = m.kind === 'private' ? `${m.from} (private)` : `${m.from} in ${state.room.name}`;
        const body = m.text.length > 200 ? `${m.text.slice(0, 200)}…` : m.text;
        const notification = new Notification(title, { body, tag: 'tincan', icon: '/favicon.svg' });

        notification.onclick = () => {
          window.focus();
          notification.close();
        };
      } catch {
        // Some browsers only allow notifications from a service worker; then there are none.
      }
    }
  }

  function clearUnread () {
    if (pageIsAway())
      return;
    state.unread = 0;
    updateTitle();
  }

  function notificationsAvailable () {
    return 'Notification' in window && window.isSecureContext;
  }

  function updateNotifyButton () {
    const on = state.notify && notificationsAvailable() && Notification.permission === 'granted';

    ui.notifyButton.hidden = !notificationsAvailable() || Notification.permission === 'denied';
    ui.notifyButton.setAttribute('aria-pressed', on ? 'true' : 'false');
    ui.notifyButton.title = on ? 'Notifications on' : 'Notify me of new messages';
  }

  async function toggleNotifications () {
    if (!notificationsAvailable())
      return;
    if (state.notify && Notification.permission === 'granted') {
      state.notify = false;
    } else {
      const permission = Notification.permission === 'granted'
        ? 'granted'
        : await Notification.requestPermission();

      state.notify = permission === 'granted';
    }
    save(localStorage, STORAGE_NOTIFY, state.notify ? 'on' : null);
    updateNotifyButton();
  }

  // ---- People and typing ------------------------------------------------------------------

  function sortedUsers () {
    return Array.from(state.users.values()).sort((a, b) => {
      const rank = (u) => (state.me && u.id === state.me.id ? 0 : (u.id === 'host' ? 1 : 2));

      return rank(a) - rank(b) || a.nick.localeCompare(b.nick, undefined, { sensitivity: 'base' });
    });
  }

  function renderUsers () {
    const focused = document.activeElement && ui.users.contains(document.activeElement)
      ? document.activeElement.dataset.nick
      : null;
    const list = sortedUsers();

    ui.users.replaceChildren();
    for (const user of list) {
      const li = element('li');
      const me = state.me && user.id === state.me.id;
      const item = element(me ? 'div' : 'button', 'user');
      const avatar = element('span', 'avatar', initial(user.nick));
      const text = element('span', 'user-text');
      let detail = CLIENT_LABELS[user.client] || 'Other app';

      if (user.id === 'host')
        detail = 'Host';
      if (me)
        detail = `You · ${detail}`;
      if (user.typing && !me)
        detail = 'typing…';

      item.dataset.nick = user.nick;
      item.dataset.color = String(colorIndex(user.nick));
      avatar.setAttribute('aria-hidden', 'true');
      text.append(element('span', 'user-name', user.nick), element('span', 'user-detail', detail));
      item.append(avatar, text);
      if (me) {
        item.classList.add('me');
      } else {
        item.type = 'button';
        item.setAttribute('aria-label', `${user.nick}, ${detail}. Send a private message`);
        item.addEventListener('click', () => startPrivate(user.nick));
        if (state.privateTo && sameNick(state.privateTo, user.nick)) {
          item.classList.add('selected');
          item.setAttribute('aria-current', 'true');
        }
      }
      item.classList.toggle('is-typing', Boolean(user.typing) && !me);
      li.append(item);
      ui.users.append(li);
    }
    if (focused !== null) {
      const again = Array.from(ui.users.querySelectorAll('button.user')).find((b) => b.dataset.nick === focused);

      again?.focus();
    }

    const n = list.length;
    ui.chat.classList.toggle('offline', !state.online);
    ui.usersCount.textContent = String(n);
    ui.roomSubtitle.textContent = state.online ? (n === 1 ? 'Only you are here' : `${n} people online`) : 'Offline';
    ui.usersButton.setAttribute('aria-label', `People in the room: ${n}`);
    renderTyping();
  }

  function renderTyping () {
    const typing = sortedUsers().filter((u) => u.typing && !(state.me && u.id === state.me.id));
    let text = '';

    if (typing.length === 1)
      text = `${typing[0].nick} is typing…`;
    else if (typing.length === 2)
      text = `${typing[0].nick} and ${typing[1].nick} are typing…`;
    else if (typing.length > 2)
      text = 'Several people are typing…';
    ui.typing.textContent = text;
  }

  function usersPanelOpen () {
    return state.usersOpen === null ? !narrow.matches : state.usersOpen;
  }

  function updateUsersPanel () {
    const open = usersPanelOpen();

    ui.chat.classList.toggle('users-hidden', !open);
    ui.usersButton.setAttribute('aria-expanded', open ? 'true' : 'false');
    ui.scrim.hidden = !(open && narrow.matches);
  }

  function setUsersPanel (open, focus) {
    state.usersOpen = open;
    updateUsersPanel();
    if (open && focus)
      (ui.users.querySelector('button.user') || ui.usersClose).focus();
  }

  function startPrivate (nick) {
    state.privateTo = nick;
    ui.privateName.textContent = nick;
    ui.privateChip.hidden = false;
    ui.input.placeholder = `Private message to ${nick}`;
    if (narrow.matches)
      setUsersPanel(false);
    renderUsers();
    ui.input.focus();
  }

  function stopPrivate () {
    state.privateTo = null;
    ui.privateChip.hidden = true;
    ui.input.placeholder = 'Message everyone';
    renderUsers();
  }

  // ---- Outbox ---------------------------------------------------------------------------

  function saveOutbox () {
    const entries = Array.from(state.outbox.values(), (e) => ({
      cid: e.cid, text: e.text, to: e.to, nick: e.nick, seenId: e.seenId, sent: e.sent, created: e.created,
    }));

    save(sessionStorage, SESSION_OUTBOX, entries.length ? JSON.stringify(entries) : null);
  }

  // What a reload left unsent; shown once we are back in the room under the same name.
  function restoreOutbox () {
    let entries = [];

    try {
      entries = JSON.parse(load(sessionStorage, SESSION_OUTBOX) || '[]');
    } catch {
      entries = [];
    }
    for (const saved of Array.isArray(entries) ? entries : []) {
      if (typeof saved?.cid !== 'string' || typeof saved.text !== 'string' || state.outbox.has(saved.cid))
        continue;
      state.outbox.set(saved.cid, {
        cid: saved.cid, text: saved.text, to: saved.to || null, nick: saved.nick || '',
        seenId: Number(saved.seenId) || 0, sent: Boolean(saved.sent), created: Number(saved.created) || Date.now(),
        state: 'queued', attempt: 0, row: null, error: '', retryAt: 0,
      });
    }
  }

  function pendingElement (entry) {
    const m = {
      kind: entry.to ? 'private' : 'chat', from: state.me ? state.me.nick : entry.nick,
      to: entry.to, text: entry.text, time: entry.created,
    };
    const li = messageElement(m, { own: true });

    li.classList.add('pending');
    li.dataset.cid = entry.cid;
    li.append(element('div', 'status'));
    return li;
  }

  function renderEntry (entry) {
    if (!entry.row) {
      entry.row = {
        key: PENDING_KEY_BASE + (++pendingSeq), type: 'message', time: entry.created,
        from: state.me ? state.me.nick : entry.nick, to: entry.to, kind: entry.to ? 'private' : 'chat',
        el: pendingElement(entry),
      };
      insertRow(entry.row);
      relayout();
    }

    const li = entry.row.el;
    const status = li.querySelector('.status');

    li.classList.toggle('failed', entry.state === 'failed');
    li.classList.toggle('waiting', entry.state === 'queued');
    status.replaceChildren();
    if (entry.state === 'failed') {
      const retry = element('button', null, 'Retry');
      const discard = element('button', 'flat', 'Discard');

      retry.type = 'button';
      discard.type = 'button';
      retry.addEventListener('click', () => {
        entry.state = 'queued';
        entry.error = '';
        renderEntry(entry);
        flushOutbox();
      });
      discard.addEventListener('click', () => discardEntry(entry));
      status.append(svgIcon('warning'), element('span', null, `Not sent: ${entry.error}`), retry, discard);
    } else if (entry.state === 'queued' && entry.retryAt > Date.now()) {
      status.append(svgIcon('clock'), element('span', null, 'Sending too fast, trying again shortly…'));
    } else if (entry.state === 'queued') {
      status.append(svgIcon('clock'), element('span', null, 'Waiting for the connection…'));
    } else {
      status.append(element('span', 'visually-hidden', 'Sending…'));
    }
  }

  function discardEntry (entry) {
    state.outbox.delete(entry.cid);
    if (entry.row)
      removeRow(entry.row);
    relayout();
    saveOutbox();
    ui.input.focus();
  }

  // The entry was stored as @message: the pending bubble gives way to the real one.
  function resolveEntry (entry, message) {
    state.outbox.delete(entry.cid);
    state.claimed.add(message.id);
    if (entry.row)
      removeRow(entry.row);
    saveOutbox();
    addMessage(message, false);
    relayout();
  }

  // Which outbox entry @m, a message of ours, is. Exact with cids; without, the oldest entry
  // that went out with the same text to the same person after the last message we had seen
  // then, and that no other message was already matched to.
  function matchEntry (m) {
    if (!isMine(m))
      return null;
    if (typeof m.cid === 'string')
      return state.outbox.get(m.cid) || null;
    if (state.exactCids || state.claimed.has(m.id))
      return null;
    for (const entry of state.outbox.values()) {
      if (entry.sent && entry.state !== 'failed' && m.id > entry.seenId && entry.text === m.text &&
          sameNick(entry.to || '', m.to || ''))
        return entry;
    }
    return null;
  }

  function queueMessage (text, to) {
    const entry = {
      cid: newCid(), text, to, nick: state.me ? state.me.nick : state.nick,
      seenId: state.maxId, sent: false, created: Date.now(),
      state: 'queued', attempt: 0, row: null, error: '', retryAt: 0,
    };

    state.outbox.set(entry.cid, entry);
    saveOutbox();
    renderEntry(entry);
    scrollToBottom();
    flushOutbox();
  }

  function flushOutbox () {
    if (!state.online)
      return;
    for (const entry of state.outbox.values()) {
      // In the order they were typed: one held back by the flood limit holds the rest too.
      if (entry.state === 'queued' && entry.retryAt > Date.now())
        break;
      if (entry.state === 'queued')
        transmit(entry);
    }
  }

  function transmit (entry) {
    const attempt = ++entry.attempt;
    const onAck = (err, reply) => {
      if (state.outbox.get(entry.cid) !== entry || entry.attempt !== attempt || entry.state !== 'sending')
        return;

      if (err) {
        // Disconnected, or no answer in time: whether it was stored is unknown until the next
        // welcome, so it waits. A connection that still looks up but does not answer is renewed.
        entry.state = 'queued';
        renderEntry(entry);
        if (socket.connected)
          resync();
        return;
      }
      if (reply && reply.ok && reply.message) {
        resolveEntry(entry, reply.message);
        return;
      }

      const code = reply && reply.error;
      if (code === 'flood') {
        entry.state = 'queued';
        entry.retryAt = Date.now() + FLOOD_RETRY_MS;
        setTimeout(flushOutbox, FLOOD_RETRY_MS + 50);
      } else {
        entry.state = 'failed';
        entry.error = (reply && reply.message) || 'the host refused it';
      }
      renderEntry(entry);
    };

    entry.state = 'sending';
    entry.sent = true;
    saveOutbox();
    renderEntry(entry);

    // The cid rides along in a form hosts without the extension ignore: a second argument to
    // "message", an extra member of "private"'s object.
    if (entry.to)
      socket.timeout(ACK_TIMEOUT_MS).emit('private', { to: entry.to, text: entry.text, cid: entry.cid }, onAck);
    else
      socket.timeout(ACK_TIMEOUT_MS).emit('message', entry.text, { cid: entry.cid }, onAck);
  }

  // After a (re)join: entries whose message the history shows were stored are done; the rest
  // go out again, in the order they were typed.
  function reconcileOutbox () {
    for (const entry of Array.from(state.outbox.values())) {
      if (entry.state === 'sending')
        entry.state = 'queued';
      if (state.me && !sameNick(entry.nick, state.me.nick) && !entry.sent)
        entry.nick = state.me.nick;
      if (!entry.sent)
        continue;

      for (const m of state.messages.values()) {
        if (matchEntry(m) === entry) {
          resolveEntry(entry, m);
          break;
        }
      }
    }
    for (const entry of state.outbox.values())
      renderEntry(entry);
    flushOutbox();
  }

  // ---- Connection -------------------------------------------------------------------------

  if (typeof window.io !== 'function') {
    ui.join.hidden = false;
    ui.joinForm.hidden = true;
    ui.joinBusy.hidden = false;
    ui.joinBusy.querySelector('.spinner').hidden = true;
    ui.joinBusyText.textContent = 'The chat could not load its connection library. Reload the page to try again.';
    return;
  }

  const socket = window.io({
    autoConnect: false,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
    // Read on every connection attempt, so reconnections carry the current name.
    auth: (cb) => {
      const auth = { client: 'tincan', nick: state.nick, kind: 'browser', key: clientKey() };

      if (state.passcode)
        auth.passcode = state.passcode;
      cb(auth);
    },
  });

  function showBanner (text) {
    ui.bannerText.textContent = text;
    ui.banner.hidden = false;
  }

  function hideBanner () {
    ui.banner.hidden = true;
  }

  function showJoin (options = {}) {
    ui.chat.hidden = true;
    ui.join.hidden = false;
    ui.joinBusy.hidden = true;
    ui.joinForm.hidden = false;
    ui.joinTitle.textContent = options.title || 'Join the chat';
    ui.joinError.textContent = options.error || '';
    ui.nickInput.value = options.nick ?? state.nick;
    ui.nickInput.setAttribute('aria-invalid', options.nickInvalid ? 'true' : 'false');
    if (options.passcode)
      ui.passcodeField.hidden = false;
    ui.passcodeInput.setAttribute('aria-invalid', options.passcodeInvalid ? 'true' : 'false');
    ui.joinButton.disabled = Boolean(options.disabled);

    const target = options.passcodeInvalid || (options.passcode && !options.nickInvalid && state.nick)
      ? ui.passcodeInput
      : ui.nickInput;
    target.focus();
    if (options.nickInvalid || options.passcodeInvalid)
      target.select();
  }

  function showBusy (text) {
    ui.chat.hidden = true;
    ui.join.hidden = false;
    ui.joinForm.hidden = true;
    ui.joinBusy.hidden = false;
    ui.joinBusy.querySelector('.spinner').hidden = false;
    ui.joinBusyText.textContent = text;
  }

  function showChat () {
    const wasHidden = ui.chat.hidden;

    ui.join.hidden = true;
    ui.chat.hidden = false;
    if (wasHidden) {
      updateUsersPanel();
      scrollToBottom();
      if (!narrow.matches || !('ontouchstart' in window))
        ui.input.focus();
    }
  }

  function connect () {
    clearTimeout(state.reconnectTimer);
    state.leaving = false;
    state.kicked = false;
    if (!socket.connected && !socket.active)
      socket.connect();
  }

  function scheduleReconnect () {
    clearTimeout(state.reconnectTimer);
    state.reconnectTimer = setTimeout(() => {
      if (!socket.connected && !socket.active && !state.kicked && !state.leaving)
        socket.connect();
    }, state.reconnectDelay);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 5000);
  }

  // A connection that looks alive but does not answer: start a fresh one.
  function resync () {
    state.resyncing = true;
    socket.disconnect();
    socket.connect();
  }

  socket.on('connect', () => {
    clearTimeout(state.reconnectTimer);
    // A recovered session (connection state recovery) gets no welcome, so nothing would tell
    // which queued messages were stored: join afresh instead.
    if (socket.recovered)
      resync();
  });

  socket.on('welcome', (welcome) => {
    if (!welcome || typeof welcome !== 'object' || !welcome.you)
      return;

    const first = !state.everJoined;

    state.me = welcome.you;
    state.nick = welcome.you.nick;
    state.room = Object.assign({ name: 'Tincan', host: '', maxLength: 4000 }, welcome.room || {});
    state.exactCids = Array.isArray(state.room.features) && state.room.features.includes('cid');
    state.online = true;
    state.everJoined = true;
    state.autoJoin = false;
    state.ghostRetries = 0;
    state.reconnectDelay = 1000;
    save(localStorage, STORAGE_NICK, state.nick);
    save(sessionStorage, SESSION_PASSCODE, state.passcode || null);

    state.users.clear();
    for (const user of Array.isArray(welcome.users) ? welcome.users : [])
      if (user && typeof user.id === 'string' && typeof user.nick === 'string')
        state.users.set(user.id, user);
    state.users.set(state.me.id, state.me);

    ui.roomName.textContent = state.room.name;
    updateTitle();
    for (const m of Array.isArray(welcome.history) ? welcome.history : [])
      addMessage(m, false);
    if (first)
      restoreOutbox();
    reconcileOutbox();

    hideBanner();
    renderUsers();
    relayout();
    showChat();
    if (first)
      scrollToBottom();
    updateComposer();
  });

  socket.on('message', (m) => {
    if (!m || typeof m !== 'object')
      return;

    const entry = matchEntry(m);

    if (entry)
      resolveEntry(entry, m);
    else
      addMessage(m, true);

    // Whoever sent a message has stopped typing it.
    const author = Array.from(state.users.values()).find((u) => sameNick(u.nick, m.from));
    if (author && author.typing) {
      author.typing = false;
      renderUsers();
    }
  });

  socket.on('user-joined', (user) => {
    if (!user || typeof user.id !== 'string' || typeof user.nick !== 'string')
      return;
    state.users.set(user.id, user);
    renderUsers();
    addNotice(`${user.nick} joined`, { announce: true });
  });

  socket.on('user-left', (user) => {
    if (!user || typeof user.id !== 'string')
      return;
    state.users.delete(user.id);
    renderUsers();
    addNotice(`${user.nick} left`, { announce: true });
  });

  socket.on('typing', (user) => {
    const known = user && state.users.get(user.id);

    if (!known)
      return;
    known.typing = Boolean(user.typing);
    renderUsers();
  });

  socket.on('kicked', (info) => {
    state.kicked = true;
    state.online = false;
    socket.disconnect();
    showJoin({
      title: info && info.banned ? 'You were banned' : 'You were removed',
      error: info && info.banned
        ? 'The host banned you from this room.'
        : 'The host removed you from the room. You can join again.',
      disabled: Boolean(info && info.banned),
    });
  });

  socket.on('disconnect', (reason) => {
    state.online = false;
    for (const user of state.users.values())
      user.typing = false;
    state.typingSent = false;

    if (state.kicked)
      return;
    if (state.leaving) {
      state.leaving = false;
      return;
    }
    if (state.resyncing) {
      state.resyncing = false;
    } else if (!socket.active) {
      // The host closed our connection (it may be restarting): come back by ourselves.
      scheduleReconnect();
    }

    showBanner('Reconnecting…');
    renderUsers();
    for (const entry of state.outbox.values()) {
      if (entry.state === 'sending')
        entry.state = 'queued';
      renderEntry(entry);
    }
    updateComposer();
  });

  socket.on('connect_error', (err) => {
    const code = err && err.data && err.data.code;

    if (!code) {
      // The host is unreachable: the manager keeps trying (or we do).
      if (!socket.active)
        scheduleReconnect();
      if (state.everJoined)
        showBanner('Reconnecting…');
      else
        showBusy('Can’t reach the host. Trying again…');
      return;
    }

    switch (code) {
      case 'nick-taken':
        if ((state.everJoined || state.autoJoin) && state.ghostRetries < (state.everJoined ? GHOST_RETRIES : 2)) {
          // Most likely our own previous connection, which the host has not seen go yet.
          state.ghostRetries++;
          clearTimeout(state.reconnectTimer);
          state.reconnectTimer = setTimeout(() => socket.connect(), state.everJoined ? GHOST_RETRY_MS : 1500);
          if (state.everJoined)
            showBanner('Reconnecting…');
          return;
        }
        state.ghostRetries = 0;
        showJoin({
          error: `Someone here is already called “${state.nick}”. Pick another nickname` +
                 (state.everJoined || state.autoJoin ? ', or wait a moment if that was you.' : '.'),
          nickInvalid: true,
        });
        break;

      case 'nick-invalid':
        showJoin({ error: err.message || 'That nickname cannot be used.', nickInvalid: true });
        break;

      case 'passcode':
        showJoin({
          title: 'This room has a passcode',
          error: state.passcode ? 'That passcode is not right. Check it with the host.' : 'Ask the host for the passcode.',
          passcode: true,
          passcodeInvalid: Boolean(state.passcode),
        });
        if (!state.passcode)
          ui.passcodeInput.setAttribute('aria-invalid', 'false');
        break;

      case 'banned':
        showJoin({ title: 'You are banned', error: 'The host banned you from this room.', disabled: true });
        break;

      default:
        showJoin({ error: err.message || 'The host refused the connection.' });
        break;
    }
    state.autoJoin = false;
  });

  // ---- Composer ---------------------------------------------------------------------------

  function autosize () {
    ui.input.style.height = 'auto';
    ui.input.style.height = `${ui.input.scrollHeight}px`;
  }

  function updateComposer () {
    const n = charCount(ui.input.value);
    const max = state.room.maxLength || 4000;
    const left = max - n;

    ui.counter.textContent = left < 200 ? String(left) : '';
    ui.counter.classList.toggle('over', left < 0);
    ui.sendButton.disabled = ui.input.value.trim() === '' || left < 0;
  }

  function setTyping (typing) {
    clearTimeout(state.typingTimer);
    if (typing)
      state.typingTimer = setTimeout(() => setTyping(false), TYPING_IDLE_MS);
    if (typing === state.typingSent || !state.online)
      return;
    state.typingSent = typing;
    socket.emit('typing', typing);
  }

  function submit () {
    // Blank lines around a message are noise; what is inside stays as typed.
    const text = ui.input.value.replace(/\s+$/u, '').replace(/^(?:[ \t]*\n)+/u, '');

    if (text.trim() === '' || charCount(text) > (state.room.maxLength || 4000))
      return;
    queueMessage(text, state.privateTo);
    ui.input.value = '';
    autosize();
    updateComposer();
    setTyping(false);
  }

  ui.composer.addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
    ui.input.focus();
  });

  ui.input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
      event.preventDefault();
      submit();
    } else if (event.key === 'Escape' && state.privateTo) {
      event.preventDefault();
      stopPrivate();
    }
  });

  ui.input.addEventListener('input', () => {
    autosize();
    updateComposer();
    setTyping(ui.input.value.trim() !== '');
  });

  ui.input.addEventListener('blur', () => {
    if (ui.input.value.trim() === '')
      setTyping(false);
  });

  ui.privateCancel.addEventListener('click', () => {
    stopPrivate();
    ui.input.focus();
  });

  // ---- Joining ----------------------------------------------------------------------------

  ui.joinForm.addEventListener('submit', (event) => {
    const nick = ui.nickInput.value.trim();

    event.preventDefault();
    if (nick === '') {
      showJoin({ nick: '', error: 'Choose a nickname first.', nickInvalid: true });
      return;
    }
    state.nick = nick;
    if (!ui.passcodeField.hidden)
      state.passcode = ui.passcodeInput.value;
    state.autoJoin = false;
    state.ghostRetries = 0;
    showBusy('Joining…');
    connect();
  });

  ui.leaveButton.addEventListener('click', () => {
    state.leaving = true;
    state.online = false;
    socket.disconnect();
    hideBanner();
    showJoin({ title: 'Change nickname', nick: state.nick });
    ui.nickInput.select();
  });

  // ---- Chrome: people panel, jump button, notifications, title -----------------------------

  ui.usersButton.addEventListener('click', () => setUsersPanel(!usersPanelOpen(), narrow.matches));
  ui.usersClose.addEventListener('click', () => {
    setUsersPanel(false);
    ui.usersButton.focus();
  });
  ui.scrim.addEventListener('click', () => setUsersPanel(false));
  narrow.addEventListener('change', () => {
    state.usersOpen = null;
    updateUsersPanel();
  });

  ui.jumpButton.addEventListener('click', () => {
    scrollToBottom();
    ui.input.focus();
  });
  ui.scroller.addEventListener('scroll', () => {
    if (isNearBottom()) {
      state.newBelow = 0;
      ui.jumpButton.hidden = true;
    }
  }, { passive: true });

  ui.notifyButton.addEventListener('click', toggleNotifications);

  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && narrow.matches && usersPanelOpen() && !ui.chat.hidden) {
      setUsersPanel(false);
      ui.usersButton.focus();
    }
  });

  document.addEventListener('visibilitychange', () => {
    clearUnread();
    // A phone waking up: do not wait for the next scheduled attempt.
    if (!document.hidden && state.everJoined && !socket.connected && !socket.active && !state.kicked && !state.leaving)
      connect();
  });
  window.addEventListener('focus', clearUnread);
  window.addEventListener('online', () => {
    if (state.everJoined && !socket.connected && !socket.active && !state.kicked && !state.leaving)
      connect();
  });

  // ---- Start ------------------------------------------------------------------------------

  // A link the host shares may carry the passcode; it is not left in the address bar.
  const params = new URLSearchParams(window.location.search);
  if (params.has('passcode')) {
    state.passcode = params.get('passcode') || '';
    params.delete('passcode');
    const rest = params.toString();
    window.history.replaceState(null, '', window.location.pathname + (rest ? `?${rest}` : '') + window.location.hash);
  }
  if (state.passcode) {
    ui.passcodeField.hidden = false;
    ui.passcodeInput.value = state.passcode;
  }

  updateNotifyButton();
  updateUsersPanel();
  updateComposer();
  relayout();

  if (state.nick) {
    state.autoJoin = true;
    showBusy('Joining…');
    connect();
  } else {
    showJoin({ nick: '' });
  }
})();
