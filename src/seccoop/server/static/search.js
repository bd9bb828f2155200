// Suggestions as one types in a search box: the box's <datalist> is filled from the JSON
// search API (the same matcher as the results page). Without JavaScript the form still
// submits to the results page. Picking a suggestion opens that resource's page.
(function () {
  "use strict";
  var DELAY = 150;
  Array.prototype.forEach.call(document.querySelectorAll("input[type=search][data-api]"), function (box) {
    var list = document.getElementById(box.getAttribute("list"));
    if (!list) { return; }
    var timer = null, controller = null, pages = {};
    box.addEventListener("input", function (event) {
      // a suggestion picked from the list (not typed) opens its page at once
      if ((event.inputType === "insertReplacementText" || event.inputType === undefined) &&
          pages[box.value]) {
        location.href = pages[box.value];
        return;
      }
      clearTimeout(timer);
      var wanted = box.value.trim();
      if (!wanted) { list.textContent = ""; return; }
      timer = setTimeout(function () {
        if (controller) { controller.abort(); }
        controller = new AbortController();
        fetch(box.dataset.api + "?limit=10&q=" + encodeURIComponent(wanted), { signal: controller.signal })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (data) {
            list.textContent = "";
            pages = {};
            data.results.forEach(function (hit) {
              if (hit.href && !pages[hit.label]) { pages[hit.label] = hit.href; }
              var option = document.createElement("option");
              option.value = hit.label;
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, DELAY);
    });
  });
}());
