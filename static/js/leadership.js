// Leadership appraisal pages (no inline scripts: CSP). app.js handles data-autosubmit,
// data-confirm and data-copy-target; here: the report's character count and the print button.
(function () {
  "use strict";
  document.querySelectorAll("textarea[maxlength]").forEach(function (area) {
    const note = document.querySelector('[data-count-for="' + area.id + '"]');
    if (!note) { return; }
    const update = function () { note.textContent = area.value.length + " / " + area.getAttribute("maxlength"); };
    area.addEventListener("input", update);
    update();
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
