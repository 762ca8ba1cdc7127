// dondoc web desk: a little help, never required (every form works without it).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // A filter applies as soon as it is chosen.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
  // Actions that reach people or cannot be undone ask first; a second press does not post twice.
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) { event.preventDefault(); return; }
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    });
  });
});
