// Score grid (indicators/score_grid.html): as the assessor types an actual value, ask the server
// for the score its scoring standard gives (JSON preview) and show it before anything is saved.
(function () {
  const table = document.getElementById("score-grid");
  if (!table) return;
  const url = table.dataset.previewUrl;
  const timers = new Map();

  function show(leaf, data) {
    const output = document.getElementById("preview-" + leaf);
    const explain = document.getElementById("explain-" + leaf);
    if (!output) return;
    output.classList.toggle("is-error", !data.ok);
    output.textContent = data.ok ? data.score : "—";
    output.title = data.ok ? data.explanation : data.error;
    if (explain) explain.textContent = data.ok ? data.explanation : data.error;
  }

  function preview(input) {
    const row = input.closest("tr[data-leaf]");
    if (!row) return;
    const leaf = row.dataset.leaf;
    const query = new URLSearchParams({ leaf: leaf, actual: input.value });
    fetch(url + "?" + query.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then((response) => (response.ok ? response.json() : { ok: false, error: response.statusText }))
      .then((data) => {
        show(leaf, data);
        input.classList.toggle("is-invalid", !data.ok);
      })
      .catch(() => {});
  }

  table.addEventListener("input", (event) => {
    const input = event.target.closest(".actual-input");
    if (!input) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => preview(input), 250));
  });
})();
