// Slate's recruiter screens: small enhancements on pages that work without this script.
"use strict";
(function () {
  const $ = (sel, root) => (root || document).querySelector(sel);
  const $$ = (sel, root) => Array.from((root || document).querySelectorAll(sel));

  // A refused form: bring the summary into view and focus.
  const summary = $("#error-summary");
  if (summary) summary.focus();

  // Selects that apply at once.
  $$("select[data-autosubmit]").forEach((s) => s.addEventListener("change", () => s.form.submit()));

  // Confirmations before irreversible actions.
  $$("form[data-confirm]").forEach((f) =>
    f.addEventListener("submit", (e) => {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    })
  );

  // Copy a candidate's link.
  $$("[data-copy]").forEach((b) => {
    b.hidden = false;
    b.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(b.dataset.copy);
        const label = b.firstChild.textContent;
        b.firstChild.textContent = "Copied";
        setTimeout(() => (b.firstChild.textContent = label), 1500);
      } catch (_) {
        window.prompt("Copy the link:", b.dataset.copy);
      }
    });
  });

  // The invitation form: internal or external candidate.
  const modes = $$("input[data-mode]");
  const showMode = () => {
    const mode = (modes.find((m) => m.checked) || {}).value || "internal";
    $$("[data-for-mode]").forEach((el) => (el.hidden = el.dataset.forMode !== mode));
  };
  modes.forEach((m) => m.addEventListener("change", showMode));

  // Type-ahead on internal candidates' first or last name.
  const query = $("#candidate_query");
  const list = $("#candidate-suggestions");
  if (query && list) {
    const find = $("#find-candidate");
    if (find) find.hidden = true;
    let items = [];
    let active = -1;
    let timer = null;
    const close = () => {
      list.hidden = true;
      query.setAttribute("aria-expanded", "false");
      query.removeAttribute("aria-activedescendant");
      active = -1;
    };
    const choose = (s) => {
      $("#candidate_id").value = s.id;
      query.value = s.name;
      const email = $("#email");
      if (email && s.email) email.value = s.email;
      close();
    };
    const render = () => {
      list.textContent = "";
      items.forEach((s, i) => {
        const li = document.createElement("li");
        li.id = "suggestion-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = s.name;
        if (s.email) {
          const e = document.createElement("span");
          e.className = "email";
          e.textContent = s.email;
          li.appendChild(e);
        }
        li.addEventListener("mousedown", (ev) => {
          ev.preventDefault();
          choose(s);
        });
        list.appendChild(li);
      });
      if (items.length === 0) {
        const li = document.createElement("li");
        li.setAttribute("role", "option");
        li.setAttribute("aria-disabled", "true");
        li.textContent = "No internal candidate found";
        list.appendChild(li);
      }
      list.hidden = false;
      query.setAttribute("aria-expanded", "true");
      if (active >= 0) query.setAttribute("aria-activedescendant", "suggestion-" + active);
    };
    query.addEventListener("input", () => {
      $("#candidate_id").value = "";
      clearTimeout(timer);
      const q = query.value.trim();
      if (q.length < 1) return close();
      timer = setTimeout(async () => {
        const res = await fetch("/candidates/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" });
        if (!res.ok) return;
        items = await res.json();
        active = items.length ? 0 : -1;
        render();
      }, 150);
    });
    query.addEventListener("keydown", (e) => {
      if (list.hidden) return;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (!items.length) return;
        active = (active + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        render();
      } else if (e.key === "Enter" && active >= 0 && items[active]) {
        e.preventDefault();
        choose(items[active]);
      } else if (e.key === "Escape") {
        close();
      }
    });
    query.addEventListener("blur", () => setTimeout(close, 150));
  }

  // The chosen interview's details.
  const interview = $("#interview_id");
  const details = $("#interview-details");
  if (interview && details) {
    interview.addEventListener("change", () => {
      const o = interview.selectedOptions[0];
      if (!o || !o.value) return (details.textContent = "");
      details.textContent = o.dataset.questions + " question(s), about " + o.dataset.minutes + " min" + (o.dataset.job ? ", job: " + o.dataset.job : "");
    });
  }

  // The deadline's closing moment, decided by the server (time zones and DST included).
  const deadline = $("#deadline");
  const closing = $("#deadline-closing");
  if (deadline && closing) {
    const update = async () => {
      if (!deadline.value) return (closing.textContent = "");
      const res = await fetch("/invitations/closing?date=" + encodeURIComponent(deadline.value), { credentials: "same-origin" });
      if (!res.ok) return;
      const body = await res.json();
      closing.textContent = body.error || body.text;
    };
    deadline.addEventListener("change", update);
    if (!closing.textContent) update();
  }

  // Bulk invite: send the rows in batches, with progress and a report as it goes.
  const bulk = $("form[data-bulk]");
  if (bulk) {
    bulk.addEventListener("submit", async (e) => {
      e.preventDefault();
      const go = $("#bulk-go");
      go.disabled = true;
      const box = $("#bulk-progress");
      box.hidden = false;
      const bar = $("#bulk-bar");
      const count = $("#bulk-count");
      const results = $("#bulk-results");
      let offset = 0;
      let total = Number(bar.max) || 0;
      const labels = { invited: "Invited", duplicate: "Already invited", failed: "Not sent" };
      while (offset < total) {
        const data = new URLSearchParams(new FormData(bulk));
        data.set("offset", String(offset));
        data.set("count", "10");
        let body;
        try {
          const res = await fetch(bulk.action, { method: "POST", body: data, credentials: "same-origin" });
          if (!res.ok) throw new Error("HTTP " + res.status);
          body = await res.json();
        } catch (err) {
          count.textContent = "Stopped: " + err.message + ". The rows above were processed; send the file again to continue (no one is invited twice).";
          go.disabled = false;
          return;
        }
        body.outcomes.forEach((o) => {
          const tr = document.createElement("tr");
          tr.dataset.result = o.result;
          [o.line, o.name, o.email, (labels[o.result] || o.result) + (o.result === "invited" ? "" : ": " + o.message)].forEach((v) => {
            const td = document.createElement("td");
            td.textContent = String(v);
            tr.appendChild(td);
          });
          results.appendChild(tr);
        });
        total = body.total;
        offset = body.done;
        bar.value = offset;
        count.textContent = offset + " of " + total;
        if (!body.outcomes.length) break;
      }
      count.textContent = "Done: " + offset + " of " + total + " row(s) processed.";
      $("#bulk-done").hidden = false;
    });
  }
})();
