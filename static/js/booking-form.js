// Progressive enhancement of the booking form: the return date cannot be chosen before the
// pickup date, and moving the pickup past the return moves the return along (a day later).
// The server checks every rule again; without JavaScript the form works the same.
(function () {
  "use strict";
  var form = document.querySelector("[data-booking-form]");
  if (!form) {
    return;
  }
  var start = form.querySelector("input[name=start_date]");
  var end = form.querySelector("input[name=end_date]");
  if (!start || !end) {
    return;
  }
  function follow() {
    if (!start.value) {
      return;
    }
    end.min = start.value;
    if (!end.value || end.value < start.value) {
      var parts = start.value.split("-").map(Number);
      end.value = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2] + 1)).toISOString().slice(0, 10);
    }
  }
  start.addEventListener("change", follow);
  if (start.value) {
    end.min = start.value;
  }
})();
