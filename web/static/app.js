// ketacover's only script: small conveniences on pages that work without it.
// It adds a row to the self-check without a round trip, shows the print
// button, and moves focus to the list of problems after a failed submit.
(function () {
  "use strict";

  // "Add another …": copy the last row, renumber its fields, clear them.
  document.querySelectorAll("button[data-add]").forEach(function (btn) {
    btn.addEventListener("click", function (ev) {
      var group = btn.getAttribute("data-add");
      var rows = document.querySelector('[data-rows="' + group + '"]');
      if (!rows) return;
      var all = rows.querySelectorAll("[data-row]");
      var last = all[all.length - 1];
      if (!last) return;
      ev.preventDefault();
      var n = all.length;
      var copy = last.cloneNode(true);
      var re = new RegExp("^(f-)?" + group + "\\.\\d+\\.");
      copy.querySelectorAll("input, select, label, .field-error").forEach(function (el) {
        ["name", "id", "for"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(re, "$1" + group + "." + n + "."));
        });
        if (el.classList.contains("field-error")) el.remove();
        if (el.tagName === "INPUT") el.value = "";
        if (el.tagName === "SELECT") el.selectedIndex = 0;
      });
      copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
      var legend = copy.querySelector("legend");
      if (legend) legend.textContent = legend.textContent.replace(/\d+$/, String(n + 1));
      rows.appendChild(copy);
      var first = copy.querySelector("input, select");
      if (first) first.focus();
    });
  });

  // Print: only useful with script, so the button starts hidden.
  document.querySelectorAll("[data-print]").forEach(function (btn) {
    btn.hidden = false;
    btn.addEventListener("click", function () { window.print(); });
  });

  var errors = document.getElementById("errors");
  if (errors) errors.focus();
})();
