/**
 * The browser phone's script (`GET /__phone/phone.js`): plain modern JavaScript, no framework, no
 * build step (docs/emulator.md "The phone in the browser" says why). It talks only to the phone API,
 * polls it once a second, and builds every element with textContent: what the client sends is hostile
 * input and is never parsed as HTML. This module only holds the text; it imports nothing.
 */

/** The script at `GET /__phone/phone.js` (no backquotes or dollar-braces inside: it is a template). */
export const PHONE_PAGE_SCRIPT = String.raw`'use strict';
// The phone token, if the emulator has one: http://host/__phone/#token=... (never sent as a URL);
// #account=<stable id> picks the account whose phone the page is (several accounts).
const hash = new URLSearchParams(location.hash.slice(1));
const token = hash.get('token') || '';
const $ = (id) => document.getElementById(id);
const EMOJI = ['😀', '😂', '👍', '❤️', '🎉', '🙏', '🐶'];
const state = { world: null, names: new Map(), sentSeen: 0, views: new Map(), account: hash.get('account') || '' };

/** An element with text children only (strings become text nodes, never HTML). */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'disabled') el.disabled = true;
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) el.append(child);
  return el;
}

async function api(method, path, body) {
  const headers = {};
  if (token) headers.Authorization = 'Bearer ' + token;
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  // Every call acts as the picked account (?account=, the phone API's account selector).
  const account = state.account ? (path.includes('?') ? '&' : '?') + 'account=' + encodeURIComponent(state.account) : '';
  const res = await fetch('/__phone/' + path + account, init);
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error || res.status + ' ' + res.statusText);
  return data;
}

function say(text, error) {
  $('status').textContent = text;
  $('status').className = error ? 'error' : '';
}

/** Runs an action from a button; its error goes to the status line. */
function act(fn) {
  return async (event) => {
    if (event) event.preventDefault();
    try {
      await fn();
    } catch (err) {
      say(err.message, true);
    }
  };
}

/** Replaces a list's children only when its data changed (so a click never hits a dying button). */
function render(id, data, build) {
  const key = JSON.stringify(data);
  if (state.views.get(id) === key) return;
  state.views.set(id, key);
  $(id).replaceChildren(...build(data));
}

function nameOf(id) {
  return state.names.get(id) || id;
}

// ---- QR codes and sessions ----

function qrItem(qr) {
  const post = (action) => act(() => api('POST', 'qr/' + encodeURIComponent(qr.uuid) + '/' + action));
  return h('li', { class: 'qr', 'data-uuid': qr.uuid, 'data-state': qr.state },
    h('img', { src: '/qrcode/' + encodeURIComponent(qr.uuid), alt: 'QR code ' + qr.uuid, width: 96, height: 96 }),
    h('div', {},
      h('div', { class: 'mono' }, qr.uuid),
      h('div', {}, qr.state + (qr.push ? ' · push' : '') + (qr.app === 'filehelper' ? ' · File Transfer' : '') +
        (qr.account ? ' · ' + nameOf(qr.account) : '')),
      h('button', { type: 'button', onclick: post('scan'), disabled: qr.state !== 'waiting' }, 'Scan'),
      h('button', { type: 'button', onclick: post('confirm'), disabled: qr.state !== 'scanned' && !(qr.push && qr.state === 'waiting') }, 'Confirm'),
      h('button', { type: 'button', onclick: post('cancel') }, 'Cancel')));
}

function sessionItem(s) {
  const ended = s.state !== 'active';
  return h('li', { class: ended ? 'session ended' : 'session', 'data-state': s.state },
    h('b', {}, ended ? 'ended' : 'logged in'),
    ' ' + (s.app === 'filehelper' ? 'File Transfer' : s.desktop ? 'desktop (UOS)' : 'web') + ' session ',
    h('span', { class: 'mono' }, s.id.slice(0, 8)),
    ended ? ' · ' + (s.endReason || '') + ' ' + (s.endCode || '') : ' · ' + s.pendingMessages + ' pending');
}

async function pollLogin() {
  const [qrs, sessions] = await Promise.all([api('GET', 'qr'), api('GET', 'sessions')]);
  const open = qrs.filter((q) => q.state === 'waiting' || q.state === 'scanned');
  $('qr-hint').hidden = open.length > 0;
  render('qrs', open, (list) => list.map(qrItem));
  render('sessions', sessions.slice(-6).reverse(), (list) => list.map(sessionItem));
}

// ---- accounts: which account's phone this page is ----

async function loadAccounts() {
  const accounts = await api('GET', 'accounts');
  if (!accounts.some((a) => a.id === state.account)) state.account = accounts[0] ? accounts[0].id : '';
  fill('account', accounts.map((a) => h('option', { value: a.id }, a.nickName + ' (' + a.id + ')')));
  $('account').value = state.account;
  $('account-picker').hidden = accounts.length < 2;
}

async function switchAccount() {
  state.account = $('account').value;
  state.sentSeen = 0;
  state.views.clear();
  $('log').replaceChildren();
  await loadWorld();
  $('self').textContent = 'as ' + state.world.self.nickName;
  say('');
}

// ---- the world: chats, senders, mentions ----

async function loadWorld() {
  const world = await api('GET', 'world');
  state.world = world;
  state.names = new Map([[world.self.id, world.self.nickName]]);
  for (const c of world.contacts) state.names.set(c.id, c.remarkName || c.nickName);
  for (const r of world.rooms) state.names.set(r.id, r.topic);
  const friends = world.contacts.filter((c) => c.kind === 'friend');
  const option = (value, label) => h('option', { value }, label);
  fill('chat', [
    h('optgroup', { label: 'Friends' }, friends.map((c) => option('p:' + c.id, nameOf(c.id)))),
    h('optgroup', { label: 'Groups' }, world.rooms.map((r) => option('r:' + r.id, r.topic))),
  ]);
  fill('tool-room', world.rooms.map((r) => option(r.id, r.topic)));
  fill('tool-person', world.contacts.filter((c) => c.kind !== 'official').map((c) => option(c.id, nameOf(c.id))));
  fill('stranger', world.contacts.filter((c) => c.kind === 'stranger').map((c) => option(c.id, nameOf(c.id))));
  chatChanged();
}

/** Replaces a select's options, keeping the selected value when it is still there. */
function fill(id, options) {
  const select = $(id);
  const before = select.value;
  select.replaceChildren(...options);
  if ([...select.options].some((o) => o.value === before)) select.value = before;
}

function currentChat() {
  const value = $('chat').value || '';
  return { room: value.startsWith('r:') ? value.slice(2) : undefined, person: value.startsWith('p:') ? value.slice(2) : undefined };
}

function roomMembers(roomId) {
  const room = state.world.rooms.find((r) => r.id === roomId);
  if (!room) return [];
  return room.members.map((m) => (typeof m === 'string' ? { id: m, displayName: '' } : m));
}

function chatChanged() {
  const { room, person } = currentChat();
  const selfId = state.world.self.id;
  const members = room ? roomMembers(room).filter((m) => m.id !== selfId) : [];
  const option = (id, label) => h('option', { value: id }, label);
  fill('from', room ? members.map((m) => option(m.id, m.displayName || nameOf(m.id))) : [option(person, nameOf(person))]);
  $('from').disabled = !room;
  const mentionable = room ? roomMembers(room) : [];
  fill('mention', [option('', room ? '(mention…)' : '(groups only)'),
    ...mentionable.map((m) => option(m.displayName || nameOf(m.id), m.displayName || nameOf(m.id)))]);
  $('mention').disabled = !room;
  if (room) $('tool-room').value = room;
}

function insertText(text) {
  const area = $('text');
  const at = area.selectionStart ?? area.value.length;
  area.value = area.value.slice(0, at) + text + area.value.slice(area.selectionEnd ?? at);
  area.selectionStart = area.selectionEnd = at + text.length;
  area.focus();
}

// ---- the conversation: what the phone wrote, what the client sent ----

function logEntry(kind, chatId, who, text, extra) {
  const item = h('li', { class: kind }, h('span', { class: 'who' }, who), ' ', h('span', { class: 'text' }, text), extra);
  const atBottom = $('log').scrollTop + $('log').clientHeight >= $('log').scrollHeight - 8;
  $('log').append(item);
  if (atBottom) item.scrollIntoView({ block: 'end' });
  return item;
}

function phoneSent(result, text) {
  const who = nameOf(result.from) + (result.room ? ' in ' + nameOf(result.room) : '') + ' →';
  const revoke = h('button', { type: 'button', class: 'small', title: 'Revoke' }, 'Revoke');
  const item = logEntry('phone', result.room || result.from, who, text, revoke);
  revoke.addEventListener('click', act(async () => {
    await api('POST', 'message', { kind: 'revoke', from: result.from, msgId: result.msgId, ...(result.room ? { room: result.room } : {}) });
    item.classList.add('revoked');
    revoke.disabled = true;
  }));
  if (result.deliveredTo === 0) say('Nobody is logged in: the message was dropped', true);
}

const SHARE_KINDS = { 3: 'music', 5: 'link', 33: 'mini program', 36: 'mini program' };

/** An XML value as text (the five entities; anything else stays as written). */
function xmlValue(value) {
  return value.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

function describeSent(record) {
  if (record.type === 1) return record.content;
  if (record.media) return '[' + (record.media.contentType || 'media') + '] ' + record.media.fileName;
  if (record.type === 42) {
    const nick = /\snickname="([^"]*)"/.exec(record.content);
    return '[card] ' + (nick ? xmlValue(nick[1]) : '');
  }
  const share = SHARE_KINDS[record.type];
  if (share) {
    const title = /<title>([^<]*)<\/title>/.exec(record.content);
    return '[' + share + '] ' + (title ? xmlValue(title[1]) : '');
  }
  return '[type ' + record.type + ']';
}

async function pollSent() {
  const sent = await api('GET', 'sent');
  for (const record of sent.slice(state.sentSeen)) {
    logEntry('client', record.to, '→ ' + nameOf(record.to) + ':', describeSent(record));
  }
  state.sentSeen = Math.max(state.sentSeen, sent.length);
}

async function sendText() {
  const text = $('text').value;
  if (text.trim() === '') return;
  const { room } = currentChat();
  const from = $('from').value;
  const result = await api('POST', 'send', { from, text, ...(room ? { room } : {}) });
  $('text').value = '';
  phoneSent(result, text);
}

function sendFile(file) {
  return act(async () => {
    if (!file) return;
    if (file.size > 4.5 * 1024 * 1024) throw new Error(file.name + ' is over 4.5 MB: use --media-dir and curl');
    const dataUrl = await new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result);
      reader.onerror = () => reject(reader.error);
      reader.readAsDataURL(file);
    });
    const kind = file.type.startsWith('image/') ? 'image' : file.type.startsWith('video/') ? 'video' : 'file';
    const { room } = currentChat();
    const body = { kind, from: $('from').value, base64: String(dataUrl).split(',')[1] || '', fileName: file.name };
    const result = await api('POST', 'media', room ? { ...body, room } : body);
    phoneSent({ ...result, from: body.from, room }, '[' + kind + '] ' + file.name);
    $('file').value = '';
  })();
}

// ---- tools ----

async function pollFaults() {
  const faults = await api('GET', 'faults');
  render('faults', faults, (list) => list.map((f) =>
    h('li', {}, f.endpoint + ' ' + JSON.stringify(f.fault) + ' · ' + f.hits + ' hits ',
      h('button', { type: 'button', class: 'small', onclick: act(async () => { await api('POST', 'faults/remove', { id: f.id }); await pollFaults(); }) }, 'Remove'))));
}

function faultOf(kind) {
  const values = { 'http-status': { status: 502 }, ret: { ret: 1205 }, delay: { ms: 3000 }, expire: { code: 1102 } };
  return { kind, ...(values[kind] || {}) };
}

function wire() {
  $('account').addEventListener('change', act(switchAccount));
  $('chat').addEventListener('change', chatChanged);
  $('mention').addEventListener('change', () => {
    if ($('mention').value) insertText('@' + $('mention').value + '\u2005');
    $('mention').value = '';
  });
  $('emoji').replaceChildren(...EMOJI.map((e) => h('button', { type: 'button', class: 'small', onclick: () => insertText(e) }, e)));
  $('send').addEventListener('click', act(sendText));
  $('text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) act(sendText)(event);
  });
  $('file').addEventListener('change', () => sendFile($('file').files[0]));
  const drop = $('chat-panel');
  drop.addEventListener('dragover', (event) => { event.preventDefault(); drop.classList.add('dragging'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('dragging'));
  drop.addEventListener('drop', (event) => {
    event.preventDefault();
    drop.classList.remove('dragging');
    sendFile(event.dataTransfer.files[0]);
  });
  $('logout').addEventListener('click', act(async () => {
    await api('POST', 'logout', { code: Number($('logout-code').value) });
    say('Logged out every session');
  }));
  const roomCall = (name, body) => act(async () => {
    await api('POST', name, { room: $('tool-room').value, ...body() });
    await loadWorld();
    say(name + ': done');
  });
  $('rename').addEventListener('click', roomCall('renameRoom', () => ({ topic: $('topic').value })));
  $('add-member').addEventListener('click', roomCall('addToRoom', () => ({ members: [$('tool-person').value] })));
  $('remove-member').addEventListener('click', roomCall('removeFromRoom', () => ({ members: [$('tool-person').value] })));
  $('friend-request').addEventListener('click', act(async () => {
    await api('POST', 'sendFriendRequest', { from: $('stranger').value, greeting: $('greeting').value });
    say('Friend request sent');
  }));
  $('inject').addEventListener('click', act(async () => {
    const times = Number($('fault-times').value) || 1;
    await api('POST', 'faults/inject', { endpoint: $('fault-endpoint').value, fault: faultOf($('fault-kind').value), times });
    await pollFaults();
  }));
  $('clear-faults').addEventListener('click', act(async () => { await api('POST', 'faults/clear', {}); await pollFaults(); }));
}

async function tick(round) {
  try {
    await Promise.all([pollLogin(), pollSent(), round % 3 === 0 ? pollFaults() : undefined]);
    if ($('status').dataset.poll) {
      delete $('status').dataset.poll;
      say('');
    }
  } catch (err) {
    say('The emulator does not answer: ' + err.message, true);
    $('status').dataset.poll = '1';
  }
  setTimeout(() => tick(round + 1), 1000);
}

async function start() {
  wire();
  try {
    await loadAccounts();
    await loadWorld();
    $('self').textContent = 'as ' + state.world.self.nickName;
  } catch (err) {
    say(err.message, true);
  }
  tick(0);
}

start();
`;
