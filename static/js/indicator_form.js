// The indicator form shows the parameter fields of the chosen scoring standard only (issue 14).
(function () {
  var select = document.getElementById("id_standard_key");
  if (!select) return;
  function show() {
    document.querySelectorAll("#standard-params fieldset[data-standard]").forEach(function (group) {
      group.hidden = group.getAttribute("data-standard") !== select.value;
    });
  }
  select.addEventListener("change", show);
  show();
})();
