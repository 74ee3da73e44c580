// The student picker of a group across classes: typing filters students by name, or keeps
// a whole class when its name matches («7б»). Without this script every student is listed.
(function () {
  "use strict";
  var input = document.querySelector("[data-member-filter]");
  if (!input) { return; }
  var blocks = document.querySelectorAll("[data-member-class]");
  input.addEventListener("input", function () {
    var query = input.value.trim().toLowerCase().replace(/ё/g, "е");
    blocks.forEach(function (block) {
      var classMatches = !query || block.dataset.memberClass.replace(/ё/g, "е").indexOf(query) !== -1;
      var any = false;
      block.querySelectorAll("[data-member-name]").forEach(function (label) {
        var box = label.querySelector("input");
        var show = classMatches || label.dataset.memberName.replace(/ё/g, "е").indexOf(query) !== -1
          || (box && box.checked && query === "");
        label.hidden = !show;
        any = any || show;
      });
      block.hidden = !any;
    });
  });
})();
