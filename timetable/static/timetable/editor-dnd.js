// Drag and drop in the timetable editor's week grid: drop a lesson on another cell and it
// moves there through the same endpoint and checks as the lesson's form (a clash is refused
// with the same messages). The form stays the keyboard way to do it; without this script
// nothing is lost.
(function () {
  "use strict";
  var grid = document.querySelector("[data-dnd-grid]");
  if (!grid) { return; }
  var status = document.getElementById("dnd-status");
  var dragged = null;

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (e) {
      return "";
    }
  }

  function cellOf(target) {
    return target && target.closest ? target.closest("td[data-weekday]") : null;
  }

  function clearTargets() {
    grid.querySelectorAll(".drop-target").forEach(function (cell) { cell.classList.remove("drop-target"); });
  }

  function show(messages, entryIds) {
    status.textContent = "";
    var list = document.createElement("ul");
    messages.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    status.appendChild(list);
    status.hidden = false;
    grid.querySelectorAll(".slot.clash").forEach(function (slot) { slot.classList.remove("clash"); });
    (entryIds || []).forEach(function (id) {
      grid.querySelectorAll('[data-entry-id="' + id + '"]').forEach(function (slot) { slot.classList.add("clash"); });
    });
    status.scrollIntoView({block: "nearest"});
  }

  grid.addEventListener("dragstart", function (event) {
    var slot = event.target.closest ? event.target.closest("a.slot[data-move-url]") : null;
    if (!slot) { return; }
    dragged = slot;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", slot.dataset.entryId);
    slot.classList.add("dragging");
  });

  grid.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    dragged = null;
    clearTargets();
  });

  grid.addEventListener("dragover", function (event) {
    var cell = cellOf(event.target);
    if (!cell || !dragged) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (!cell.classList.contains("drop-target")) {
      clearTargets();
      cell.classList.add("drop-target");
    }
  });

  grid.addEventListener("drop", function (event) {
    var cell = cellOf(event.target);
    if (!cell || !dragged) { return; }
    event.preventDefault();
    clearTargets();
    var slot = dragged;
    var body = new FormData();
    body.append("weekday", cell.dataset.weekday);
    body.append("bell_number", cell.dataset.bell);
    slot.classList.add("moving");
    fetch(slot.dataset.moveUrl, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()}
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok && data.ok) {
          window.location.reload();
          return;
        }
        slot.classList.remove("moving");
        show(data.errors && data.errors.length ? data.errors : [grid.dataset.failed], data.conflict_entry_ids);
      });
    }).catch(function () {
      slot.classList.remove("moving");
      show([grid.dataset.failed], []);
    });
  });
})();
