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
    const finished = el("job-finished");
    if (finished) finished.textContent = job.finished_label || "";
    const steps = el("job-stages");
    if (steps && job.stages) {
      const icons = {done: "bi-check-circle-fill text-success", failed: "bi-x-circle-fill text-danger",
                     retrying: "bi-arrow-repeat text-warning", current: "bi-hourglass-split text-primary",
                     todo: "bi-circle text-body-tertiary"};
      steps.replaceChildren(...job.stages.map((step) => {
        const item = document.createElement("li");
        item.className = "list-inline-item job-step job-step-" + step.status;
        item.dataset.status = step.status;
        const icon = document.createElement("i");
        icon.className = "bi " + (icons[step.status] || icons.todo);
        icon.setAttribute("aria-hidden", "true");
        item.append(icon, " " + step.label);
        return item;
      }));
    }
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
