// Expand / collapse and search for the indicator tree table (rows carry data-id / data-parent).
(function () {
  const table = document.getElementById("indicator-tree");
  if (!table) return;
  const rows = Array.from(table.querySelectorAll("tbody tr[data-id]"));
  const byParent = new Map();
  const byId = new Map();
  rows.forEach((row) => {
    byId.set(row.dataset.id, row);
    const list = byParent.get(row.dataset.parent) || [];
    list.push(row);
    byParent.set(row.dataset.parent, list);
  });
  function setSubtree(row, visible) {
    (byParent.get(row.dataset.id) || []).forEach((child) => {
      child.hidden = !visible;
      const toggle = child.querySelector(".tree-toggle");
      const childOpen = !toggle || toggle.getAttribute("aria-expanded") === "true";
      setSubtree(child, visible && childOpen);
    });
  }
  function setExpanded(row, open) {
    const toggle = row.querySelector(".tree-toggle");
    if (!toggle) return;
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    toggle.querySelector("i").className = open ? "bi bi-caret-down-fill" : "bi bi-caret-right-fill";
    setSubtree(row, open);
  }
  table.addEventListener("click", (event) => {
    const toggle = event.target.closest(".tree-toggle");
    if (!toggle) return;
    const row = toggle.closest("tr");
    setExpanded(row, toggle.getAttribute("aria-expanded") !== "true");
  });
  document.querySelectorAll("[data-tree-action]").forEach((button) => {
    button.addEventListener("click", () => {
      const open = button.dataset.treeAction === "expand";
      rows.filter((r) => r.dataset.depth === "0").forEach((root) => {
        rows.forEach((r) => { if (r.querySelector(".tree-toggle")) { const t = r.querySelector(".tree-toggle"); t.setAttribute("aria-expanded", open ? "true" : "false"); t.querySelector("i").className = open ? "bi bi-caret-down-fill" : "bi bi-caret-right-fill"; } });
        setSubtree(root, open);
      });
    });
  });
  const search = document.getElementById("tree-search");
  if (search) {
    search.addEventListener("input", () => {
      const query = search.value.trim().toLowerCase();
      if (!query) { rows.forEach((r) => { r.hidden = false; r.classList.remove("table-warning"); }); return; }
      const shown = new Set();
      rows.forEach((row) => {
        if (row.dataset.search.toLowerCase().includes(query)) {
          let current = row;
          while (current) { shown.add(current); current = byId.get(current.dataset.parent); }
        }
      });
      rows.forEach((row) => {
        row.hidden = !shown.has(row);
        row.classList.toggle("table-warning", shown.has(row) && row.dataset.search.toLowerCase().includes(query));
      });
    });
  }
})();
