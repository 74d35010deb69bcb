/* The embed code page: update the preview and code as options change, and copy the code.
   Without this script the form's button does the same by reloading the page. */
(function () {
  "use strict";
  var form = document.querySelector("[data-embed-form]");
  var status = document.querySelector("[data-embed-status]");

  function bindCopy() {
    var button = document.querySelector("[data-copy]");
    if (!button) { return; }
    button.parentNode.hidden = false;
    button.addEventListener("click", function () {
      var box = document.getElementById(button.getAttribute("data-copy"));
      var said = document.querySelector("[data-copy-status]");
      box.select();
      var done = function () { said.textContent = "Copied."; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(box.value).then(done, function () {
          said.textContent = "Select the code and copy it.";
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  }
  bindCopy();

  if (!form || !window.fetch || !window.DOMParser) { return; }
  // Changes can come quickly (leaving a box, then ticking another): only the answer to the
  // latest one is shown, whichever order the answers arrive in.
  var latest = 0;
  form.addEventListener("change", function () {
    var query = new URLSearchParams(new FormData(form)).toString();
    var url = form.getAttribute("action") + "?" + query;
    var asked = ++latest;
    fetch(url, { credentials: "omit" }).then(function (response) {
      return response.text();
    }).then(function (html) {
      if (asked !== latest) { return; }
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-embed-result]");
      var old = document.querySelector("[data-embed-result]");
      if (!fresh || !old) { return; }
      old.replaceWith(fresh);
      bindCopy();
      window.history.replaceState(null, "", url);
      status.textContent = fresh.getAttribute("data-embed-problem")
        ? "There is a problem with the options, so there is no code yet. It is explained under The code for your page."
        : "The preview and code are updated.";
    });
  });
})();
