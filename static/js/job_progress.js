// Polls a scoring job's state (#job[data-url]) and shows its progress until it finishes.
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box || !box.dataset.url) return;
  const el = (id) => document.getElementById(id);
  function show(job) {
    if (!job.state) return;
    box.classList.remove("d-none");
    el("job-state").textContent = job.state_label;
    el("job-state").className = "badge " + ({done: "text-bg-success", failed: "text-bg-danger", retrying: "text-bg-warning"}[job.state] || "text-bg-secondary");
    const retry = el("job-retry");
    if (retry) { retry.classList.toggle("d-none", job.state !== "failed"); el("job-retry-of").value = job.id; }
    el("job-stage").textContent = job.stage;
    el("job-percent").textContent = job.progress + "%";
    el("job-bar").style.width = job.progress + "%";
    el("job-bar").parentElement.setAttribute("aria-valuenow", job.progress);
    el("job-bar").classList.toggle("progress-bar-animated", !job.finished);
    el("job-bar").classList.toggle("progress-bar-striped", !job.finished);
    el("job-message").textContent = job.message;
  }
  let wasRunning = box.dataset.finished !== "1";
  function poll() {
    fetch(box.dataset.url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then((r) => r.ok ? r.json() : Promise.reject(r.status))
      .then((job) => {
        show(job);
        if (!job.finished) { wasRunning = true; setTimeout(poll, 2000); }
        else if (wasRunning) {
          box.dataset.finished = "1";
          const link = document.createElement("a");
          link.href = "";
          link.className = "ms-1";
          link.textContent = box.dataset.refreshLabel || "";
          el("job-message").append(" ", link);
        }
      })
      .catch(() => setTimeout(poll, 5000));
  }
  poll();
})();
