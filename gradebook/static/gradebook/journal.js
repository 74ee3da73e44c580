/* The journal's keyboard entry: the lesson page (one input per cell, saved on change,
   Enter moves down) and the grid (a roving cell cursor; typing opens an editor in the
   cell; Enter saves and moves down, Tab right, Escape cancels). Both save through the
   cell endpoint, which answers JSON: 400 with the message, 409 with the current value on
   an edit conflict (the teacher keeps theirs or overwrites). No build step, no library. */
(function () {
  "use strict";

  const texts = (() => {
    const node = document.getElementById("jr-i18n");
    try { return node ? JSON.parse(node.textContent) : {}; } catch (e) { return {}; }
  })();
  const csrf = () => {
    const input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    try { return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  };

  async function post(url, fields) {
    const body = new URLSearchParams();
    Object.entries(fields).forEach(([k, v]) => { if (v !== undefined && v !== null) body.append(k, v); });
    let response;
    try {
      response = await fetch(url, { method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), "Accept": "application/json" } });
    } catch (e) {
      return { ok: false, message: texts.failed || "Network error" };
    }
    let data = {};
    try { data = await response.json(); } catch (e) { data = { ok: false, message: texts.failed || "Error" }; }
    data.status = response.status;
    return data;
  }

  async function historyDialog(baseUrl, kind, id) {
    const dialog = document.getElementById("history-dialog");
    if (!dialog || !id) return;
    const url = baseUrl.replace("KIND", kind).replace(/\/0\/$/, "/" + id + "/") + "?partial=1";
    const response = await fetch(url, { credentials: "same-origin" });
    dialog.querySelector(".jr-dialog-body").innerHTML = response.ok ? await response.text() : "—";
    if (dialog.showModal) dialog.showModal(); else dialog.setAttribute("open", "");
  }

  /* A conflict offers two buttons: keep the other person's value, or write ours over it. */
  function conflictButtons(place, data, keep, overwrite) {
    const box = document.createElement("span");
    box.className = "jr-conflict";
    box.append(document.createTextNode(data.message + " "));
    const keepButton = document.createElement("button");
    keepButton.type = "button"; keepButton.className = "link-button"; keepButton.textContent = texts.keep || "Keep theirs";
    const overButton = document.createElement("button");
    overButton.type = "button"; overButton.className = "link-button"; overButton.textContent = texts.overwrite || "Overwrite";
    keepButton.addEventListener("click", () => { box.remove(); keep(); });
    overButton.addEventListener("click", () => { box.remove(); overwrite(); });
    box.append(keepButton, document.createTextNode(" · "), overButton);
    place.replaceChildren(box);
    keepButton.focus();
  }

  /* ---------------- the lesson page ---------------- */
  function lessonPage(form) {
    const url = form.dataset.cellUrl;
    const reasonInput = form.querySelector("#reason");
    const status = (el) => document.getElementById(el.getAttribute("aria-describedby"));

    function show(el, data) {
      const place = status(el);
      if (!place) return;
      place.classList.toggle("jr-error", !data.ok);
      el.toggleAttribute("aria-invalid", !data.ok);
      el.classList.toggle("jr-invalid", !data.ok);
      place.textContent = data.ok ? "✓" : data.message;
      if (data.ok) place.title = texts.saved || "";
    }

    async function save(el, overrideVersion) {
      const isAttendance = el.dataset.kind === "attendance";
      const fields = { kind: isAttendance ? "attendance" : "mark", student: el.dataset.student,
        lesson: form.dataset.lesson, reason: reasonInput ? reasonInput.value : "" };
      const version = overrideVersion !== undefined ? overrideVersion : el.dataset.version;
      if (isAttendance) {
        fields.code = el.value; fields.version = version;
      } else {
        fields.raw = el.value.trim();
        if (el.dataset.work) fields.work = el.dataset.work; else fields["class"] = el.dataset.class;
        if (el.dataset.position === "new") { fields.position = "new"; if (!fields.raw) return; }
        else fields.version = version;
      }
      // What is being saved counts as saved, so the change event that follows Enter (focus
      // moves on) does not send the same cell twice; a refusal puts the old value back.
      const previous = el.dataset.saved;
      el.dataset.saved = el.value;
      el.dataset.saving = "1";
      const data = await post(url, fields);
      delete el.dataset.saving;
      if (!data.ok) el.dataset.saved = previous;
      if (data.ok) {
        const key = isAttendance ? "" : el.dataset.col;
        if (isAttendance) {
          el.dataset.version = data.version;
          setHidden("ao-" + el.dataset.student, el.value);
          setHidden("av-" + el.dataset.student, data.version);
        } else if (el.dataset.position === "new") {
          const list = el.parentElement.querySelector(".jr-several");
          if (list) list.textContent = data.text + " ";
          el.value = "";
        } else {
          el.dataset.version = data.version;
          el.value = data.raw;
          if (data.work && !el.dataset.work) {
            // The default work now exists: the rest of the column writes to it.
            form.querySelectorAll('[data-col="' + key + '"][data-kind=mark]').forEach((i) => { i.dataset.work = data.work; });
          }
          setHidden("o-" + el.dataset.student + "-" + key, data.raw);
          setHidden("v-" + el.dataset.student + "-" + key, data.version);
        }
        el.dataset.saved = el.value;
        show(el, data);
      } else if (data.status === 409 && data.current) {
        const place = status(el);
        conflictButtons(place, data, () => {
          el.value = data.current.raw || "";
          el.dataset.version = data.current.version || "";
          el.dataset.saved = el.value;
          place.textContent = "";
        }, () => save(el, data.current.version || ""));
      } else {
        show(el, data);
      }
    }

    function setHidden(name, value) {
      const input = form.querySelector('input[type=hidden][name="' + name + '"]');
      if (input) input.value = value === undefined || value === null ? "" : value;
    }

    const inputs = Array.from(form.querySelectorAll("[data-kind]"));
    inputs.forEach((el) => {
      el.dataset.saved = el.value;
      el.addEventListener("change", () => { if (el.value !== el.dataset.saved) save(el); });
      if (el.tagName === "INPUT") {
        el.addEventListener("keydown", (event) => {
          if (event.key !== "Enter") return;
          event.preventDefault();
          if (el.value !== el.dataset.saved) save(el);
          // Enter goes down the column, to the next student (as teachers fill a lesson).
          const row = el.closest("tr");
          let next = row && row.nextElementSibling;
          while (next) {
            const target = next.querySelector('[data-col="' + el.dataset.col + '"][data-kind=mark]');
            if (target) { target.focus(); target.select(); return; }
            next = next.nextElementSibling;
          }
        });
      }
    });
    const insert = form.querySelector("[data-insert-template]");
    if (insert) {
      insert.addEventListener("click", (event) => {
        event.preventDefault();
        const select = form.querySelector("#template-select");
        const area = form.querySelector("#description");
        const option = select.options[select.selectedIndex];
        if (option) { area.value = (area.value.replace(/\s+$/, "") + "\n" + option.dataset.text).trim(); area.focus(); }
      });
    }
  }

  /* ---------------- the grid ---------------- */
  function grid(wrap) {
    const table = wrap.querySelector("table");
    if (!table || !table.tBodies[0] || !table.tBodies[0].rows.length) return;
    const body = table.tBodies[0];
    const heads = Array.from(table.tHead.rows[1].cells);
    const codes = (wrap.dataset.codes || "").split("|").filter(Boolean).map((c) => c.toLowerCase());
    const message = document.getElementById("jr-msg");
    const modeButton = document.querySelector("[data-mode-toggle]");
    const historyButton = document.querySelector("[data-history-button]");
    let attendanceMode = false;
    let active = null;
    let editor = null;

    const firstOfLesson = {};
    heads.forEach((th, i) => { if (th.dataset.l && !(th.dataset.l in firstOfLesson)) firstOfLesson[th.dataset.l] = i; });
    const columnOf = (td) => (td.dataset.k ? null : heads[td.cellIndex - 1]);
    const writable = (td) => {
      if (td.classList.contains("na")) return false;
      if (td.dataset.k) return wrap.dataset.pmWritable === "1";
      const head = columnOf(td);
      return !!(head && head.dataset.x === "1");
    };
    const editable = (td) => td && td.tagName === "TD" && !td.classList.contains("jr-avg") && !td.classList.contains("jr-prop");

    function say(text, bad) {
      message.textContent = text || "";
      message.classList.toggle("jr-error", !!bad);
    }

    function focusCell(td) {
      if (!editable(td)) return;
      if (active) active.tabIndex = -1;
      active = td;
      td.tabIndex = 0;
      td.focus();
    }

    function move(td, dRow, dCol) {
      let r = td.parentElement.sectionRowIndex;
      let c = td.cellIndex;
      for (;;) {
        r += dRow; c += dCol;
        const row = body.rows[r];
        if (!row) return td;
        const cell = row.cells[c];
        if (!cell || cell.tagName !== "TD") return td;
        if (editable(cell)) return cell;
      }
    }

    function marksText(td) {
      return Array.from(td.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent).join("").trim();
    }
    function setMarks(td, text) {
      Array.from(td.childNodes).filter((n) => n.nodeType === 3).forEach((n) => n.remove());
      td.append(document.createTextNode(text || ""));
    }
    function attendanceCell(td) {
      const head = columnOf(td);
      if (!head || !head.dataset.l) return null;
      return td.parentElement.cells[firstOfLesson[head.dataset.l] + 1];
    }
    function setCode(cell, code) {
      let b = cell.querySelector("b.jr-a");
      if (!code) { if (b) b.remove(); return; }
      if (!b) { b = document.createElement("b"); b.className = "jr-a"; cell.prepend(b); }
      b.textContent = code;
    }

    function openEditor(td, initial) {
      if (!writable(td)) { say(td.classList.contains("na") ? "" : (texts.readonly || ""), false); return; }
      closeEditor(false);
      const head = columnOf(td);
      const several = head && head.dataset.n === "1";
      editor = document.createElement("input");
      editor.className = "jr-editor";
      editor.autocomplete = "off";
      editor.setAttribute("aria-label", (td.parentElement.cells[0].textContent || "") + " — " + (head ? head.title : ""));
      // The cell's value before any typing: a key typed to open the editor is a change.
      const current = several ? "" : (attendanceMode ? (td.querySelector("b.jr-a") || {}).textContent || "" : marksText(td));
      editor.value = initial !== undefined ? initial : current;
      editor.dataset.original = current;
      td.classList.add("jr-editing");
      td.append(editor);
      editor.focus();
      if (initial === undefined) editor.select();
      else editor.setSelectionRange(editor.value.length, editor.value.length);
      editor.addEventListener("keydown", (event) => {
        const moves = { Enter: [1, 0], ArrowDown: [1, 0], ArrowUp: [-1, 0], Tab: [0, event.shiftKey ? -1 : 1] };
        if (event.key === "Escape") { event.preventDefault(); closeEditor(false); focusCell(td); return; }
        if (moves[event.key]) {
          event.preventDefault();
          const [dr, dc] = moves[event.key];
          commit(td);
          focusCell(move(td, dr, dc));
        }
      });
      editor.addEventListener("blur", () => { if (editor && editor.parentElement === td) commit(td); });
    }

    function closeEditor() {
      if (!editor) return;
      // Forget the editor before removing it: removing a focused input fires its blur
      // handler, which would otherwise commit and remove it a second time (and throw).
      const closing = editor;
      editor = null;
      const td = closing.parentElement;
      if (td) td.classList.remove("jr-editing");
      if (closing.isConnected) closing.remove();
    }

    function commit(td) {
      if (!editor) return;
      const value = editor.value.trim();
      const changed = value !== editor.dataset.original;
      closeEditor();
      if (changed) save(td, value);
    }

    function isCode(value) {
      return codes.includes(value.toLowerCase());
    }

    async function save(td, value, overrideVersion, reason) {
      const tr = td.parentElement;
      const fields = { student: tr.dataset.s, reason: reason || "" };
      const head = columnOf(td);
      let kind = "mark";
      if (td.dataset.k) {
        kind = "period";
        Object.assign(fields, { kind, pkind: td.dataset.k, "class": wrap.dataset.class, subject: wrap.dataset.subject,
          raw: value, version: overrideVersion !== undefined ? overrideVersion : td.dataset.v });
        if (td.dataset.k === "period") fields.period = wrap.dataset.period;
      } else if (head.dataset.l && (attendanceMode || (value && isCode(value)))) {
        kind = "attendance";
        const cell = attendanceCell(td);
        Object.assign(fields, { kind, lesson: head.dataset.l, code: value,
          version: overrideVersion !== undefined ? overrideVersion : cell.dataset.av });
      } else {
        Object.assign(fields, { kind, raw: value });
        if (head.dataset.w) fields.work = head.dataset.w; else { fields.lesson = head.dataset.l; fields["class"] = wrap.dataset.class; }
        if (head.dataset.n === "1" && value) { fields.position = "new"; }
        else { fields.position = td.dataset.p || 0; fields.version = overrideVersion !== undefined ? overrideVersion : td.dataset.v; }
      }
      td.classList.add("jr-saving");
      const data = await post(wrap.dataset.cellUrl, fields);
      td.classList.remove("jr-saving");
      td.classList.toggle("jr-bad", !data.ok);
      if (data.ok) {
        td.removeAttribute("title");
        if (kind === "attendance") {
          const cell = attendanceCell(td);
          setCode(cell, data.text);
          if (data.version) { cell.dataset.av = data.version; cell.dataset.a = data.id; } else { delete cell.dataset.av; }
        } else {
          setMarks(td, data.text);
          if (data.version) { td.dataset.v = data.version; td.dataset.m = data.id; td.dataset.p = data.position; }
          else { delete td.dataset.v; delete td.dataset.p; }
          if (kind === "mark") {
            if (data.work && !head.dataset.w) head.dataset.w = data.work;
            tr.querySelector(".jr-avg").textContent = data.average || "";
            tr.querySelector(".jr-prop").textContent = data.proposed || "";
          }
        }
        say(texts.saved || "", false);
      } else if (data.status === 409 && data.current) {
        conflictButtons(message, data, () => {
          if (kind === "attendance") {
            const cell = attendanceCell(td);
            setCode(cell, data.current.raw);
            cell.dataset.av = data.current.version || "";
          } else {
            setMarks(td, data.current.raw);
            td.dataset.v = data.current.version || "";
          }
          td.classList.remove("jr-bad");
          say("", false);
          focusCell(td);
        }, () => { save(td, value, data.current.version || "", reason); focusCell(td); });
      } else if (data.code === "reason_required" && !reason) {
        const given = window.prompt(data.message);
        if (given) save(td, value, overrideVersion, given); else say(data.message, true);
      } else {
        td.title = data.message || "";
        say(data.message, true);
      }
    }

    body.addEventListener("click", (event) => {
      const td = event.target.closest("td");
      if (td && td !== (editor && editor.parentElement)) focusCell(td);
    });
    body.addEventListener("dblclick", (event) => {
      const td = event.target.closest("td");
      if (td && editable(td)) openEditor(td);
    });
    body.addEventListener("keydown", (event) => {
      if (editor || !active || event.target !== active) return;
      const arrows = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
        Tab: [0, event.shiftKey ? -1 : 1] };
      if (arrows[event.key]) {
        const next = move(active, ...arrows[event.key]);
        if (event.key === "Tab" && next === active) return; // leave the grid
        event.preventDefault();
        focusCell(next);
      } else if (event.key === "Enter" || event.key === "F2") {
        event.preventDefault();
        openEditor(active);
      } else if (event.key === "Delete" || event.key === "Backspace") {
        event.preventDefault();
        if (!writable(active)) return;
        const hasMark = marksText(active) !== "";
        if (attendanceMode || (!hasMark && active.querySelector("b.jr-a"))) save(active, "");
        else if (hasMark) save(active, "", undefined);
      } else if (event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        event.preventDefault();
        openEditor(active, event.key);
      }
    });

    if (modeButton) {
      modeButton.hidden = false;
      modeButton.addEventListener("click", () => {
        attendanceMode = !attendanceMode;
        modeButton.setAttribute("aria-pressed", String(attendanceMode));
        wrap.classList.toggle("jr-attendance-mode", attendanceMode);
        if (active) active.focus();
      });
    }
    if (historyButton) {
      historyButton.hidden = false;
      historyButton.addEventListener("click", () => {
        if (!active) return;
        if (active.dataset.k) { historyDialog(wrap.dataset.historyUrl, "period_mark", active.dataset.m); return; }
        const cell = attendanceCell(active);
        if ((attendanceMode || !active.dataset.m) && cell && cell.dataset.a) historyDialog(wrap.dataset.historyUrl, "attendance", cell.dataset.a);
        else historyDialog(wrap.dataset.historyUrl, "mark", active.dataset.m);
      });
    }
    const first = Array.from(body.querySelectorAll("td")).find((td) => writable(td)) || body.querySelector("td");
    if (first) { active = first; first.tabIndex = 0; }
  }

  function start() {
    const form = document.getElementById("lesson-form");
    if (form) lessonPage(form);
    const wrap = document.querySelector("[data-grid]");
    if (wrap) grid(wrap);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start); else start();
})();
