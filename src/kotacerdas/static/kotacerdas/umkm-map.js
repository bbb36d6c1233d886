/* The map of the UMKM registry (templates/umkm/stats/map.html). Everything it
   needs comes from data-attributes of #umkm-map: no inline script (CSP). */
(function () {
  "use strict";

  function start() {
    var el = document.getElementById("umkm-map");
    var status = document.getElementById("umkm-map-status");
    if (!el || !window.L) {
      return;
    }
    var data = el.dataset;
    var say = function (text) {
      if (status) {
        status.textContent = text;
      }
    };
    var map = window.L.map(el, { preferCanvas: true }).setView([-2.5, 118], 4);
    if (data.tileUrl) {
      window.L.tileLayer(data.tileUrl, { maxZoom: 19, attribution: data.attribution || "" }).addTo(map);
    }
    say(data.msgLoading);

    function label(point, aggregated) {
      // Text nodes only: names are data, never markup.
      var box = document.createElement("div");
      var name = document.createElement("strong");
      name.textContent = point[2];
      box.appendChild(name);
      var line = document.createElement("div");
      line.textContent = aggregated
        ? point[4] + " " + data.msgBusinesses
        : point[3];
      box.appendChild(line);
      return box;
    }

    fetch(data.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (payload) {
        var points = payload.points || [];
        if (!points.length) {
          say(data.msgEmpty);
          return;
        }
        var largest = 1;
        points.forEach(function (p) { largest = Math.max(largest, p[4]); });
        var layer = window.L.featureGroup();
        points.forEach(function (p) {
          var radius = payload.aggregated ? 6 + 18 * Math.sqrt(p[4] / largest) : 5;
          window.L.circleMarker([p[0], p[1]], {
            radius: radius,
            color: "#0b5563",
            weight: 1,
            fillColor: "#1f8a9c",
            fillOpacity: payload.aggregated ? 0.55 : 0.75
          }).bindPopup(label(p, payload.aggregated)).addTo(layer);
        });
        layer.addTo(map);
        map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 16 });
        el.setAttribute("data-loaded", String(points.length));
        say(payload.aggregated ? data.msgAggregated : payload.total + " " + data.msgPoints);
      })
      .catch(function () {
        say(data.msgError);
      });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
