// Work never lost, on every page (static/js/forms.js, loaded by base.html):
//
// 1. Unsaved changes. Leaving a page (a link, closing the tab, reloading) while a form marked
//    data-warn-unsaved holds changes asks first (the browser's own "leave the page?"), never
//    when the form itself is sent. Every <form method="post"> with a field to fill in is marked
//    so by default (the score sheet, every edit form); a form of buttons only (an action, "log
//    out") is not. Opt out with data-warn-unsaved="off". A form shown again with errors counts
//    as changed: what it holds is not saved yet.
// 2. Errors in sight. After a failed submit, the first field with an error (.is-invalid, or
//    the field an .invalid-feedback belongs to) — else the error summary (.alert-danger) —
//    is scrolled to and focused.
// 3. Irreversible steps. A form marked data-confirm keeps its submit buttons disabled until its
//    checkbox marked data-confirm-check is ticked (see templates/includes/confirm_summary.html).
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=reset]):not([type=image]), select, textarea";
  var ERRORS = ".is-invalid, .invalid-feedback, .alert-danger, .errorlist";

  function snapshot(form) {
    var parts = [];
    new FormData(form).forEach(function (value, name) {
      parts.push(name + "=" + (typeof value === "string" ? value : value.name + ":" + value.size));
    });
    return parts.join("&");
  }

  function warns(form) {
    var mark = form.getAttribute("data-warn-unsaved");
    if (mark === "off") {
      return false;
    }
    if (mark !== null) {
      return true;
    }
    return (form.getAttribute("method") || "").toLowerCase() === "post" && form.querySelector(FIELDS) !== null;
  }

  function watchUnsaved() {
    var watched = [];
    document.querySelectorAll("form").forEach(function (form) {
      if (!warns(form)) {
        return;
      }
      form.setAttribute("data-warn-unsaved", "");
      // Shown again with errors: what it holds is not saved.
      var state = { form: form, initial: form.querySelector(ERRORS) ? null : snapshot(form), sent: false };
      form.addEventListener("submit", function (event) {
        // Another handler may have stopped the sending (a confirmation not given yet).
        window.setTimeout(function () {
          state.sent = !event.defaultPrevented;
        }, 0);
        state.sent = true;
      });
      watched.push(state);
    });
    if (!watched.length) {
      return;
    }
    window.addEventListener("beforeunload", function (event) {
      var changed = watched.some(function (state) {
        return !state.sent && (state.initial === null || snapshot(state.form) !== state.initial);
      });
      if (changed) {
        event.preventDefault();
        event.returnValue = "";
        return "";
      }
      return undefined;
    });
  }

  function fieldOf(feedback) {
    if (feedback.id) {
      var described = document.querySelector("[aria-describedby~='" + feedback.id + "']");
      if (described) {
        return described;
      }
    }
    var group = feedback.closest(".mb-3, .form-group, fieldset, td, .col, [class*='col-']") || feedback.parentElement;
    return group ? group.querySelector(FIELDS) : null;
  }

  function showFirstError() {
    var first = document.querySelector("main .is-invalid, main .invalid-feedback, main form .alert-danger");
    if (!first) {
      return;
    }
    var target = first;
    if (first.classList.contains("invalid-feedback")) {
      target = fieldOf(first) || first;
    }
    if (first.classList.contains("alert-danger") && !first.hasAttribute("tabindex")) {
      first.setAttribute("tabindex", "-1");
    }
    target.scrollIntoView({ block: "center" });
    target.focus({ preventScroll: true });
  }

  function confirmations() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      var checks = form.querySelectorAll("[data-confirm-check]");
      var buttons = form.querySelectorAll("button[type=submit], input[type=submit], button:not([type])");
      function update() {
        var given = Array.prototype.every.call(checks, function (check) {
          return check.checked;
        });
        buttons.forEach(function (button) {
          button.disabled = !given;
        });
      }
      checks.forEach(function (check) {
        check.addEventListener("change", update);
      });
      form.addEventListener("submit", function (event) {
        var given = Array.prototype.every.call(checks, function (check) {
          return check.checked;
        });
        if (!given) {
          event.preventDefault();
        }
      });
      update();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    confirmations();
    watchUnsaved();
    showFirstError();
  });
})();
