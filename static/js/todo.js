// The menu's "Việc cần làm" entry (templates/_navbar.html) on a page built while the user's
// to-do counts were stale: the page was not made to wait for them; they are asked for here
// (ocop_portal.views.todo_counts, which counts and keeps them) and shown as the page would.
(function () {
  "use strict";
  var link = document.querySelector("[data-todo-counts-url]");
  if (!link) {
    return;
  }

  function hidden(text) {
    var span = document.createElement("span");
    span.className = "visually-hidden";
    span.textContent = text;
    return span;
  }

  function show(state) {
    var old = link.querySelector(".todo-count");
    if (old) {
      old.remove();
    }
    if (!state.total) {
      return;
    }
    var badge = document.createElement("span");
    badge.className = "badge rounded-pill text-bg-warning todo-count";
    badge.appendChild(hidden(": "));
    badge.appendChild(document.createTextNode(state.shown));
    badge.appendChild(hidden(" " + link.getAttribute("data-todo-label")));
    link.appendChild(badge);
  }

  fetch(link.getAttribute("data-todo-counts-url"), {
    headers: { Accept: "application/json" },
    credentials: "same-origin",
  })
    .then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    })
    .then(show)
    .catch(function () {
      // Without the count the entry still leads to the list.
    });
})();
