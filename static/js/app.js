// Behaviours every page may use, declared with data attributes instead of inline handlers
// (the Content-Security-Policy allows scripts from our own static files only):
//   <select data-autosubmit>            submits its form when the choice changes
//   <select data-navigate>              goes to the chosen option's value (a URL)
//   <form data-confirm="问题？">          asks before submitting
//   <input data-select-on-focus>        selects its text when focused
//   <button data-copy-target="id" data-copied-label="已复制">  copies that input's value
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const el = event.target;
    if (el.matches("select[data-autosubmit]") && el.form) {
      el.form.submit();
    } else if (el.matches("select[data-navigate]") && el.value) {
      window.location.href = el.value;
    }
  });
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("input[data-select-on-focus]")) {
      event.target.select();
    }
  });
  document.addEventListener("click", function (event) {
    const button = event.target.closest("[data-copy-target]");
    if (!button) return;
    const input = document.getElementById(button.dataset.copyTarget);
    if (!input) return;
    input.focus();
    input.select();
    const done = function () {
      button.textContent = "";
      const icon = document.createElement("i");
      icon.className = "bi bi-check2";
      button.append(icon, " " + (button.dataset.copiedLabel || ""));
    };
    // navigator.clipboard needs a secure context; closed networks often serve plain http
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done);
    } else if (document.execCommand("copy")) {
      done();
    }
  });
})();

// <table class="table-cards">: below 768 px each row becomes a card (static/css/app.css); every
// cell is labelled with its column's header here, so templates need not repeat the labels.
(function () {
  "use strict";
  document.querySelectorAll("table.table-cards").forEach(function (table) {
    const headRow = table.tHead && table.tHead.rows[table.tHead.rows.length - 1];
    if (!headRow) return;
    const labels = [];
    Array.prototype.forEach.call(headRow.cells, function (th) {
      for (let i = 0; i < (th.colSpan || 1); i++) labels.push(th.textContent.trim());
    });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        let column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          const label = labels[column];
          if (label && !cell.hasAttribute("data-label") && (cell.colSpan || 1) === 1) cell.setAttribute("data-label", label);
          column += cell.colSpan || 1;
        });
      });
    });
  });
})();

// A table wider than its .table-responsive container scrolls inside it: the container takes the
// keyboard focus so that it can be scrolled without a mouse (WCAG 2.1.1).
(function () {
  "use strict";
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth && !box.hasAttribute("tabindex")) box.setAttribute("tabindex", "0");
  });
})();
