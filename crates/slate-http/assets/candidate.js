// Slate's candidate pages: the deadline in the candidate's own time zone, the device check,
// the practice question, recording each answer with MediaRecorder and uploading it with the
// tus resumable-upload protocol (resuming after dropped connections). No dependencies.
"use strict";

(function () {
  // The deadline in the browser's own time zone (landing page).
  for (const el of document.querySelectorAll("time[data-local-time]")) {
    try {
      const when = new Date(el.getAttribute("datetime"));
      el.textContent = new Intl.DateTimeFormat(document.documentElement.lang, {
        dateStyle: "full", timeStyle: "long",
      }).format(when);
      el.parentElement.hidden = false;
    } catch (_) { /* the organization's zone is shown anyway */ }
  }

  const dataEl = document.getElementById("slate-data");
  if (!dataEl) return;
  const data = JSON.parse(dataEl.textContent);
  const msg = (key, args) => (data.msgs[key] || key).replace(/\{(\w+)\}/g, (_, n) => (args && n in args ? args[n] : ""));
  const $ = (id) => document.getElementById(id);
  const show = (id, on = true) => { $(id).hidden = !on; };
  const text = (id, key, args) => { $(id).textContent = msg(key, args); };
  const CHUNK = 2 * 1024 * 1024;
  const PRACTICE_SECONDS = 30;

  let stream = null;
  let current = data.questions.findIndex((q) => q.takes_used === 0);
  if (current < 0) current = data.questions.length;

  function fail(key) {
    const el = $("error");
    el.textContent = msg(key);
    el.hidden = false;
  }

  function clearError() { $("error").hidden = true; }

  function mimeType() {
    const types = ["video/webm;codecs=vp9,opus", "video/webm;codecs=vp8,opus", "video/webm", "video/mp4"];
    return types.find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || "";
  }

  // ---------------------------------------------------------------- device check
  function deviceCheck() {
    text("check-title", "page-js-check-title");
    text("check-text", "page-js-check-text");
    text("check-start", "page-js-check-start");
    text("level-label", "page-js-level");
    text("check-ok", "page-js-check-ok");
    $("check-continue").textContent = msg("page-js-practice-done");
    show("check");
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.MediaRecorder) {
      fail("page-js-unsupported");
      $("check-start").disabled = true;
      return;
    }
    $("check-start").addEventListener("click", async () => {
      clearError();
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 } }, audio: true });
      } catch (e) {
        fail(e && e.name === "NotAllowedError" ? "page-js-denied" : "page-js-no-device");
        return;
      }
      $("preview").srcObject = stream;
      meter(stream);
      show("check-ok");
      show("check-start", false);
      show("check-continue");
      $("check-continue").focus();
    });
    $("check-continue").addEventListener("click", () => { show("check", false); practice(); });
  }

  function meter(s) {
    try {
      const ctx = new (window.AudioContext || window.webkitAudioContext)();
      const analyser = ctx.createAnalyser();
      analyser.fftSize = 512;
      ctx.createMediaStreamSource(s).connect(analyser);
      const buf = new Uint8Array(analyser.fftSize);
      const tick = () => {
        analyser.getByteTimeDomainData(buf);
        let peak = 0;
        for (const v of buf) peak = Math.max(peak, Math.abs(v - 128) / 128);
        $("level").value = peak;
        requestAnimationFrame(tick);
      };
      tick();
    } catch (_) { /* the meter is a help, not a requirement */ }
  }

  // ---------------------------------------------------------------- practice
  function practice() {
    if (current >= data.questions.length) { finish(); return; }
    text("practice-title", "page-js-practice-title");
    text("practice-text", "page-js-practice-text");
    text("practice-start", "page-js-practice-start");
    text("practice-skip", "page-js-practice-skip");
    show("practice");
    $("practice-skip").addEventListener("click", () => { show("practice", false); question(); });
    $("practice-start").addEventListener("click", async () => {
      show("practice", false);
      await ask({ prompt: msg("page-js-practice-prompt"), thinking: 5, max: PRACTICE_SECONDS }, null, true);
      text("practice-start", "page-js-practice-again");
      text("practice-skip", "page-js-practice-done");
      show("question", false);
      show("practice");
    });
    $("practice-skip").focus();
  }

  // ---------------------------------------------------------------- questions
  function question() {
    if (current >= data.questions.length) { finish(); return; }
    const q = data.questions[current];
    ask(q, current, false);
  }

  function countdown(seconds, render, skipButton) {
    return new Promise((resolve) => {
      let left = seconds;
      const done = () => { clearInterval(timer); skipButton.hidden = true; resolve(); };
      const timer = setInterval(() => { left -= 1; render(left); if (left <= 0) done(); }, 1000);
      render(left);
      skipButton.hidden = false;
      skipButton.onclick = done;
      skipButton.focus();
      if (left <= 0) done();
    });
  }

  function record(max) {
    return new Promise((resolve) => {
      const type = mimeType();
      const recorder = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      const chunks = [];
      const started = performance.now();
      recorder.ondataavailable = (e) => { if (e.data && e.data.size) chunks.push(e.data); };
      recorder.onstop = () => {
        clearInterval(timer);
        $("stop").hidden = true;
        const ms = Math.max(1, Math.round(performance.now() - started));
        resolve({ blob: new Blob(chunks, { type: recorder.mimeType || type }), ms: Math.min(ms, max * 1000) });
      };
      const fmt = (s) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;
      const timer = setInterval(() => {
        const elapsed = (performance.now() - started) / 1000;
        text("timer", "page-js-recording", { elapsed: fmt(elapsed), max: fmt(max) });
        if (elapsed >= max && recorder.state === "recording") recorder.stop();
      }, 250);
      text("timer", "page-js-recording", { elapsed: fmt(0), max: fmt(max) });
      text("stop", "page-js-stop");
      $("stop").hidden = false;
      $("stop").onclick = () => { if (recorder.state === "recording") recorder.stop(); };
      recorder.start(1000);
      $("stop").focus();
    });
  }

  async function ask(q, index, isPractice) {
    clearError();
    show("question");
    for (const id of ["upload", "saved", "retake", "next"]) show(id, false);
    $("question-number").textContent = isPractice ? msg("page-js-practice-title")
      : msg("page-js-question", { n: index + 1, total: data.questions.length });
    $("prompt").textContent = q.prompt;
    $("camera").srcObject = stream;
    text("record-now", "page-js-record-now");
    await countdown(q.thinking, (left) => text("timer", "page-js-thinking", { seconds: Math.max(0, left) }), $("record-now"));
    const take = await record(q.max);
    $("timer").textContent = "";
    if (isPractice) return;
    await save(q, take);
  }

  async function save(q, take) {
    show("upload");
    text("upload-label", "page-js-uploading");
    $("upload-progress").value = 0;
    for (;;) {
      try {
        await upload(q, take.blob);
        const r = await fetch(`${data.base}/answers`, {
          method: "POST", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
          body: JSON.stringify({ question_id: q.id, duration_ms: take.ms }),
        });
        if (r.status === 410 || r.status === 404) { fail("page-js-closed"); return; }
        if (!r.ok) throw new Error(`answer ${r.status}`);
        break;
      } catch (e) {
        if (e && e.closed) { fail("page-js-closed"); return; }
        fail("page-js-upload-failed");
        text("upload-retry", "page-js-retry");
        show("upload-retry");
        await new Promise((resolve) => { $("upload-retry").onclick = resolve; });
        show("upload-retry", false);
        clearError();
      }
    }
    q.takes_used += 1;
    show("upload", false);
    text("saved", "page-js-saved");
    show("saved");
    const left = q.takes_allowed - q.takes_used;
    if (left > 0) {
      text("retake", "page-js-retake", { left });
      show("retake");
      $("retake").onclick = () => ask(q, current, false);
    }
    const last = current + 1 >= data.questions.length;
    text("next", last ? "page-js-finish" : "page-js-next");
    show("next");
    $("next").onclick = () => { current += 1; show("question", false); question(); };
    $("next").focus();
  }

  // ---------------------------------------------------------------- tus upload
  async function tus(method, url, headers, body) {
    return fetch(url, { method, credentials: "same-origin", headers: { "Tus-Resumable": "1.0.0", ...headers }, body });
  }

  function patch(url, offset, chunk, headers, progress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PATCH", url);
      xhr.setRequestHeader("Tus-Resumable", "1.0.0");
      xhr.setRequestHeader("Upload-Offset", String(offset));
      xhr.setRequestHeader("Content-Type", "application/offset+octet-stream");
      for (const [k, v] of Object.entries(headers)) xhr.setRequestHeader(k, v);
      xhr.upload.onprogress = (e) => progress(e.loaded);
      xhr.onload = () => resolve(xhr);
      xhr.onerror = () => reject(new Error("network"));
      xhr.ontimeout = () => reject(new Error("timeout"));
      xhr.send(chunk);
    });
  }

  async function checksum(chunk) {
    if (!window.crypto || !crypto.subtle) return {};
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", await chunk.arrayBuffer()));
    let bin = "";
    for (const b of digest) bin += String.fromCharCode(b);
    return { "Upload-Checksum": `sha256 ${btoa(bin)}` };
  }

  async function upload(q, blob) {
    const created = await tus("POST", `${data.base}/uploads`, {
      "Upload-Length": String(blob.size), "Upload-Metadata": `question ${btoa(q.id)}`,
    });
    if (created.status === 410 || created.status === 404) { const e = new Error("closed"); e.closed = true; throw e; }
    if (created.status !== 201) throw new Error(`create ${created.status}`);
    const url = created.headers.get("Location");
    let offset = 0;
    let failures = 0;
    while (offset < blob.size) {
      const chunk = blob.slice(offset, offset + CHUNK);
      let xhr = null;
      try {
        xhr = await patch(url, offset, chunk, await checksum(chunk), (loaded) => {
          $("upload-progress").value = (offset + loaded) / blob.size;
        });
      } catch (_) { xhr = null; }
      if (xhr && xhr.status === 204) {
        offset = Number(xhr.getResponseHeader("Upload-Offset"));
        $("upload-progress").value = offset / blob.size;
        failures = 0;
        continue;
      }
      if (xhr && (xhr.status === 410 || xhr.status === 404)) { const e = new Error("closed"); e.closed = true; throw e; }
      if (xhr && xhr.status >= 400 && xhr.status < 500 && ![409, 460].includes(xhr.status)) throw new Error(`patch ${xhr.status}`);
      // Dropped, refused offset or damaged chunk: ask where to resume, after a pause.
      failures += 1;
      if (failures > 8) throw new Error("too many failures");
      text("upload-label", "page-js-retrying");
      await new Promise((r) => setTimeout(r, Math.min(30000, 500 * 2 ** failures)));
      try {
        const head = await tus("HEAD", url, {});
        if (head.ok) offset = Number(head.headers.get("Upload-Offset"));
      } catch (_) { /* try again */ }
      text("upload-label", "page-js-uploading");
    }
  }

  function finish() {
    for (const id of ["check", "practice", "question"]) show(id, false);
    show("finish");
    $("submit").focus();
  }

  if (current >= data.questions.length) finish(); else deviceCheck();
})();
