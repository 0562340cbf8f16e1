/**
 * The browser phone's HTML (`GET /__phone/`): a static skeleton that phone.js fills in. It holds no
 * data, so it is served without the phone token (docs/emulator.md "The phone in the browser").
 */

/** The page at `GET /__phone/`. */
export const PHONE_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>webwx phone</title>
<link rel="stylesheet" href="/__phone/phone.css">
<script src="/__phone/phone.js" defer></script>
</head>
<body>
<header>
  <h1>webwx phone</h1>
  <label id="account-picker" hidden>Account <select id="account"></select></label>
  <span id="self"></span>
  <span id="status" role="status"></span>
  <select id="logout-code" aria-label="Logout code">
    <option value="1100">1100 logged out on the phone</option>
    <option value="1101">1101 logged in elsewhere</option>
    <option value="1102">1102 session expired</option>
  </select>
  <button id="logout" type="button">Log out</button>
</header>
<main>
  <section id="login-panel">
    <h2>QR codes</h2>
    <p class="hint" id="qr-hint">Waiting for a client to ask for a QR code…</p>
    <ul id="qrs"></ul>
    <h2>Sessions</h2>
    <ul id="sessions"></ul>
  </section>
  <section id="chat-panel">
    <h2>Chat</h2>
    <div class="row">
      <label>Chat <select id="chat"></select></label>
      <label>As <select id="from"></select></label>
    </div>
    <ol id="log" aria-label="Messages" aria-live="polite"></ol>
    <div id="compose">
      <div class="row">
        <label>@ <select id="mention" aria-label="Mention"></select></label>
        <span id="emoji"></span>
      </div>
      <div class="row">
        <textarea id="text" rows="2" placeholder="Write as the sender… (Enter sends, Shift+Enter: new line)"></textarea>
        <button id="send" type="button">Send</button>
      </div>
      <div class="row" id="drop">
        <label>Image or file <input id="file" type="file"></label>
        <span class="hint">or drop a file here</span>
      </div>
    </div>
  </section>
  <section id="tools-panel">
    <h2>Tools</h2>
    <details open>
      <summary>Group</summary>
      <label>Group <select id="tool-room"></select></label>
      <div class="row"><input id="topic" placeholder="New name"><button id="rename" type="button">Rename</button></div>
      <div class="row">
        <select id="tool-person" aria-label="Person"></select>
        <button id="add-member" type="button">Add</button>
        <button id="remove-member" type="button">Remove</button>
      </div>
    </details>
    <details>
      <summary>Friend request</summary>
      <label>From <select id="stranger"></select></label>
      <div class="row"><input id="greeting" placeholder="Greeting"><button id="friend-request" type="button">Send request</button></div>
    </details>
    <details>
      <summary>Faults</summary>
      <div class="row">
        <select id="fault-endpoint" aria-label="Endpoint">
          <option>synccheck</option><option>webwxsync</option><option>webwxsendmsg</option>
          <option>webwxuploadmedia</option><option>webwxinit</option><option value="*">* (every endpoint)</option>
        </select>
        <select id="fault-kind" aria-label="Fault">
          <option value="http-status">HTTP 502</option><option value="ret">Ret 1205</option>
          <option value="delay">delay 3 s</option><option value="reset">reset</option>
          <option value="malformed">malformed</option><option value="hang">hang</option>
          <option value="expire">expire (1102)</option>
        </select>
        <label>× <input id="fault-times" type="number" min="1" value="1"></label>
      </div>
      <div class="row"><button id="inject" type="button">Inject</button><button id="clear-faults" type="button">Clear all</button></div>
      <ul id="faults"></ul>
    </details>
  </section>
</main>
</body>
</html>
`;
