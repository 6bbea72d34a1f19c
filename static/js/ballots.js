// Ballot pages: how many ratees have a grade chosen (peer ballot and 360° satisfaction ballot).
(function () {
  "use strict";
  const peer = document.getElementById("peer-ballot");
  if (peer) {
    const total = Number(document.getElementById("peer-progress").dataset.total);
    const note = document.getElementById("peer-selected");
    const update = function () {
      const chosen = new Set([...peer.querySelectorAll(".peer-grade:checked")].map((el) => el.name)).size;
      note.textContent = chosen ? note.dataset.label + " " + chosen + " / " + total : "";
    };
    peer.addEventListener("change", update);
    update();
  }
  const satisfaction = document.getElementById("satisfaction-form");
  if (satisfaction && satisfaction.dataset.editable === "1") {
    const total = satisfaction.querySelectorAll("#satisfaction-ballot tbody tr").length;
    const note = document.getElementById("sat-progress");
    const update = function () {
      const chosen = new Set([...satisfaction.querySelectorAll(".sat-grade:checked")].map((el) => el.name)).size;
      note.textContent = note.dataset.label + " " + chosen + " / " + total;
    };
    satisfaction.addEventListener("change", function (event) {
      const row = event.target.closest("tr.missing");
      if (row) {
        row.classList.remove("table-danger", "missing");
        row.querySelectorAll(".badge").forEach((badge) => badge.remove());
      }
      update();
    });
    update();
  }
})();
