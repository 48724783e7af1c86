// The listing form's location: besides the area list (which works without JavaScript), the
// browser's position or a click on a small map fills the hidden "point" field. Only the
// server sees that point; others see a point about 250 m away.
(function () {
  "use strict";

  function start() {
    var field = document.querySelector("input[name=point]");
    var holder = document.getElementById("location-picker");
    if (!field || !holder || typeof L === "undefined") {
      return;
    }
    holder.hidden = false;
    var status = holder.querySelector("[data-status]");
    var useMine = holder.querySelector("[data-use-my-position]");
    var mapElement = holder.querySelector("[data-map]");
    var config = JSON.parse(document.getElementById("map-config").textContent);
    var map = L.map(mapElement).setView(config.centre, 12);
    L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    var marker = null;

    function choose(lat, lon, message) {
      field.value = lat.toFixed(6) + "," + lon.toFixed(6);
      if (marker) {
        marker.setLatLng([lat, lon]);
      } else {
        marker = L.marker([lat, lon], { keyboard: false }).addTo(map);
      }
      status.textContent = message;
    }

    map.on("click", function (event) {
      choose(event.latlng.lat, event.latlng.lng, holder.getAttribute("data-chosen-map"));
    });

    if (useMine && "geolocation" in navigator) {
      useMine.hidden = false;
      useMine.addEventListener("click", function () {
        status.textContent = holder.getAttribute("data-locating");
        navigator.geolocation.getCurrentPosition(
          function (position) {
            var lat = position.coords.latitude;
            var lon = position.coords.longitude;
            map.setView([lat, lon], 15);
            choose(lat, lon, holder.getAttribute("data-chosen-position"));
          },
          function () {
            status.textContent = holder.getAttribute("data-failed");
          },
          { enableHighAccuracy: false, timeout: 10000 }
        );
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
