// Live lanes board: draws every lane card from one state object per lane, fed first by the
// JSON the server embedded (database + what the gateway's broker link heard) and then by
// server-sent events. One drawing function for both paths, so a reload shows the same board.
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("i18n").textContent);
  const lang = document.body.dataset.lang || "vi";
  const lanes = JSON.parse(document.getElementById("board-data").textContent);
  const state = {};
  const board = document.getElementById("board");
  const livePill = document.getElementById("live");

  function newer(a, b, key) {
    if (!a) return b; if (!b) return a;
    return (a[key] || "") >= (b[key] || "") ? a : b;
  }
  function el(tag, attrs, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function fmtTime(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return isNaN(d) ? iso : d.toLocaleTimeString(lang === "en" ? "en-GB" : "vi-VN");
  }
  function placeholder() { return el("span", {class: "noimg"}, T.no_image); }

  for (const lane of lanes) {
    const db = lane.db || {}, live = lane.live || {};
    const read = db.read ? {plate: db.read.plate, crop_sha256: db.read.crop_sha256,
                            at: db.read.captured_at, confidence: db.read.confidence} : null;
    const dec = newer(db.decision, live.decision, "decided_at");
    let barrier = db.barrier ? {state: db.barrier.state, at: db.barrier.at} : null;
    if (live.barrier) barrier = newer(barrier, {state: live.barrier.state, at: live.barrier.at}, "at");
    if (live.status && live.status.barrier) barrier = barrier || {state: live.status.barrier, at: live.status.at};
    state[lane.lane_id] = {lane, status: live.status || null, barrier, read, decision: dec,
                           command: newer(db.command, live.command, "issued_at")};
  }

  function draw(id) {
    const s = state[id], lane = s.lane;
    let card = document.getElementById("lane-" + id);
    if (!card) {
      card = el("article", {id: "lane-" + id, class: "card lane", "data-lane": id});
      board.appendChild(card);
    }
    card.replaceChildren();
    const head = el("header");
    head.append(el("b", {class: "lane-id"}, id),
      el("span", {class: "tag dir"}, T[lane.direction] || lane.direction),
      el("span", {class: "tag mode"}, T[lane.mode] || lane.mode));
    const st = s.status ? s.status.state : "unknown";
    head.append(el("span", {class: "sp"}),
                el("span", {class: "status " + st, "data-status": st}, T[st] || st));
    card.append(head, el("div", {class: "gate"}, lang === "en" ? lane.gate_en : lane.gate_vi));

    const bstate = s.barrier ? s.barrier.state : "unknown";
    const b = el("div", {class: "barrier", "data-barrier": bstate});
    b.append(el("span", {}, T.barrier + ": "), el("b", {class: "b-" + bstate}, T[bstate] || bstate));
    card.append(b);
    if (s.status && s.status.centre === "lost") {  // offline clearance (docs/offline.md)
      const n = s.status.waiting || 0;
      const off = el("div", {class: "offline-mode", "data-centre": "lost"});
      off.append(el("b", {}, T.centre_lost),
                 el("div", {class: "waiting", "data-waiting": String(n)}, T.waiting_officer + ": " + n));
      card.append(off);
    }

    const d = s.decision, r = s.read;
    const plate = (d && d.plate) || (r && r.plate) || null;
    const crop = (d && d.crop_sha256) || (r && r.crop_sha256) || null;
    const body = el("div", {class: "read"});
    const pic = el("div", {class: "crop"});
    if (crop) {
      const img = el("img", {src: lane.evidence + "/evidence/" + crop + ".jpg", alt: plate || ""});
      img.onerror = () => img.replaceWith(placeholder());
      pic.append(img);
    } else pic.append(placeholder());
    const facts = el("div", {class: "facts"});
    facts.append(el("div", {class: "lbl"}, T.last_read),
                 el("div", {class: "plate", "data-plate": plate || ""}, plate || T.no_read));
    if (d) {
      const o = el("div", {class: "outcome " + d.outcome, "data-outcome": d.outcome},
                   T["outcome_" + d.outcome] || d.outcome);
      facts.append(o, el("time", {datetime: d.decided_at || ""}, fmtTime(d.decided_at)));
      const trip = el("div", {class: "trip"});
      if (d.trip_id) {
        trip.append(T.trip + ": ", el("a", {href: "/console/trips/" + d.trip_id},
                                       d.trip_reference || d.trip_id.slice(0, 8)));
      } else trip.textContent = T.no_trip;
      facts.append(trip);
      const ul = el("ul", {class: "reasons"});
      for (const rs of d.reasons || []) ul.append(el("li", {"data-code": rs.code}, rs[lang] || rs.code));
      facts.append(ul);
    }
    body.append(pic, facts);
    card.append(body);
    card.classList.remove("flash"); void card.offsetWidth; card.classList.add("flash");
  }

  for (const id of Object.keys(state)) draw(id);

  function apply(ev) {
    const s = state[ev.lane_id];
    if (!s) return;
    const data = ev.data;
    if (ev.kind === "status") {
      s.status = data;
      if (data.barrier && (!s.barrier || (data.at || "") >= (s.barrier.at || ""))) s.barrier = {state: data.barrier, at: data.at};
    } else if (ev.kind === "barrier") {
      s.barrier = {state: data.state, at: data.at};
    } else if (ev.kind === "decision") {
      s.decision = data;
    } else if (ev.kind === "command") {
      s.command = data;
    }
    draw(ev.lane_id);
  }

  function setLive(on) {
    livePill.textContent = on ? T.live_on : T.live_off;
    livePill.className = "pill " + (on ? "on" : "off");
    livePill.dataset.live = on ? "yes" : "no";
  }
  let source = null;
  function connect() {
    source = new EventSource("/console/events");
    source.addEventListener("hello", (e) => setLive(JSON.parse(e.data).live));
    source.addEventListener("hub", (e) => setLive(JSON.parse(e.data).live));
    source.addEventListener("lane", (e) => { setLive(true); apply(JSON.parse(e.data)); });
    source.addEventListener("reconnect", () => { source.close(); location.reload(); });
    source.onerror = () => setLive(false);
  }
  connect();
})();
