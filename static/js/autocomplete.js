// A search box for a choice among thousands (core.forms.AutocompleteSelect): the page carries
// only the chosen option; typing two letters or more asks the server for the matching ones.
(function () {
  "use strict";
  document.querySelectorAll("select[data-autocomplete-url]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1";
    box.placeholder = select.dataset.autocompletePlaceholder || "Gõ tên để tìm…";
    box.setAttribute("aria-label", box.placeholder);
    box.setAttribute("aria-controls", select.id);
    select.parentNode.insertBefore(box, select);
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var words = box.value.trim();
      if (words.length < 2) return;
      timer = setTimeout(function () {
        var url = select.dataset.autocompleteUrl + "?q=" + encodeURIComponent(words);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { results: [] }; })
          .then(function (data) {
            var empty = select.querySelector('option[value=""]');
            select.replaceChildren();
            if (empty) select.appendChild(empty);
            data.results.forEach(function (result) {
              select.appendChild(new Option(result.text, result.id));
            });
            if (data.results.length) select.selectedIndex = empty ? 1 : 0;
          });
      }, 250);
    });
  });
})();
