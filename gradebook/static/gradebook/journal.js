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

  /* A cell's marks as the page shows them: plain text, or — when one of them has a comment
     or is not counted in the average — one <span class="jr-mk"> per mark (struck through,
     a comment marker, the comment as tooltip and, for screen readers, as hidden text). */
  function marksNodes(marks, text) {
    const noted = (marks || []).some((m) => m.comment || m.excluded);
    if (!noted) return [document.createTextNode(text || "")];
    const nodes = [];
    marks.forEach((m, i) => {
      if (i) nodes.push(document.createTextNode(" "));
      if (!m.comment && !m.excluded) { nodes.push(document.createTextNode(m.raw)); return; }
      const note = [m.excluded ? (texts.not_counted || "") : "", m.comment || ""].filter(Boolean).join("; ");
      const span = document.createElement("span");
      span.className = "jr-mk" + (m.excluded ? " jr-ex" : "") + (m.comment ? " jr-cm" : "");
      span.title = note;
      span.append(document.createTextNode(m.raw));
      const hidden = document.createElement("span");
      hidden.className = "visually-hidden";
      hidden.textContent = " (" + note + ")";
      span.append(hidden);
      nodes.push(span);
    });
    return nodes;
  }

  /* The history dialog (grid): the cell's history and, for a mark whoever may write it,
     a form per mark for its comment and "not counted in the average", saved through the
     cell endpoint; `onSaved(data)` lets the grid redraw the cell. */
  async function historyDialog(baseUrl, kind, id, onSaved) {
    const dialog = document.getElementById("history-dialog");
    if (!dialog || !id) return;
    const url = baseUrl.replace("KIND", kind).replace(/\/0\/$/, "/" + id + "/") + "?partial=1";
    const body = dialog.querySelector(".jr-dialog-body");
    async function load(focusPosition) {
      const response = await fetch(url, { credentials: "same-origin" });
      body.innerHTML = response.ok ? await response.text() : "—";
      body.querySelectorAll("form[data-details-form]").forEach((form) => {
        form.addEventListener("submit", (event) => { event.preventDefault(); submit(form); });
      });
      if (focusPosition !== undefined) {
        const again = body.querySelector('form[data-details-form][data-position="' + focusPosition + '"]');
        const place = again && again.querySelector(".jr-status");
        if (place) place.textContent = texts.saved || "";
        const field = again && again.querySelector("input[name=comment]");
        if (field) field.focus();
      }
    }
    async function submit(form, overrideVersion) {
      const fields = {};
      new FormData(form).forEach((value, key) => { if (key !== "next") fields[key] = value; });
      if (overrideVersion !== undefined) fields.version = overrideVersion;
      const place = form.querySelector(".jr-status");
      place.classList.remove("jr-error");
      place.textContent = texts.saving || "";
      const data = await post(form.action, fields);
      if (data.ok) {
        if (onSaved) onSaved(data);
        await load(form.dataset.position);
      } else if (data.status === 409 && data.current) {
        conflictButtons(place, data, () => load(), () => submit(form, data.current.version || ""));
      } else {
        place.classList.add("jr-error");
        place.textContent = data.message || texts.failed || "";
        if (data.code === "reason_required") { const reason = form.querySelector("input[name=reason]"); if (reason) reason.focus(); }
      }
    }
    await load();
    if (dialog.showModal) { if (!dialog.open) dialog.showModal(); } else dialog.setAttribute("open", "");
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

    /* The comment and exclusion inputs of a one-mark cell (in its <details>). */
    const detailsOf = (el) => {
      const suffix = (el.id || "").replace(/^m-/, "");
      return { suffix, comment: document.getElementById("c-" + suffix), excluded: document.getElementById("x-" + suffix) };
    };

    function showDetails(el, data) {
      const d = detailsOf(el);
      el.classList.toggle("jr-excluded", !!data.excluded);
      if (data.comment) el.title = data.comment; else el.removeAttribute("title");
      if (d.comment && document.activeElement !== d.comment) d.comment.value = data.comment || "";
      if (d.excluded) d.excluded.checked = !!data.excluded;
      setHidden("co-" + d.suffix, data.comment || "");
      setHidden("xo-" + d.suffix, data.excluded ? "1" : "");
      const details = d.comment && d.comment.closest("details");
      if (details) {
        details.classList.toggle("jr-noted", !!(data.comment || data.excluded));
        const icon = details.querySelector(".jr-more-icon");
        if (icon) icon.textContent = data.comment ? "✎" : (data.excluded ? "⊘" : "⋯");
      }
    }

    /* Saves of one input run one after another, each with the version the last one got
       back (a mark typed, then its comment, must not conflict with itself). */
    function save(el, overrideVersion) {
      // What is being saved counts as saved, so the change event that follows Enter (focus
      // moves on) does not send the same cell twice; a refusal puts the old value back.
      const previous = el.dataset.saved;
      el.dataset.saved = el.value;
      const run = () => send(el, overrideVersion, previous);
      el.jrQueue = (el.jrQueue || Promise.resolve()).then(run, run);
      return el.jrQueue;
    }

    async function send(el, overrideVersion, previous) {
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
        else {
          fields.version = version;
          const d = detailsOf(el);
          if (d.comment) fields.comment = d.comment.value.trim();
          if (d.excluded) fields.excluded = d.excluded.checked ? "1" : "0";
        }
      }
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
          if (list) { list.replaceChildren(...marksNodes(data.marks, data.text)); list.append(" "); }
          el.value = "";
        } else {
          el.dataset.version = data.version;
          el.value = data.raw;
          showDetails(el, data);
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

    /* One of several marks of a work: its comment and exclusion (the mark itself stays). */
    async function saveSeveral(box, overrideVersion) {
      const comment = box.querySelector("[data-detail=comment]");
      const excluded = box.querySelector("[data-detail=excluded]");
      const place = box.querySelector(".jr-status");
      const fields = { kind: "mark", student: box.dataset.student, work: box.dataset.work,
        position: box.dataset.position, version: overrideVersion !== undefined ? overrideVersion : box.dataset.version,
        comment: comment.value.trim(), excluded: excluded.checked ? "1" : "0",
        reason: reasonInput ? reasonInput.value : "" };
      const data = await post(url, fields);
      if (data.ok) {
        const suffix = comment.id.replace(/^c-/, "");
        box.dataset.version = data.version;
        setHidden("v-" + suffix, data.version);
        setHidden("co-" + suffix, data.comment || "");
        setHidden("xo-" + suffix, data.excluded ? "1" : "");
        const list = box.closest("td").querySelector(".jr-several");
        if (list) { list.replaceChildren(...marksNodes(data.marks, data.text)); list.append(" "); }
        place.classList.remove("jr-error");
        place.textContent = "✓";
        place.title = texts.saved || "";
      } else if (data.status === 409 && data.current) {
        conflictButtons(place, data, () => { box.dataset.version = data.current.version || ""; place.textContent = ""; },
          () => saveSeveral(box, data.current.version || ""));
      } else {
        place.classList.add("jr-error");
        place.textContent = data.message || "";
      }
    }

    function saveDetail(input) {
      const box = input.closest("[data-several]");
      if (box) { saveSeveral(box); return; }
      const mark = document.getElementById(input.dataset.mark);
      if (!mark) return;
      if (!mark.value.trim() && !mark.dataset.version) {
        // Nothing to attach it to yet: it goes with the mark, once typed.
        const place = status(mark);
        if (place) { place.classList.remove("jr-error"); place.textContent = texts.no_mark || ""; }
        return;
      }
      save(mark);
    }
    form.querySelectorAll("[data-detail]").forEach((input) => {
      input.dataset.saved = input.type === "checkbox" ? String(input.checked) : input.value;
      const changed = () => (input.type === "checkbox" ? String(input.checked) : input.value) !== input.dataset.saved;
      const commit = () => {
        if (!changed()) return;
        input.dataset.saved = input.type === "checkbox" ? String(input.checked) : input.value;
        saveDetail(input);
      };
      input.addEventListener("change", commit);
      if (input.type !== "checkbox") {
        input.addEventListener("keydown", (event) => {
          if (event.key === "Enter") { event.preventDefault(); commit(); }
          if (event.key === "Escape") { const details = input.closest("details"); if (details) { details.open = false; details.querySelector("summary").focus(); } }
        });
      }
    });

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

    const isMarkNode = (n) => n.nodeType === 3 || (n.classList && n.classList.contains("jr-mk"));
    function marksText(td) {
      return Array.from(td.childNodes).filter(isMarkNode)
        .map((n) => (n.nodeType === 3 ? n.textContent : n.firstChild.textContent)).join("").replace(/\s+/g, " ").trim();
    }
    function setMarks(td, text, marks) {
      Array.from(td.childNodes).filter(isMarkNode).forEach((n) => n.remove());
      td.append(...marksNodes(marks, text));
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
          setMarks(td, data.text, data.marks);
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
      } else if (event.key === "Enter" && event.shiftKey) {
        event.preventDefault();
        openHistory();
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
    /* The active cell's history; for a mark, with its comment and exclusion to edit. */
    function openHistory() {
      if (!active) return;
      if (active.dataset.k) { historyDialog(wrap.dataset.historyUrl, "period_mark", active.dataset.m); return; }
      const cell = attendanceCell(active);
      if ((attendanceMode || !active.dataset.m) && cell && cell.dataset.a) { historyDialog(wrap.dataset.historyUrl, "attendance", cell.dataset.a); return; }
      if (!active.dataset.m) { say(texts.no_mark || "", false); return; }
      const td = active;
      historyDialog(wrap.dataset.historyUrl, "mark", td.dataset.m, (data) => {
        setMarks(td, data.text, data.marks);
        if (String(data.position) === String(td.dataset.p || 0)) td.dataset.v = data.version;
        td.classList.remove("jr-bad");
        td.parentElement.querySelector(".jr-avg").textContent = data.average || "";
        td.parentElement.querySelector(".jr-prop").textContent = data.proposed || "";
        say(texts.saved || "", false);
      });
    }
    if (historyButton) {
      historyButton.hidden = false;
      historyButton.addEventListener("click", openHistory);
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
