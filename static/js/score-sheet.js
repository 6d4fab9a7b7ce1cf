// Running totals and a star preview on a score sheet, updated as options are clicked.
// Only a preview: the server recomputes everything when the sheet is saved.
(function () {
  "use strict";

  function hundredths(value) {
    return Math.round(parseFloat(value) * 100);
  }

  function format(value, lang) {
    return new Intl.NumberFormat(lang || "vi", { maximumFractionDigits: 2 }).format(value / 100);
  }

  function starsFor(total, bands) {
    var sorted = bands.slice().sort(function (a, b) { return b.min - a.min; });
    for (var i = 0; i < sorted.length; i++) {
      if (total >= Math.round(sorted[i].min * 100)) {
        return sorted[i].stars;
      }
    }
    return sorted.length ? sorted[sorted.length - 1].stars : null;
  }

  function setup(form) {
    var lang = document.documentElement.lang;
    var bandsElement = document.getElementById("star-bands");
    var bands = bandsElement ? JSON.parse(bandsElement.textContent) : [];
    var preview = form.querySelector("[data-star-preview]");
    var criteria = form.querySelectorAll("fieldset.criterion");

    function update() {
      var parts = {};
      var total = 0;
      var answered = 0;
      var eliminated = false;
      var cap = null;
      criteria.forEach(function (fieldset) {
        var checked = fieldset.querySelector("input[type=radio]:checked");
        if (!checked) {
          return;
        }
        var points = hundredths(checked.dataset.points);
        var part = checked.dataset.part;
        parts[part] = (parts[part] || 0) + points;
        total += points;
        answered += 1;
        if (checked.hasAttribute("data-eliminating")) {
          eliminated = true;
        } else if (fieldset.dataset.mandatory && points === 0) {
          var limit = parseInt(fieldset.dataset.mandatory, 10) - 1;
          cap = cap === null ? limit : Math.min(cap, limit);
        }
      });
      form.querySelectorAll("[data-part-total]").forEach(function (element) {
        element.textContent = format(parts[element.dataset.partTotal] || 0, lang);
      });
      form.querySelectorAll("[data-sheet-total]").forEach(function (element) {
        element.textContent = format(total, lang);
      });
      form.querySelectorAll("[data-answered]").forEach(function (element) {
        element.textContent = answered;
      });
      if (!preview) {
        return;
      }
      var starsElement = preview.querySelector(".stars");
      var note = preview.querySelector("[data-star-note]");
      var notes = [];
      var stars = null;
      if (eliminated) {
        starsElement.textContent = "";
        notes.push(preview.dataset.labelEliminated);
      } else if (answered) {
        stars = starsFor(total, bands);
        if (cap !== null && stars > cap) {
          stars = cap;
          notes.push(preview.dataset.labelCapped);
        }
        starsElement.textContent = stars > 0 ? "★".repeat(stars) : preview.dataset.labelNone;
      } else {
        starsElement.textContent = preview.dataset.labelNone;
      }
      if (answered && answered < criteria.length) {
        notes.push(preview.dataset.labelPartial);
      }
      note.textContent = (stars ? stars + " " + preview.dataset.labelStars : "") +
        (notes.length ? (stars ? " · " : "") + notes.join(" · ") : "");
      preview.dataset.stars = stars === null ? "" : String(stars);
    }

    form.addEventListener("change", update);
    update();
  }

  function start() {
    document.querySelectorAll("form[data-score-sheet]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
