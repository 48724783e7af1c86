// The listing map: pins at public (fuzzed) points, clustered, each a keyboard-focusable marker
// whose popup links to the listing. Without JavaScript or tiles, the list below the map is
// the same information.
(function () {
  "use strict";

  function readJson(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function start() {
    var container = document.getElementById("listing-map");
    var pins = readJson("map-pins");
    var config = readJson("map-config");
    if (!container || !pins || !config || typeof L === "undefined") {
      return;
    }
    var map = L.map(container, { keyboard: true }).setView(config.centre, config.radius_km ? 13 : 12);
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    var clusters = L.markerClusterGroup({ showCoverageOnHover: false });
    var linkText = container.getAttribute("data-popup-link");
    var bounds = [];
    pins.forEach(function (pin) {
      var marker = L.marker([pin.lat, pin.lon], { title: pin.title, alt: pin.title, keyboard: true });
      var popup = document.createElement("div");
      var heading = document.createElement("strong");
      heading.textContent = pin.title;
      var kind = document.createElement("p");
      kind.textContent = pin.kind;
      var link = document.createElement("a");
      link.href = pin.url;
      link.textContent = linkText;
      popup.append(heading, kind, link);
      marker.bindPopup(popup);
      clusters.addLayer(marker);
      bounds.push([pin.lat, pin.lon]);
    });
    map.addLayer(clusters);
    if (bounds.length > 1 && !config.radius_km) {
      map.fitBounds(bounds, { padding: [24, 24] });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
