// Polls a workbook job (#exchange-job[data-url]): rows read / sheets checked while it runs; once it
// finishes the page reloads to show the report, the preview or the download (issue 16).
(function () {
  "use strict";
  const box = document.getElementById("exchange-job");
  if (!box || !box.dataset.url || box.dataset.finished === "1") return;
  const el = (id) => document.getElementById(id);
  const badges = {done: "text-bg-success", failed: "text-bg-danger", retrying: "text-bg-warning"};
  function show(job) {
    el("job-state").textContent = job.state_label;
    el("job-state").className = "badge " + (badges[job.state] || "text-bg-secondary");
    el("job-stage").textContent = job.stage;
    el("job-percent").textContent = job.progress + "%";
    el("job-bar").style.width = job.progress + "%";
    el("job-bar").parentElement.setAttribute("aria-valuenow", job.progress);
    el("job-message").textContent = job.message;
  }
  function poll() {
    fetch(box.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then((r) => r.ok ? r.json() : Promise.reject(r.status))
      .then((job) => {
        show(job);
        if (job.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(() => setTimeout(poll, 5000));
  }
  setTimeout(poll, 500);
})();
