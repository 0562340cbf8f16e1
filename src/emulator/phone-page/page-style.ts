/** The browser phone's style sheet (`GET /__phone/phone.css`). */

/** The style sheet at `GET /__phone/phone.css`. */
export const PHONE_PAGE_CSS = `:root { color-scheme: light dark; --accent: #07c160; --line: #8884; font: 14px/1.4 system-ui, sans-serif; }
body { margin: 0; }
header { display: flex; gap: 0.8em; align-items: center; padding: 0.5em 1em; background: var(--accent); color: #fff; }
header h1 { font-size: 1.1em; margin: 0; }
#status { flex: 1; }
#status.error { color: #fff; background: #c33; padding: 0 0.5em; border-radius: 4px; }
main { display: grid; grid-template-columns: minmax(14em, 1fr) minmax(20em, 2fr) minmax(14em, 1fr); gap: 1em; padding: 1em; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
section { border: 1px solid var(--line); border-radius: 8px; padding: 0 0.8em 0.8em; min-width: 0; }
h2 { font-size: 1em; margin: 0.8em 0 0.4em; }
ul, ol { list-style: none; margin: 0; padding: 0; }
.qr { display: flex; gap: 0.6em; padding: 0.4em 0; border-bottom: 1px solid var(--line); }
.qr img { image-rendering: pixelated; background: #fff; }
.session { padding: 0.2em 0; }
.session.ended { opacity: 0.6; }
.mono { font-family: ui-monospace, monospace; font-size: 0.9em; word-break: break-all; }
.hint { opacity: 0.7; }
.row { display: flex; gap: 0.5em; align-items: center; margin: 0.4em 0; flex-wrap: wrap; }
textarea { flex: 1; font: inherit; min-width: 10em; }
#log { height: 50vh; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; padding: 0.4em; margin: 0.4em 0; }
#log li { margin: 0.3em 0; padding: 0.3em 0.5em; border-radius: 6px; max-width: 85%; white-space: pre-wrap; overflow-wrap: anywhere; }
#log li.phone { background: #8882; }
#log li.client { background: #07c16033; margin-left: auto; }
#log li.revoked .text { text-decoration: line-through; }
.who { font-weight: 600; }
button { font: inherit; cursor: pointer; }
button.small { font-size: 0.85em; padding: 0 0.4em; margin-left: 0.3em; }
#chat-panel.dragging { outline: 3px dashed var(--accent); }
details { margin: 0.5em 0; }
summary { cursor: pointer; font-weight: 600; }
#fault-times { width: 4em; }
`;
