// grader teacher pages: small progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Evidence toggles: hide or show one factor's highlights.
  document.querySelectorAll("input.toggle[data-factor]").forEach(function (box) {
    box.addEventListener("change", function () {
      document.querySelectorAll('.ev[data-factor="' + CSS.escape(box.dataset.factor) + '"]')
        .forEach(function (el) { el.classList.toggle("off", !box.checked); });
    });
  });

  // Drag and drop onto the file picker.
  var zone = document.getElementById("dropzone");
  var input = document.getElementById("files");
  var chosen = document.getElementById("chosen");
  function showChosen() {
    if (!chosen || !input) return;
    var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
    chosen.textContent = names.length ? names.length + " file(s): " + names.join(", ") : "";
  }
  if (zone && input) {
    input.addEventListener("change", showChosen);
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (type) {
      zone.addEventListener(type, function () { zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        showChosen();
      }
    });
  }

  // Batch progress: poll the status until the batch is finished.
  var batch = document.getElementById("batch");
  if (batch) {
    var bar = document.getElementById("batch-progress");
    var done = document.getElementById("batch-done");
    var total = document.getElementById("batch-total");  // grows while uploads are read
    var failed = document.getElementById("batch-failed");
    var state = document.getElementById("batch-state");
    var errors = document.getElementById("batch-errors");
    var poll = function () {
      fetch(batch.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.json(); })
        .then(function (p) {
          var n = p.done + p.failed + p.cancelled;
          bar.max = p.total; bar.value = n; bar.textContent = n + " of " + p.total;
          done.textContent = n; total.textContent = p.total; failed.textContent = p.failed;
          errors.replaceChildren.apply(errors, p.errors.map(function (e) {
            var li = document.createElement("li");
            li.textContent = e.essay + ": " + e.error;
            return li;
          }));
          if (p.finished) { state.textContent = "Finished."; batch.dataset.finished = "1"; }
          else { setTimeout(poll, 700); }
        })
        .catch(function () { setTimeout(poll, 2000); });
    };
    poll();
  }

  document.querySelectorAll(".print-button").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
})();
