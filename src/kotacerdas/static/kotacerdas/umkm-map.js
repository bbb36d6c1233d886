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
    // maxZoom on the map itself: without a tile layer nothing else sets it,
    // and the cluster layer needs it.
    var map = window.L.map(el, { preferCanvas: true, maxZoom: 19 }).setView([-2.5, 118], 4);
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

    // Kecamatan/kelurahan outlines, when the operator loaded them: drawn
    // first so the points sit on top; the map still works without them.
    var outlines = null;
    var outlinesReady = Promise.resolve();
    if (data.boundariesUrl) {
      outlinesReady = fetch(data.boundariesUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (collection) {
          outlines = window.L.geoJSON(collection, {
            style: function (feature) {
              var kecamatan = feature.properties.level === 3;
              return {
                color: kecamatan ? "#123c44" : "#5b7f88",
                weight: kecamatan ? 2.5 : 1,
                dashArray: kecamatan ? null : "3 3",
                fillColor: "#d9e8ec",
                fillOpacity: kecamatan ? 0 : 0.25
              };
            },
            onEachFeature: function (feature, layer) {
              var level = feature.properties.level === 3 ? data.msgKecamatan : data.msgKelurahan;
              // A plain string tooltip is set as text by this helper, never parsed as markup.
              var box = document.createElement("span");
              box.textContent = level + " " + feature.properties.name;
              layer.bindTooltip(box, { sticky: true });
            }
          }).addTo(map);
          if ((collection.sources || []).length) {
            map.attributionControl.addAttribution(
              collection.sources.map(function (s) {
                var span = document.createElement("span");
                span.textContent = s;
                return span.innerHTML;
              }).join("; ")
            );
          }
          el.setAttribute("data-outlines", String(collection.features.length));
        })
        .catch(function () {
          say(data.msgBoundariesError);
        });
    }

    function fit(layer) {
      var bounds = layer.getBounds();
      if (outlines && (!layer.getLayers().length || !bounds.isValid())) {
        bounds = outlines.getBounds();
      }
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
      }
    }

    var pointsReady = fetch(data.pointsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      });

    Promise.all([pointsReady, outlinesReady])
      .then(function (results) {
        var payload = results[0];
        var points = payload.points || [];
        if (!points.length) {
          if (outlines) {
            fit(outlines);
          }
          say(data.msgEmpty);
          return;
        }
        var largest = 1;
        points.forEach(function (p) { largest = Math.max(largest, p[4]); });
        var clustered = !payload.aggregated && !!window.L.markerClusterGroup;
        var markers = points.map(function (p) {
          var radius = payload.aggregated ? 6 + 18 * Math.sqrt(p[4] / largest) : 6;
          return window.L.circleMarker([p[0], p[1]], {
            radius: radius,
            color: "#0b5563",
            weight: 1,
            fillColor: "#1f8a9c",
            fillOpacity: payload.aggregated ? 0.55 : 0.8
          }).bindPopup(label(p, payload.aggregated));
        });
        function done() {
          el.setAttribute("data-loaded", String(points.length));
          el.setAttribute("data-clustered", String(clustered));
          say(payload.aggregated ? data.msgAggregated : payload.total + " " + data.msgPoints);
        }
        if (!clustered) {
          var group = window.L.featureGroup(markers).addTo(map);
          fit(group);
          done();
          return;
        }
        // One business per point: grouped into clusters that split as the
        // officer zooms in, added in chunks so a slow laptop stays responsive.
        // (One point per kelurahan, when there are too many: bubbles sized by
        // their count above, never clustered again.)
        var bounds = window.L.latLngBounds(markers.map(function (m) { return m.getLatLng(); }));
        map.fitBounds(bounds, { padding: [20, 20], maxZoom: 16 });
        var clusters = window.L.markerClusterGroup({
          chunkedLoading: true,
          showCoverageOnHover: false,
          maxClusterRadius: 50,
          chunkProgress: function (processed, total) {
            if (processed === total) {
              done();
            }
          }
        }).addTo(map);
        clusters.addLayers(markers);
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
