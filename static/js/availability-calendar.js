// Progressive enhancement of the availability calendar (templates/components/
// availability_calendar.html): arrow keys move between the day links like a date picker
// (left/right a day, up/down a week, Home/End the week's ends), skipping days that cannot be
// picked. Without JavaScript every day link is still reached with Tab.
(function () {
  "use strict";
  var grid = document.querySelector("[data-calendar-grid]");
  if (!grid) {
    return;
  }
  var links = Array.prototype.slice.call(grid.querySelectorAll("a[data-date]"));
  var byDate = {};
  links.forEach(function (link) { byDate[link.getAttribute("data-date")] = link; });

  function shifted(iso, days) {
    var parts = iso.split("-").map(Number);
    var day = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + days));
    return day.toISOString().slice(0, 10);
  }

  function weekday(iso) {
    var parts = iso.split("-").map(Number);
    return (new Date(Date.UTC(parts[0], parts[1] - 1, parts[2])).getUTCDay() + 6) % 7; // Monday 0
  }

  // The nearest pickable day from `iso` in steps of `step` days, within this month's grid.
  function find(iso, step) {
    for (var n = 1; n <= 31; n++) {
      var candidate = shifted(iso, step * n);
      if (byDate[candidate]) {
        return byDate[candidate];
      }
      if (Math.abs(step) === 1 && n > 6) {
        break;
      }
    }
    return null;
  }

  grid.addEventListener("keydown", function (event) {
    var link = event.target.closest("a[data-date]");
    if (!link || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var iso = link.getAttribute("data-date");
    var target = null;
    switch (event.key) {
      case "ArrowLeft": target = find(iso, -1); break;
      case "ArrowRight": target = find(iso, 1); break;
      case "ArrowUp": target = find(iso, -7); break;
      case "ArrowDown": target = find(iso, 7); break;
      case "Home": target = byDate[shifted(iso, -weekday(iso))] || find(shifted(iso, -weekday(iso)), 1); break;
      case "End": target = byDate[shifted(iso, 6 - weekday(iso))] || find(shifted(iso, 6 - weekday(iso)), -1); break;
      default: return;
    }
    event.preventDefault();
    if (target) {
      target.focus();
    }
  });
})();
