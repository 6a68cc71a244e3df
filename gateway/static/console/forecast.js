// Forecast chart (Chart.js, vendored): expected trucks per hour, the 90 % band, pre-registrations.
(function () {
  "use strict";
  const D = JSON.parse(document.getElementById("forecast-data").textContent);
  const T = JSON.parse(document.getElementById("i18n").textContent);
  const canvas = document.getElementById("c-forecast");
  canvas.chart = new Chart(canvas, {
    type: "line",
    options: {animation: false, responsive: true, interaction: {mode: "index", intersect: false}},
    data: {labels: D.labels, datasets: [
      {label: T.band, data: D.high, borderColor: "rgba(31,93,138,0.2)", pointRadius: 0, fill: "+1",
       backgroundColor: "rgba(31,93,138,0.12)"},
      {label: "", data: D.low, borderColor: "rgba(31,93,138,0.2)", pointRadius: 0, fill: false},
      {label: T.expected, data: D.expected, borderColor: "#1f5d8a", pointRadius: 0},
      {label: T.preregistered, data: D.preregistered, type: "bar", backgroundColor: "#b26b00"},
    ]},
  });
  document.body.dataset.chart = "ready";
})();
