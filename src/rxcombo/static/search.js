// Instant search over the compact name index (search-index.json): [label, url, kind].
(function () {
  "use strict";
  var input = document.getElementById("q"), list = document.getElementById("results"), status = document.getElementById("status");
  var index = null, failed = "";  // [normalised, label, url, kind] rows once search-index.json has loaded
  var base = (document.querySelector("a.brand").getAttribute("href") || "index.html").replace(/index\.html$/, "");
  function norm(s) { return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/[^a-z0-9+ ]+/g, " ").replace(/\s+/g, " ").trim(); }
  fetch(base + "search-index.json").then(function (r) { return r.json(); }).then(function (data) {
    index = data.map(function (row) { return [norm(row[0]), row[0], row[1], row[2]]; });
    status.textContent = index.length + " names loaded.";
    if (input.value) { show(); }
  }).catch(function () { failed = "The search index could not be loaded."; status.textContent = failed; });
  function show() {
    var q = norm(input.value);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    if (!q) { status.textContent = ""; return; }
    if (!index) { status.textContent = failed || "Still loading the names; results will appear when they have loaded."; return; }
    var starts = [], contains = [];
    for (var i = 0; i < index.length; i++) {
      var pos = index[i][0].indexOf(q);
      if (pos === 0) { starts.push(index[i]); } else if (pos > 0) { contains.push(index[i]); }
    }
    var hits = starts.concat(contains).slice(0, 30);
    status.textContent = hits.length ? (starts.length + contains.length) + " matches" : "No page matches \u201c" + input.value + "\u201d.";
    hits.forEach(function (h) {
      var li = document.createElement("li"), a = document.createElement("a");
      a.href = base + h[2]; a.textContent = h[1];
      li.appendChild(a); li.appendChild(document.createTextNode(" (" + h[3] + ")"));
      list.appendChild(li);
    });
  }
  input.addEventListener("input", show);
})();
