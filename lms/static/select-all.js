/* A "select all" checkbox above a list of checkboxes (the approval queue): `data-select-all` holds the name prefix of
   the checkboxes it ticks. It is hidden until this script runs: without JavaScript, the page's "Approve all N listed"
   button acts on the same rows. Ticking a row by hand updates it (ticked, not ticked, or mixed). */
(function () {
  "use strict";
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    var form = all.form;
    var prefix = all.getAttribute("data-select-all");
    if (!form || !prefix) {
      return;
    }
    function boxes() {
      return Array.prototype.filter.call(form.querySelectorAll("input[type=checkbox]"), function (box) {
        return box !== all && box.name.indexOf(prefix) === 0;
      });
    }
    function update() {
      var list = boxes();
      var ticked = list.filter(function (box) { return box.checked; }).length;
      all.checked = list.length > 0 && ticked === list.length;
      all.indeterminate = ticked > 0 && ticked < list.length;
    }
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      update();
    });
    form.addEventListener("change", function (event) {
      if (event.target !== all) {
        update();
      }
    });
    update();
    var wrapper = all.closest("[hidden]");
    if (wrapper) {
      wrapper.hidden = false;
    }
  });
}());
