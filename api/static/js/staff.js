/* The staff list: "Select all on this page" ticks or unticks every place on the page, and
   a count of the places chosen is read out as it changes. The list works without this script
   (each place is ticked on its own). */
(function () {
  "use strict";
  var form = document.getElementById("bulk");
  if (!form) { return; }
  var all = document.getElementById("pick-all");
  var count = document.getElementById("picked-count");
  var boxes = form.querySelectorAll("input[name='place']");

  function update() {
    var ticked = 0;
    Array.prototype.forEach.call(boxes, function (box) { if (box.checked) { ticked += 1; } });
    all.checked = ticked > 0 && ticked === boxes.length;
    all.indeterminate = ticked > 0 && ticked < boxes.length;
    count.textContent = ticked === 0 ? "No places ticked yet." :
      ticked === 1 ? "1 place ticked." : ticked + " places ticked.";
  }

  all.addEventListener("change", function () {
    Array.prototype.forEach.call(boxes, function (box) { box.checked = all.checked; });
    update();
  });
  Array.prototype.forEach.call(boxes, function (box) { box.addEventListener("change", update); });
  update();
})();
