// Running total of the responsibility weights (%) on the weights form.
(function () {
  "use strict";
  const inputs = document.querySelectorAll(".weight-input");
  const total = document.getElementById("weight-total");
  if (!total) return;
  function sum() {
    let s = 0;
    inputs.forEach((i) => { const v = parseFloat(i.value); if (!isNaN(v)) s += v; });
    total.textContent = Math.round(s * 100) / 100;
    total.parentElement.classList.toggle("text-danger", Math.abs(s - 100) > 0.01);
  }
  inputs.forEach((i) => i.addEventListener("input", sum));
  sum();
})();
