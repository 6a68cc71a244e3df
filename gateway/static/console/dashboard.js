// Dashboard charts (Chart.js, vendored): figures come embedded in the page as JSON.
(function () {
  "use strict";
  const S = JSON.parse(document.getElementById("stats").textContent);
  const T = JSON.parse(document.getElementById("i18n").textContent);
  const opts = {animation: false, responsive: true, plugins: {legend: {display: false}}};
  const pie = {animation: false, responsive: true};
  new Chart(document.getElementById("c-hour"), {type: "bar", options: opts,
    data: {labels: S.per_hour.labels, datasets: [{data: S.per_hour.values, backgroundColor: "#1f5d8a"}]}});
  new Chart(document.getElementById("c-day"), {type: "line", options: opts,
    data: {labels: S.per_day.labels, datasets: [{data: S.per_day.values, borderColor: "#1e7d3c"}]}});
  const dk = Object.keys(S.direction);
  new Chart(document.getElementById("c-dir"), {type: "doughnut", options: pie,
    data: {labels: dk.map((k) => T[k] || k), datasets: [{data: dk.map((k) => S.direction[k]),
      backgroundColor: ["#1f5d8a", "#b26b00", "#6b4fa0", "#8797a7"]}]}});
  new Chart(document.getElementById("c-mode"), {type: "pie", options: pie,
    data: {labels: [T.auto, T.manual], datasets: [{data: [S.modes.auto || 0, S.modes.manual || 0],
      backgroundColor: ["#1e7d3c", "#b42318"]}]}});
  const rk = Object.keys(S.reasons);
  new Chart(document.getElementById("c-reason"), {type: "bar",
    options: Object.assign({indexAxis: "y"}, opts),
    data: {labels: rk, datasets: [{data: rk.map((k) => S.reasons[k]), backgroundColor: "#b26b00"}]}});
})();
