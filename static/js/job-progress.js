// A long job's page (templates/jobs/detail.html): looks at the job's JSON every few seconds
// and moves the progress bar, the message and the download button until the job ends.
(function () {
  "use strict";
  const box = document.getElementById("job");
  if (!box || box.dataset.finished === "1") {
    return;
  }
  const url = box.dataset.statusUrl;
  const every = Math.max(1, Number(box.dataset.pollSeconds) || 2) * 1000;
  const part = (name) => box.querySelector(`[data-job="${name}"]`);
  const number = (value) => Number(value).toLocaleString("vi-VN");

  function show(state) {
    part("status_label").textContent = state.status_label;
    const bar = part("bar");
    if (state.percent === null) {
      bar.removeAttribute("value");
      part("percent").textContent = "";
    } else {
      bar.value = state.percent;
      bar.textContent = `${state.percent}%`;
      part("percent").textContent = `${state.percent}%`;
    }
    part("count").textContent = state.total ? `(${number(state.done)}/${number(state.total)})` : "";
    part("message").textContent = state.message;
    if (state.download_url) {
      const link = part("download");
      link.href = state.download_url;
      link.classList.remove("d-none");
    }
    if (state.finished) {
      part("hint").classList.add("d-none");
    }
  }

  function look() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((state) => {
        show(state);
        if (!state.finished) {
          window.setTimeout(look, every);
        }
      })
      .catch(() => window.setTimeout(look, every * 3));
  }
  window.setTimeout(look, every);
})();
