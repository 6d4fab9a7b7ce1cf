// Running totals and a star preview on a score sheet, updated as options are clicked.
// Only a preview: the server recomputes everything when the sheet is saved.
//
// The preview follows the rules of the server (evaluations/scoring.py) on this one sheet:
// criteria that apply only when a product story exists are not scored when the story option
// chosen is worth 0; a knock-out stops the scoring; the stars are those of the highest band
// the total reaches whose minimums (the star marks, data-min on each criterion) this sheet
// meets, and what is missing is listed.
(function () {
  "use strict";

  function hundredths(value) {
    return Math.round(parseFloat(value) * 100);
  }

  function format(value, lang) {
    return new Intl.NumberFormat(lang || "vi", { maximumFractionDigits: 2 }).format(value / 100);
  }

  function bandFor(total, bands) {
    var sorted = bands.slice().sort(function (a, b) { return b.min - a.min; });
    for (var i = 0; i < sorted.length; i++) {
      if (total >= Math.round(sorted[i].min * 100)) {
        return sorted[i].stars;
      }
    }
    return sorted.length ? sorted[sorted.length - 1].stars : null;
  }

  function template(text, values) {
    return text.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : match;
    });
  }

  function setup(form) {
    var lang = document.documentElement.lang;
    var bandsElement = document.getElementById("star-bands");
    var bands = bandsElement ? JSON.parse(bandsElement.textContent) : [];
    var preview = form.querySelector("[data-star-preview]");
    var missingList = form.querySelector("[data-missing]");
    var criteria = Array.prototype.slice.call(form.querySelectorAll("fieldset.criterion"));

    function checkedIn(fieldset) {
      return fieldset.querySelector("input[type=radio]:checked");
    }

    function noStory() {
      return criteria.some(function (fieldset) {
        var checked = fieldset.hasAttribute("data-tells-story") && checkedIn(fieldset);
        return checked && hundredths(checked.dataset.points) === 0;
      });
    }

    function update() {
      var parts = {};
      var total = 0;
      var answered = 0;
      var required = 0;
      var knockedOut = false;
      var stopped = false;
      var points = {};
      var withoutStory = noStory();
      criteria.forEach(function (fieldset) {
        var applies = !(withoutStory && fieldset.hasAttribute("data-needs-story"));
        fieldset.classList.toggle("is-not-applicable", !applies);
        var note = fieldset.querySelector("[data-na-note]");
        if (note) {
          note.hidden = applies;
        }
        if (!form.hasAttribute("data-locked")) {
          fieldset.querySelectorAll("input[type=radio]").forEach(function (input) {
            input.disabled = !applies;
          });
        }
        if (!applies) {
          points[fieldset.dataset.code] = 0;
          return;
        }
        required += 1;
        var checked = checkedIn(fieldset);
        if (!checked) {
          return;
        }
        var value = hundredths(checked.dataset.points);
        var part = checked.dataset.part;
        parts[part] = (parts[part] || 0) + value;
        total += value;
        answered += 1;
        points[fieldset.dataset.code] = value;
        if (checked.hasAttribute("data-eliminating")) {
          knockedOut = true;
          stopped = stopped || checked.hasAttribute("data-stops");
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
      form.querySelectorAll("[data-criteria-count]").forEach(function (element) {
        element.textContent = required;
      });
      if (!preview) {
        return;
      }
      var starsElement = preview.querySelector(".stars");
      var note = preview.querySelector("[data-star-note]");
      var notes = [];
      var stars = null;
      var missing = [];
      if (knockedOut) {
        starsElement.textContent = "";
        notes.push(stopped ? preview.dataset.labelStopped : preview.dataset.labelEliminated);
      } else if (answered) {
        var band = bandFor(total, bands);
        // Minimums from the star marks: the highest level at or below the band they all meet.
        var missingAt = {};
        criteria.forEach(function (fieldset) {
          if (!fieldset.dataset.min) {
            return;
          }
          var minimums = JSON.parse(fieldset.dataset.min);
          Object.keys(minimums).forEach(function (level) {
            var need = hundredths(minimums[level]);
            var have = points[fieldset.dataset.code];
            if (have === undefined || have < need) {
              (missingAt[level] = missingAt[level] || []).push({
                code: fieldset.dataset.code,
                need: need,
                have: have,
              });
            }
          });
        });
        stars = band;
        while (stars > 1 && missingAt[stars]) {
          stars -= 1;
        }
        for (var level = band; level > stars; level--) {
          (missingAt[level] || []).forEach(function (item) {
            missing.push(template(preview.dataset.labelMissing, {
              stars: level,
              code: item.code,
              need: format(item.need, lang),
              have: item.have === undefined ? "—" : format(item.have, lang),
            }));
          });
        }
        starsElement.textContent = stars > 0 ? "★".repeat(stars) : preview.dataset.labelNone;
        if (band > stars) {
          notes.push(template(preview.dataset.labelBand, { band: band }));
        }
      } else {
        starsElement.textContent = preview.dataset.labelNone;
      }
      if (answered && answered < required && !knockedOut) {
        notes.push(preview.dataset.labelPartial);
      }
      note.textContent = (stars ? stars + " " + preview.dataset.labelStars : "") +
        (notes.length ? (stars ? " · " : "") + notes.join(" · ") : "");
      preview.dataset.stars = stars === null ? "" : String(stars);
      if (missingList) {
        missingList.replaceChildren.apply(missingList, missing.map(function (text) {
          var item = document.createElement("li");
          item.textContent = text;
          return item;
        }));
        missingList.hidden = missing.length === 0;
      }
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
