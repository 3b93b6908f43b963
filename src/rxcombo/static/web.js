// Small enhancement of the server-rendered checker: suggestions while typing, and adding a
// name to the list before the form is submitted. Without JavaScript the form still works.
(function () {
  "use strict";
  var form = document.getElementById("builder"), add = document.getElementById("add");
  var hidden = document.getElementById("drugs"), list = document.getElementById("suggestions");
  if (!form || !add) { return; }
  // After adding a medicine the cursor goes back to the input, without scrolling the answer away.
  if (/[?&]focus=add\b/.test(window.location.search)) { add.focus({ preventScroll: true }); }
  var timer = null;
  add.addEventListener("input", function () {
    clearTimeout(timer);
    var q = add.value.trim();
    if (q.length < 2) { return; }
    timer = setTimeout(function () {
      fetch("/api/v1/drugs?limit=10&q=" + encodeURIComponent(q)).then(function (r) { return r.ok ? r.json() : []; }).then(function (hits) {
        while (list.firstChild) { list.removeChild(list.firstChild); }
        hits.forEach(function (h) { var o = document.createElement("option"); o.value = h.match; o.label = h.match === h.name ? h.name : h.match + " (" + h.name + ")"; list.appendChild(o); });
      }).catch(function () {});
    }, 120);
  });
  form.addEventListener("submit", function () {
    var v = add.value.trim();
    // Enter on a partly typed name takes the first suggestion that starts with it ("Pax" -> "Paxil").
    var options = Array.prototype.map.call(list.options, function (o) { return o.value; });
    var lower = v.toLowerCase();
    if (v && options.every(function (o) { return o.toLowerCase() !== lower; })) {
      var first = options.filter(function (o) { return o.toLowerCase().indexOf(lower) === 0; })[0];
      if (first) { v = first; }
    }
    if (v) { hidden.value = hidden.value ? hidden.value + "," + v : v; }
    add.removeAttribute("name");
    var focusFlag = document.createElement("input");
    focusFlag.type = "hidden"; focusFlag.name = "focus"; focusFlag.value = "add";
    form.appendChild(focusFlag);
  });
})();
