// The web chat page of a botgen bot. It talks to the bot over the WebSocket
// endpoint on the page's own address, speaking the BESSER bot protocol
// (docs/protocol.md), and renders every reply kind. Plain JavaScript with no
// build step; marked, DOMPurify and Plotly are vendored beside it.
"use strict";

(() => {
  const body = document.body;
  const cfg = {
    bot: body.dataset.bot || "bot",
    title: body.dataset.title || body.dataset.bot || "Bot",
    dialect: body.dataset.dialect === "baf" ? "baf" : "bbf",
    avatar: body.dataset.avatar || "",
    initial: body.dataset.initial || "B",
    // The largest file the bot takes: what fits, base64-encoded, in its
    // websocket.max_size.
    maxUpload: Number(body.dataset.maxUpload) || 12 * 1024 * 1024,
  };
  // The prefix of reply actions in this bot's dialect.
  const replyPrefix = cfg.dialect === "baf" ? "agent_reply_" : "bot_reply_";

  const el = {
    log: document.getElementById("log"),
    scroller: document.getElementById("scroller"),
    typing: document.getElementById("typing"),
    status: document.getElementById("status"),
    statusText: document.getElementById("status-text"),
    form: document.getElementById("composer"),
    input: document.getElementById("input"),
    send: document.getElementById("send"),
    attach: document.getElementById("attach"),
    file: document.getElementById("file"),
    reset: document.getElementById("reset"),
  };

  // ---- Sanitising -------------------------------------------------------

  // Everything a bot sends as Markdown or HTML goes through DOMPurify, which
  // drops scripts, event handler attributes and javascript: URLs. Forms and
  // embedded frames have no place in a chat bubble either.
  const purifyConfig = {
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select", "iframe", "frame", "object", "embed", "base", "meta", "link"],
    ALLOW_DATA_ATTR: false,
  };
  let purifyReady = false;
  function sanitize(html) {
    if (!window.DOMPurify || !DOMPurify.isSupported) {
      // Without the sanitiser nothing is rendered as HTML: plain text only.
      const div = document.createElement("div");
      div.textContent = html;
      return div.innerHTML;
    }
    if (!purifyReady) {
      // Links in bot messages open in a new tab, without leaking this page.
      DOMPurify.addHook("afterSanitizeAttributes", (node) => {
        if (node.tagName === "A" && node.hasAttribute("href")) {
          node.setAttribute("target", "_blank");
          node.setAttribute("rel", "noopener noreferrer");
        }
      });
      purifyReady = true;
    }
    return DOMPurify.sanitize(html, purifyConfig);
  }

  function markdown(text) {
    if (!window.marked) return null;
    return sanitize(marked.parse(text, { gfm: true, breaks: true, async: false }));
  }

  // ---- Small helpers ----------------------------------------------------

  function h(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") n.className = v;
      else if (k === "text") n.textContent = v;
      else n.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      n.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return n;
  }

  function humanSize(n) {
    if (n < 1024) return n + " B";
    const units = ["KB", "MB", "GB"];
    let v = n / 1024, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (v < 10 ? v.toFixed(1) : Math.round(v)) + " " + units[i];
  }

  function base64Bytes(b64) {
    // The server may send URL-safe base64 or a data: prefix.
    let s = String(b64 || "").replace(/^data:[^,]*,/, "").replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/");
    while (s.length % 4) s += "=";
    const bin = atob(s);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }

  function parseJSON(v) {
    if (typeof v !== "string") return v;
    try { return JSON.parse(v); } catch { return null; }
  }

  // A frame's time: the server's timestamp ("YYYY-MM-DD HH:MM:SS", in the
  // bot's time zone) when it has one, else now.
  function frameTime(ts) {
    if (typeof ts === "string") {
      const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/.exec(ts);
      if (m) return { iso: m[1] + "T" + m[2] + ":" + m[3] + ":" + (m[4] || "00"), label: m[2] + ":" + m[3] };
    }
    const d = new Date();
    const p = (x) => String(x).padStart(2, "0");
    return { iso: d.toISOString(), label: p(d.getHours()) + ":" + p(d.getMinutes()) };
  }

  function newSessionID() {
    const b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  }

  // The session id lives in localStorage, one per bot, so a reload (or a
  // new tab) resumes the same conversation.
  const storageKey = "botgen.session." + cfg.bot;
  function sessionID() {
    let id = null;
    try { id = localStorage.getItem(storageKey); } catch { /* storage disabled */ }
    if (!id || !/^[0-9a-zA-Z_-]{1,128}$/.test(id)) {
      id = newSessionID();
      try { localStorage.setItem(storageKey, id); } catch { /* kept in memory only */ }
    }
    return id;
  }
  const session = sessionID();

  // The link to the bot's states highlights this conversation's: only the
  // page knows its id.
  const graphLink = document.getElementById("graph-link");
  if (graphLink) graphLink.href = "graph?session_id=" + encodeURIComponent(session);

  // ---- Rendering --------------------------------------------------------

  function nearBottom() {
    const s = el.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight < 120;
  }
  function scrollDown(force) {
    if (force || stickToBottom) el.scroller.scrollTop = el.scroller.scrollHeight;
  }
  let stickToBottom = true;
  el.scroller.addEventListener("scroll", () => { stickToBottom = nearBottom(); }, { passive: true });

  function avatarNode() {
    if (cfg.avatar) return h("img", { class: "avatar", src: cfg.avatar, alt: "" });
    return h("span", { class: "avatar", "aria-hidden": "true", text: cfg.initial });
  }

  // addMessage appends a message row and returns its bubble.
  function addMessage(from, kind, ts) {
    const t = frameTime(ts);
    const bot = from === "bot";
    const bubble = h("div", { class: "bubble" });
    const row = h("div", { class: "msg " + (bot ? "from-bot" : "from-user"), "data-kind": kind },
      bot ? avatarNode() : null,
      h("div", { class: "stack" },
        h("div", { class: "meta" },
          h("span", { class: "sender", text: bot ? cfg.title : "You" }),
          h("time", { datetime: t.iso, text: t.label })),
        bubble));
    // A replayed message goes before what the user sent since the replay
    // was asked for (placeAt); anything else goes last.
    el.log.insertBefore(row, placeAt && placeAt.isConnected ? placeAt : null);
    if (!bot && ts === undefined && !replayDone) sentSinceOpen.push(row);
    return bubble;
  }

  // An option group is used once the user picks one of its labels, by
  // clicking or by typing it; a newer group replaces the older ones. Both
  // hold for a replayed conversation too, so it looks as it did.
  function closeGroup(g, chosen) {
    g.classList.add("used");
    for (const b of g.querySelectorAll("button")) {
      b.disabled = true;
      if (b.textContent === chosen) {
        b.classList.add("chosen");
        b.setAttribute("aria-pressed", "true");
      }
    }
  }
  function useOptions(text) {
    const t = String(text).trim().toLowerCase();
    for (const g of el.log.querySelectorAll(".options:not(.used)")) {
      const hit = [...g.querySelectorAll("button")].find((b) => b.textContent.trim().toLowerCase() === t);
      if (hit) closeGroup(g, hit.textContent);
    }
  }

  function renderOptions(bubble, message) {
    const obj = parseJSON(message);
    let labels = [];
    if (Array.isArray(obj)) labels = obj.map(String);
    else if (obj && typeof obj === "object") {
      labels = Object.keys(obj).sort((a, b) => Number(a) - Number(b)).map((k) => String(obj[k]));
    }
    for (const g of el.log.querySelectorAll(".options:not(.used)")) closeGroup(g, null);
    const group = h("div", { class: "options", role: "group", "aria-label": "Choices" });
    for (const label of labels) {
      const b = h("button", { type: "button", class: "option", text: label });
      b.addEventListener("click", () => {
        if (b.disabled) return;
        if (sendText(label)) el.input.focus();
      });
      group.append(b);
    }
    bubble.classList.add("plain");
    bubble.append(group);
  }

  // A dataframe is pandas' column-major to_json(): {column: {row: value}}.
  function renderTable(bubble, message) {
    const data = parseJSON(message);
    if (!data || typeof data !== "object") { bubble.textContent = String(message); return; }
    const cols = Object.keys(data);
    const rowKeys = [];
    const seen = new Set();
    for (const c of cols) {
      for (const r of Object.keys(data[c] || {})) if (!seen.has(r)) { seen.add(r); rowKeys.push(r); }
    }
    rowKeys.sort((a, b) => (isNaN(a) || isNaN(b) ? 0 : Number(a) - Number(b)));
    const thead = h("thead", null, h("tr", null, ...cols.map((c) => h("th", { scope: "col", text: c }))));
    const tbody = h("tbody", null, ...rowKeys.map((r) => h("tr", null, ...cols.map((c) => {
      const v = data[c] ? data[c][r] : null;
      return h("td", { class: typeof v === "number" ? "num" : null, text: v === null || v === undefined ? "" : v });
    }))));
    bubble.classList.add("wide");
    bubble.append(h("div", { class: "table-wrap", role: "region", "aria-label": "Table", tabindex: "0" },
      h("table", null, thead, tbody)));
  }

  let plotlyLoading = null;
  function loadPlotly() {
    if (window.Plotly) return Promise.resolve(window.Plotly);
    if (!plotlyLoading) {
      // Plotly is large, so it is loaded only when the first chart arrives.
      plotlyLoading = new Promise((resolve, reject) => {
        const s = document.createElement("script");
        s.src = "vendor/plotly/plotly.min.js";
        s.onload = () => resolve(window.Plotly);
        s.onerror = () => { plotlyLoading = null; reject(new Error("cannot load the chart library")); };
        document.head.append(s);
      });
    }
    return plotlyLoading;
  }

  const darkScheme = matchMedia("(prefers-color-scheme: dark)");

  // The colours the page gives a chart, for the current scheme, as Plotly
  // relayout keys. Only keys the figure leaves unset are used.
  function chartColours() {
    const dark = darkScheme.matches;
    const grid = dark ? "rgba(255,255,255,0.12)" : "rgba(15,23,42,0.10)";
    return {
      "font.color": dark ? "#e5e7eb" : "#1f2937",
      "xaxis.gridcolor": grid,
      "yaxis.gridcolor": grid,
      "xaxis.zerolinecolor": grid,
      "yaxis.zerolinecolor": grid,
    };
  }

  function isSet(layout, key) {
    let v = layout;
    for (const part of key.split(".")) {
      if (!v || typeof v !== "object" || !(part in v)) return false;
      v = v[part];
    }
    return true;
  }

  // Charts follow the system when it switches between light and dark.
  darkScheme.addEventListener("change", () => {
    if (!window.Plotly) return;
    const colours = chartColours();
    for (const div of el.log.querySelectorAll(".chart.js-plotly-plot")) {
      const owned = (div.dataset.themed || "").split(",").filter(Boolean);
      if (owned.length) Plotly.relayout(div, Object.fromEntries(owned.map((k) => [k, colours[k]])));
    }
  });

  function renderChart(bubble, message) {
    const fig = parseJSON(message);
    bubble.classList.add("wide");
    const div = h("div", { class: "chart", role: "img", "aria-label": (fig && fig.layout && titleOf(fig.layout)) || "Chart" });
    bubble.append(div);
    if (!fig || !Array.isArray(fig.data)) { div.textContent = "(a chart that could not be read)"; return; }
    const given = fig.layout || {};
    const layout = Object.assign({ autosize: true, margin: { t: 56, r: 16, b: 40, l: 48 } }, given);
    // Blend into the bubble unless the figure chose its own colours.
    if (!("paper_bgcolor" in layout)) layout.paper_bgcolor = "rgba(0,0,0,0)";
    if (!("plot_bgcolor" in layout)) layout.plot_bgcolor = "rgba(0,0,0,0)";
    layout.font = Object.assign({ family: "inherit" }, layout.font || {});
    const owned = [];
    for (const [key, value] of Object.entries(chartColours())) {
      if (isSet(given, key)) continue;
      owned.push(key);
      const [obj, prop] = key.split(".");
      layout[obj] = Object.assign({}, layout[obj], { [prop]: value });
    }
    div.dataset.themed = owned.join(",");
    loadPlotly()
      .then((Plotly) => Plotly.newPlot(div, fig.data, layout, {
        responsive: true,
        displaylogo: false,
        // Without a mouse Plotly would keep its toolbar over the title; a
        // double tap still resets the zoom.
        displayModeBar: matchMedia("(hover: hover)").matches ? "hover" : false,
      }))
      .then(() => {
        // Follow the bubble's width (a rotated phone, a resized window).
        if (window.ResizeObserver) {
          let last = div.clientWidth;
          const ro = new ResizeObserver(() => {
            if (!div.isConnected) { ro.disconnect(); return; }
            const w = div.clientWidth;
            if (w === 0 || w === last) return;
            last = w;
            Promise.resolve(Plotly.Plots.resize(div)).catch(() => {});
          });
          ro.observe(div);
        }
        scrollDown();
      })
      .catch((e) => { div.textContent = "(chart not shown: " + e.message + ")"; });
  }

  function titleOf(layout) {
    const t = layout.title;
    if (typeof t === "string") return t;
    if (t && typeof t.text === "string") return t.text;
    return "";
  }

  function renderImage(bubble, message) {
    const src = String(message).startsWith("data:") ? String(message) : "data:image/jpeg;base64," + message;
    const img = h("img", { class: "picture", src, alt: "Image from " + cfg.title });
    img.addEventListener("load", () => scrollDown());
    bubble.classList.add("media");
    bubble.append(img);
  }

  function renderFile(bubble, message) {
    const f = parseJSON(message) || {};
    const name = String(f.name || "file");
    let bytes;
    try { bytes = base64Bytes(f.base64); } catch { bubble.textContent = "(a file that could not be read: " + name + ")"; return; }
    const url = URL.createObjectURL(new Blob([bytes], { type: f.type || "application/octet-stream" }));
    const size = humanSize(bytes.length);
    const a = h("a", { class: "file", href: url, download: name, "aria-label": "Download " + name + ", " + size },
      h("span", { class: "file-icon", "aria-hidden": "true" }),
      h("span", { class: "file-text" },
        h("span", { class: "file-name", text: name }),
        h("span", { class: "file-size", text: size + (f.type ? " · " + f.type : "") })));
    bubble.classList.add("plain");
    // A sound (bbf sends audio as a file) gets a player above its link.
    if (/^audio\//.test(f.type || "")) bubble.append(audioPlayer(url, name));
    bubble.append(a);
  }

  function audioPlayer(url, name) {
    return h("audio", { class: "sound", controls: "", preload: "metadata", src: url, "aria-label": name ? "Sound: " + name : "Sound" });
  }

  // baf's agent_reply_audio carries raw samples as numpy holds them
  // ({audio_data_base64, metadata: {sample_rate, dtype, shape}}): they are
  // wrapped in a WAV header for the <audio> element. A 2-D shape is
  // [channels, frames], as Streamlit reads it.
  function renderAudio(bubble, message) {
    const m = parseJSON(message) || {};
    const meta = m.metadata || {};
    const kinds = { uint8: [1, 1], int16: [1, 2], int32: [1, 4], float32: [3, 4], float64: [3, 8] };
    const [format, size] = kinds[meta.dtype] || [];
    const shape = Array.isArray(meta.shape) ? meta.shape.map(Number) : [];
    const rate = Number(meta.sample_rate);
    let pcm;
    try { pcm = base64Bytes(m.audio_data_base64); } catch { pcm = null; }
    if (!format || !pcm || !(rate > 0) || shape.length < 1 || shape.length > 2) { bubble.textContent = "(a sound that could not be played)"; return; }
    const channels = shape.length === 2 ? shape[0] : 1;
    const frames = Math.floor(pcm.length / size / channels);
    const data = new Uint8Array(frames * channels * size);
    for (let c = 0; c < channels; c++) {
      for (let f = 0; f < frames; f++) {
        const from = (c * frames + f) * size, to = (f * channels + c) * size;
        for (let b = 0; b < size; b++) data[to + b] = pcm[from + b];
      }
    }
    const head = new DataView(new ArrayBuffer(44));
    const ascii = (at, s) => { for (let i = 0; i < s.length; i++) head.setUint8(at + i, s.charCodeAt(i)); };
    ascii(0, "RIFF"); head.setUint32(4, 36 + data.length, true); ascii(8, "WAVE");
    ascii(12, "fmt "); head.setUint32(16, 16, true); head.setUint16(20, format, true); head.setUint16(22, channels, true);
    head.setUint32(24, rate, true); head.setUint32(28, rate * channels * size, true); head.setUint16(32, channels * size, true);
    head.setUint16(34, size * 8, true); ascii(36, "data"); head.setUint32(40, data.length, true);
    const url = URL.createObjectURL(new Blob([head.buffer, data], { type: "audio/wav" }));
    bubble.classList.add("plain");
    bubble.append(audioPlayer(url, ""));
  }

  function renderLocation(bubble, message) {
    const loc = parseJSON(message) || {};
    const lat = Number(loc.latitude), lon = Number(loc.longitude);
    if (!isFinite(lat) || !isFinite(lon)) { bubble.textContent = "(a location that could not be read)"; return; }
    const coords = lat.toFixed(5).replace(/0+$/, "").replace(/\.$/, "") + ", " + lon.toFixed(5).replace(/0+$/, "").replace(/\.$/, "");
    const href = "https://www.openstreetmap.org/?mlat=" + lat + "&mlon=" + lon + "#map=15/" + lat + "/" + lon;
    bubble.classList.add("plain");
    bubble.append(h("div", { class: "location" },
      h("span", { class: "pin", "aria-hidden": "true" }),
      h("span", { class: "loc-text" },
        h("span", { class: "coords", text: coords }),
        h("a", { class: "map-link", href, target: "_blank", rel: "noopener noreferrer", text: "Open in a map" }))));
  }

  // renderAnswer draws an answer from documents: the answer, then the
  // passages it drew on, each with its source, folded.
  function renderAnswer(bubble, message) {
    const m = message && typeof message === "object" ? message : {};
    const html = markdown(String(m.answer ?? ""));
    const answer = h("div", { class: "answer" });
    if (html === null) answer.textContent = String(m.answer ?? "");
    else { answer.classList.add("rich"); answer.innerHTML = html; }
    bubble.classList.add("rich");
    bubble.append(answer);
    const docs = Array.isArray(m.docs) ? m.docs : [];
    if (docs.length === 0) return;
    const list = h("ol", { class: "sources" });
    for (const d of docs) {
      const meta = d && typeof d.metadata === "object" && d.metadata ? d.metadata : {};
      const where = [meta.source, meta.title].filter((x) => typeof x === "string" && x !== "").join(" › ");
      const details = h("details", {},
        h("summary", { text: where || "passage" }),
        h("p", { class: "passage", text: String(d && d.content ? d.content : "") }));
      // A passage unfolded at the foot of the conversation would open
      // below the fold: bring it into view.
      details.addEventListener("toggle", () => { if (details.open) details.scrollIntoView({ block: "nearest" }); });
      list.append(h("li", {}, details));
    }
    bubble.append(h("div", { class: "sources-head", text: m.llm_name ? "Sources" : "From the documents" }), list);
  }

  // Streams: the text of a language model's reply as it is written, shown
  // in a preview bubble per stream id until the turn's replies arrive
  // whole, which replace the previews.
  const previews = new Map();
  function streamDelta(message) {
    const m = message && typeof message === "object" ? message : {};
    const id = String(m.id ?? "");
    let p = previews.get(id);
    if (!p) {
      const bubble = addMessage("bot", "stream", undefined);
      bubble.classList.add("streaming");
      p = { bubble, text: "" };
      previews.set(id, p);
    }
    p.text += String(m.delta ?? "");
    p.bubble.textContent = p.text;
  }
  function dropPreviews() {
    for (const p of previews.values()) p.bubble.closest(".msg")?.remove();
    previews.clear();
  }

  // renderReply draws one bot reply of the given kind.
  function renderReply(kind, message, ts) {
    const bubble = addMessage("bot", kind, ts);
    try {
      switch (kind) {
        case "str":
          bubble.textContent = String(message);
          break;
        case "markdown": {
          const html = markdown(String(message));
          if (html === null) bubble.textContent = String(message);
          else { bubble.classList.add("rich"); bubble.innerHTML = html; }
          break;
        }
        case "html":
          bubble.classList.add("rich");
          bubble.innerHTML = sanitize(String(message));
          break;
        case "options": renderOptions(bubble, message); break;
        case "dataframe": renderTable(bubble, message); break;
        case "plotly": renderChart(bubble, message); break;
        case "image": renderImage(bubble, message); break;
        case "file": renderFile(bubble, message); break;
        case "audio": renderAudio(bubble, message); break;
        case "location": renderLocation(bubble, message); break;
        case "rag": renderAnswer(bubble, message); break;
        default:
          bubble.textContent = typeof message === "string" ? message : JSON.stringify(message);
      }
    } catch (e) {
      bubble.textContent = "(this message could not be shown)";
    }
  }

  function renderUser(message, ts) {
    let text = message;
    if (message && typeof message === "object") text = typeof message.message === "string" ? message.message : JSON.stringify(message);
    text = String(text ?? "");
    useOptions(text);
    addMessage("user", "text", ts).textContent = text;
  }

  function renderUserFile(file, ts) {
    const bubble = addMessage("user", "file", ts);
    bubble.classList.add("plain");
    bubble.append(h("div", { class: "file sent" },
      h("span", { class: "file-icon", "aria-hidden": "true" }),
      h("span", { class: "file-text" },
        h("span", { class: "file-name", text: file.name }),
        h("span", { class: "file-size", text: humanSize(file.size) }))));
  }

  function notice(text) {
    el.log.append(h("div", { class: "notice", text }));
    scrollDown(true);
  }

  // ---- Typing indicator -------------------------------------------------

  let typingTimer = 0;
  function typing(on) {
    clearTimeout(typingTimer);
    el.typing.hidden = !on;
    if (on) {
      // A turn may legitimately send nothing: do not wait forever.
      typingTimer = setTimeout(() => { el.typing.hidden = true; }, 15000);
      scrollDown(true);
    }
  }

  // ---- Connection -------------------------------------------------------

  let ws = null;
  let attempt = 0;
  let retryTimer = 0;
  // A connection's first history frame replaces what is on screen: the
  // replay covers everything the session holds, including replies that
  // arrived live on this connection before the replay (a new session's
  // greeting), so nothing is shown twice and nothing missed is lost.
  let replaying = false;
  // What the user sent after asking for the replay is not in it: those rows
  // survive the redraw, and the replay goes before them.
  let sentSinceOpen = [];
  let replayDone = true;
  let placeAt = null;

  function setState(state, text) {
    el.status.dataset.state = state;
    el.statusText.textContent = text;
    const open = state === "online";
    el.send.disabled = !open;
    el.attach.disabled = !open;
    el.reset.disabled = !open;
  }

  function wsURL() {
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    // echo=1: what this session's user types in another tab shows here too.
    // replay=all: the replay also covers what arrived live before it.
    // stream=1: a language model's reply shows as it is written.
    return proto + "//" + location.host + location.pathname + "?session_id=" + encodeURIComponent(session) + "&echo=1&replay=all&stream=1";
  }

  function frame(action, message) {
    const f = { action, message };
    if (cfg.dialect === "baf") { f.history = false; f.timestamp = null; }
    return JSON.stringify(f);
  }

  function transmit(action, message) {
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(frame(action, message));
    return true;
  }

  function connect() {
    clearTimeout(retryTimer);
    if (ws && (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING)) return;
    setState("connecting", attempt ? "Reconnecting…" : "Connecting…");
    let sock;
    try { sock = new WebSocket(wsURL()); } catch (e) { scheduleRetry(); return; }
    ws = sock;
    sock.addEventListener("open", () => {
      attempt = 0;
      replaying = true;
      replayDone = false;
      sentSinceOpen = [];
      setState("online", "Online");
      transmit("fetch_user_messages", null);
    });
    sock.addEventListener("message", (ev) => {
      let f;
      try { f = JSON.parse(ev.data); } catch { return; }
      if (f && typeof f.action === "string") onFrame(f);
    });
    sock.addEventListener("close", (ev) => {
      if (ws !== sock) return;
      ws = null;
      typing(false);
      // After a long silence the bot closes the connection (1000, "idle"):
      // it comes back when the user does, not on a timer.
      if (ev.code === 1000 && ev.reason === "idle") {
        setState("offline", "Paused after a long silence — it reconnects when you type");
        return;
      }
      scheduleRetry();
    });
  }

  // scheduleRetry reconnects with exponential backoff and jitter, from half
  // a second up to 15 seconds.
  function scheduleRetry() {
    const delay = Math.min(15000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt++;
    setState("offline", "Offline — reconnecting in " + Math.max(1, Math.round(delay / 1000)) + " s");
    retryTimer = setTimeout(connect, delay);
  }

  // Come back at once when the user starts typing after an idle close.
  el.input.addEventListener("focus", () => { if (!ws) { attempt = 0; connect(); } });
  el.input.addEventListener("keydown", () => { if (!ws) { attempt = 0; connect(); } });

  // Come back at once when the network or the tab does.
  window.addEventListener("online", () => { attempt = 0; connect(); });
  document.addEventListener("visibilitychange", () => { if (!document.hidden && !ws) { attempt = 0; connect(); } });

  function onFrame(f) {
    const history = f.history === true;
    if (history && replaying) {
      replaying = false;
      el.log.replaceChildren(...sentSinceOpen);
    }
    if (!history && !replaying) {
      // A live frame after the replay: the replay is complete.
      replayDone = true;
      sentSinceOpen = [];
    }
    placeAt = history && sentSinceOpen.length ? sentSinceOpen[0] : null;
    try {
      // User messages arrive replayed (history) or, live, as sent from
      // another tab of this session: the bot's answer follows.
      if (f.action === "user_message") {
        if (!history) dropPreviews();
        renderUser(f.message, f.timestamp);
        if (!history) { typing(true); scrollDown(true); }
        return;
      }
      if (f.action === "user_file") {
        // An upload: its name and size, not its bytes.
        const m = typeof f.message === "string" ? JSON.parse(f.message) : f.message;
        if (!history) dropPreviews();
        renderUserFile({ name: String(m.name ?? "file"), size: Number(m.size) || 0 }, f.timestamp);
        if (!history) { typing(true); scrollDown(true); }
        return;
      }
      if (!f.action.startsWith(replyPrefix)) return;
      const kind = f.action.slice(replyPrefix.length);
      if (kind === "stream") {
        if (!history) { typing(false); streamDelta(f.message); scrollDown(false); }
        return;
      }
      if (!history) typing(false);
      dropPreviews();
      renderReply(kind, f.message, f.timestamp);
      scrollDown(!history);
    } finally {
      placeAt = null;
    }
  }

  // ---- Input ------------------------------------------------------------

  function sendText(text) {
    if (!transmit("user_message", text)) return false;
    // A new turn: a preview no reply replaced (its body failed) goes.
    dropPreviews();
    renderUser(text);
    typing(true);
    scrollDown(true);
    return true;
  }

  function autosize() {
    el.input.style.height = "auto";
    const want = el.input.scrollHeight + 3; // plus the borders
    el.input.style.height = Math.min(want, 160) + "px";
    el.input.style.overflowY = want > 160 ? "auto" : "hidden";
  }

  el.form.addEventListener("submit", (e) => {
    e.preventDefault();
    const text = el.input.value.trim();
    if (!text) return;
    if (sendText(text)) {
      el.input.value = "";
      autosize();
    }
  });
  // Set between an Enter that sends and its key-up, so that no line break
  // from the same key press lands in the emptied box.
  let sentByEnter = false;
  el.input.addEventListener("keydown", (e) => {
    // Enter sends; Shift+Enter breaks the line; an IME composition keeps Enter.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      sentByEnter = true;
      el.form.requestSubmit();
    }
  });
  el.input.addEventListener("keyup", (e) => { if (e.key === "Enter") sentByEnter = false; });
  el.input.addEventListener("beforeinput", (e) => {
    if (sentByEnter && (e.inputType === "insertLineBreak" || e.inputType === "insertParagraph" || e.data === "\r" || e.data === "\n")) e.preventDefault();
  });
  el.input.addEventListener("input", autosize);

  // Files larger than this would exceed the server's default frame limit
  // once base64-encoded.
  const maxUpload = cfg.maxUpload;

  function upload(file) {
    if (!file) return;
    if (file.size > maxUpload) { notice(file.name + " is too large to send (" + humanSize(file.size) + "; the limit is " + humanSize(maxUpload) + ")."); return; }
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      const b64 = url.slice(url.indexOf(",") + 1);
      const payload = JSON.stringify({ name: file.name, type: file.type || "application/octet-stream", base64: b64 });
      if (transmit("user_file", payload)) {
        dropPreviews();
        renderUserFile(file);
        typing(true);
      } else {
        notice(file.name + " was not sent: the bot is offline.");
      }
    };
    reader.onerror = () => notice("Cannot read " + file.name + ".");
    reader.readAsDataURL(file);
  }

  el.attach.addEventListener("click", () => el.file.click());
  el.file.addEventListener("change", () => {
    for (const f of el.file.files) upload(f);
    el.file.value = "";
    el.input.focus();
  });
  // Files dropped anywhere on the page are uploaded too.
  document.addEventListener("dragover", (e) => { if (e.dataTransfer && [...e.dataTransfer.types].includes("Files")) { e.preventDefault(); body.classList.add("dropping"); } });
  document.addEventListener("dragleave", (e) => { if (!e.relatedTarget) body.classList.remove("dropping"); });
  document.addEventListener("drop", (e) => {
    body.classList.remove("dropping");
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    for (const f of e.dataTransfer.files) upload(f);
  });

  el.reset.addEventListener("click", () => {
    if (!transmit("reset", null)) return;
    // The bot starts over and sends its greeting again.
    el.log.replaceChildren();
    typing(true);
    el.input.focus();
  });

  autosize();
  connect();
})();
