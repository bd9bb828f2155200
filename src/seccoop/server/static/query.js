// The query page: pick a named query as an example; Ctrl+Enter (or Cmd+Enter) runs it.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var examples = document.getElementById("examples");
  if (!form || !editor) { return; }
  if (examples) {
    examples.addEventListener("change", function () {
      var chosen = examples.options[examples.selectedIndex];
      if (chosen && chosen.dataset.query) { editor.value = chosen.dataset.query; editor.focus(); }
    });
  }
  editor.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.submit();
    }
  });
}());
