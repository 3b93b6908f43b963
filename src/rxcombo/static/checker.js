// Offline interaction checker: reads checker-data.json (precomputed by the rxcombo engine).
(function () {
  "use strict";
  var base = (document.querySelector("a.brand").getAttribute("href") || "index.html").replace(/index\.html$/, "");
  var data = null, chosen = [], pending = [];
  var form = document.getElementById("add-form"), input = document.getElementById("drug");
  var chips = document.getElementById("chips"), status = document.getElementById("checker-status"), results = document.getElementById("results"), unknown = document.getElementById("unknown");
  function norm(s) { return s.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "").replace(/'s\b/g, "s").replace(/[^a-z0-9%.+\/ -]+/g, " ").replace(/[-.]/g, " ").replace(/\s+/g, " ").trim(); }
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined) { e.textContent = text; } if (cls) { e.className = cls; } return e; }
  fetch(base + "checker-data.json").then(function (r) { return r.json(); }).then(function (d) {
    data = d;
    var dl = document.getElementById("drug-names");
    d.drugs.forEach(function (drug) { var o = document.createElement("option"); o.value = drug.name; dl.appendChild(o); });
    status.textContent = d.drugs.length + " medicines and substances loaded.";
    // Names typed while the data was loading are checked now, never dropped.
    if (pending.length) { pending.splice(0).forEach(addEntries); render(); }
  }).catch(function () {
    status.textContent = "The checker data could not be loaded, so nothing can be checked on this page.";
    if (pending.length) { unknown.appendChild(el("p", "Not checked (the data did not load): " + pending.join(", "), "warn")); }
  });
  function distance(a, b) {
    var m = a.length, n = b.length, prev = [], cur, i, j;
    for (j = 0; j <= n; j++) { prev[j] = j; }
    for (i = 1; i <= m; i++) { cur = [i]; for (j = 1; j <= n; j++) { cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1)); } prev = cur; }
    return prev[n];
  }
  function suggest(key) {
    var scored = [];
    Object.keys(data.names).forEach(function (name) { var d = distance(key, name); if (d <= Math.max(2, Math.floor(key.length / 4))) { scored.push([d, data.drugs[data.names[name]].name]); } });
    scored.sort(function (a, b) { return a[0] - b[0]; });
    var out = [];
    scored.forEach(function (s) { if (out.indexOf(s[1]) < 0 && out.length < 3) { out.push(s[1]); } });
    return out;
  }
  function fill(template, names, params) {
    return template.replace(/\{(\w+)\}/g, function (m, key) {
      if (key === "a" || key === "perpetrator") { return names[0]; }
      if (key === "b" || key === "victim") { return names[1]; }
      if (key === "drugs") { return names.join(", "); }
      if (key === "count") { return String(names.length); }
      return params && params[key] !== undefined ? params[key] : m;
    });
  }
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var raw = input.value.trim();
    if (!raw) { return; }
    input.value = "";
    if (!data) {
      pending.push(raw);
      status.textContent = "Still loading the checker data; " + pending.join(", ") + " will be checked as soon as it has loaded.";
      return;
    }
    unknown.textContent = "";
    addEntries(raw);
    render();
  });
  function addEntries(raw) {
    var parts = raw.split(/\s*(?:\+|\/|;|,|&)\s*/).filter(Boolean);
    parts.forEach(function (part) {
      var idx = data.names[norm(part)];
      if (idx === undefined) {
        var s = suggest(norm(part));
        var p = el("p", "\u201c" + part + "\u201d is not recognised and was NOT checked." + (s.length ? " Did you mean: " + s.join(", ") + "?" : ""), "warn");
        unknown.appendChild(p);
      } else if (chosen.indexOf(idx) < 0) {
        chosen.push(idx);
      }
    });
  }
  function render() {
    while (chips.firstChild) { chips.removeChild(chips.firstChild); }
    chosen.forEach(function (idx, pos) {
      var chip = el("span", data.drugs[idx].name + " ", "chip"), btn = el("button", "\u00d7");
      btn.setAttribute("aria-label", "Remove " + data.drugs[idx].name);
      btn.addEventListener("click", function () { chosen.splice(pos, 1); render(); });
      chip.appendChild(btn); chips.appendChild(chip);
    });
    while (results.firstChild) { results.removeChild(results.firstChild); }
    if (chosen.length < 2) { results.appendChild(el("p", "Add two or more medicines.")); return; }
    var found = [];
    for (var i = 0; i < chosen.length; i++) {
      for (var j = i + 1; j < chosen.length; j++) {
        var a = Math.min(chosen[i], chosen[j]), b = Math.max(chosen[i], chosen[j]);
        (data.pairs[a + "," + b] || []).forEach(function (e) {
          var t = data.texts[e[0]], names = [data.drugs[e[2]].name, data.drugs[e[3]].name];
          found.push({ sev: e[1], title: t.title, summary: fill(t.summary, names, data.params[e[4]]), manage: fill(t.management, names, data.params[e[4]]), names: names });
        });
      }
    }
    var drugs = chosen.map(function (idx) { return data.drugs[idx]; }), th = data.thresholds;
    function add(rule, members, extra) { var t = data.cumulative[rule]; var names = members.map(function (d) { return d.name; });
      found.push({ sev: 2, title: t.title, summary: fill(t.summary, names, extra), manage: fill(t.management, names, extra), names: names }); }
    var cns = drugs.filter(function (d) { return d.cns; }); if (cns.length >= th.cns_active) { add("cumulative-cns-active", cns, {}); }
    var acb = drugs.filter(function (d) { return d.acb > 0; }), total = acb.reduce(function (s, d) { return s + d.acb; }, 0);
    if (total >= th.anticholinergic_total && acb.length >= 2) { add("cumulative-anticholinergic", acb, { total: String(total) }); }
    var qt = drugs.filter(function (d) { return d.qt; }); if (qt.length >= th.qt) { add("cumulative-qt", qt, {}); }
    var sero = drugs.filter(function (d) { return d.sero; }); if (sero.length >= th.serotonergic) { add("cumulative-serotonergic", sero, {}); }
    found.sort(function (x, y) { return x.sev - y.sev; });
    if (!found.length) { results.appendChild(el("p", "No interactions found among the recognised medicines in the rxcombo knowledge base. This does not prove the combination is safe.")); return; }
    found.forEach(function (f) {
      var box = el("div", undefined, "finding sev-box-" + data.severities[f.sev]);
      var h = el("h3"); h.appendChild(el("span", data.severities[f.sev].toUpperCase(), "sev sev-" + data.severities[f.sev]));
      h.appendChild(document.createTextNode(" " + f.title + " (" + f.names.join(" + ") + ")"));
      box.appendChild(h); box.appendChild(el("p", f.summary)); box.appendChild(el("p", "What to do: " + f.manage));
      results.appendChild(box);
    });
    results.appendChild(el("p", "Information only, not medical advice. Each medicine's page lists the sources behind these results."));
  }
})();
