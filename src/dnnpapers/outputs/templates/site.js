// The searchable page's one script: it filters and sorts the papers already in the page.
// Without it the page still shows every paper, grouped by topic. dnnpapers.site.shown
// is the same filter in Python; the browser tests hold the two together.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("page_data").textContent);
  var strings = data.strings;
  var $ = function (id) { return document.getElementById("page_" + id); };  // the page's own ids: see site.html.j2
  var form = $("filters"), q = $("q"), from = $("from"), to = $("to"), venue = $("venue"), code = $("code");
  var discussed = $("discussed"), sort = $("sort"), count = $("count"), flat = $("flat"), nothing = $("nothing");
  var results = $("results");
  var firstYear = Number(from.min), lastYear = Number(from.max);

  function normalise(text) {
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  }
  function textOf(el, selector) {
    var found = el.querySelector(selector);
    return found ? found.textContent : "";
  }

  var parent = {}, children = {}, countEls = {}, sections = {}, firstChildSection = new Map();
  data.topics.forEach(function (t) {
    parent[t.slug] = t.parent;
    children[t.slug] = [];
    if (t.parent) children[t.parent].push(t.slug);
  });
  document.querySelectorAll("[data-count]").forEach(function (el) { countEls[el.dataset.count] = el; });
  document.querySelectorAll("section.topic").forEach(function (el) {
    sections[el.dataset.topic] = el;
    firstChildSection.set(el, el.querySelector(":scope > section"));
  });
  function chain(slug) {
    var out = [];
    for (var s = slug; s; s = parent[s]) out.push(s);
    return out;
  }
  function below(slug, into) {
    into.add(slug);
    children[slug].forEach(function (c) { below(c, into); });
    return into;
  }

  var papers = data.papers.map(function (p) {
    var el = document.getElementById(p.id);
    var up = new Set();
    p.tags.forEach(function (t) { chain(t).forEach(function (s) { up.add(s); }); });
    return {
      data: p,
      el: el,
      home: el.parentNode,
      homeChain: chain(el.parentNode.dataset.topic),
      topics: Array.from(up),
      title: normalise(textOf(el, ".title")),
      text: normalise([".title", ".authors", ".venue", ".focus", ".note"].map(function (s) { return textOf(el, s); }).join("\n"))
    };
  });

  function state() {
    return {
      q: q.value,
      topics: Array.from(form.querySelectorAll('input[name="topic"]:checked')).map(function (b) { return b.value; }),
      from: Number(from.value),
      to: Number(to.value),
      venue: venue.value,
      code: code.checked,
      discussed: discussed ? discussed.checked : false,
      sort: sort.value
    };
  }

  function toHash(st) {
    var params = new URLSearchParams();
    if (st.q) params.set("q", st.q);
    if (st.topics.length) params.set("topic", st.topics.join(","));
    if (st.from !== firstYear) params.set("from", String(st.from));
    if (st.to !== lastYear) params.set("to", String(st.to));
    if (st.venue) params.set("venue", st.venue);
    if (st.code) params.set("code", "1");
    if (st.discussed) params.set("discussed", "1");
    if (st.sort !== "topic") params.set("sort", st.sort);
    return params.toString();
  }

  function restore(hash) {
    var params = new URLSearchParams(hash);
    q.value = params.get("q") || "";
    var topics = (params.get("topic") || "").split(",");
    form.querySelectorAll('input[name="topic"]').forEach(function (b) { b.checked = topics.indexOf(b.value) >= 0; });
    from.value = params.get("from") || String(firstYear);
    to.value = params.get("to") || String(lastYear);
    venue.value = params.get("venue") || "";
    if (venue.selectedIndex < 0) venue.value = "";
    code.checked = params.get("code") === "1";
    if (discussed) discussed.checked = params.get("discussed") === "1";
    sort.value = params.get("sort") || "topic";
    if (sort.selectedIndex < 0) sort.value = "topic";
  }

  var layout = "topic";
  function arrange(mode) {
    if (mode === layout) return;
    layout = mode;
    if (mode === "topic") {
      papers.forEach(function (p) { p.home.insertBefore(p.el, firstChildSection.get(p.home)); });
    } else {
      var keyed = papers.slice();
      var byTitle = function (a, b) { return a.title < b.title ? -1 : a.title > b.title ? 1 : a.data.order - b.data.order; };
      var cited = function (p) { return p.data.cited === null ? -1 : p.data.cited; };
      keyed.sort(function (a, b) {
        if (mode === "newest" && a.data.year !== b.data.year) return b.data.year - a.data.year;
        if (mode === "oldest" && a.data.year !== b.data.year) return a.data.year - b.data.year;
        if (mode === "cited" && cited(a) !== cited(b)) return cited(b) - cited(a);
        if (mode === "cited" && a.data.year !== b.data.year) return b.data.year - a.data.year;
        return byTitle(a, b);
      });
      var fragment = document.createDocumentFragment();
      keyed.forEach(function (p) { fragment.appendChild(p.el); });
      flat.appendChild(fragment);
    }
    flat.hidden = mode === "topic";
  }

  function clampYears(moved) {
    if (Number(from.value) <= Number(to.value)) return;
    if (moved === to) from.value = to.value; else to.value = from.value;
  }

  function apply(write) {
    var st = state();
    $("from_out").textContent = String(st.from);
    $("to_out").textContent = String(st.to);
    var tokens = normalise(st.q).split(/\s+/).filter(Boolean);
    var wanted = null;
    if (st.topics.length) {
      wanted = new Set();
      st.topics.forEach(function (t) { if (children[t]) below(t, wanted); });
    }
    var counts = {}, homes = {}, shown = 0;
    papers.forEach(function (p) {
      var d = p.data;
      var ok = d.year >= st.from && d.year <= st.to && (!st.venue || d.venue === st.venue) && (!st.code || d.code) && (!st.discussed || d.discussed);
      for (var i = 0; ok && i < tokens.length; i++) ok = p.text.indexOf(tokens[i]) >= 0;
      if (ok) p.topics.forEach(function (t) { counts[t] = (counts[t] || 0) + 1; });
      var show = ok && (!wanted || d.tags.some(function (t) { return wanted.has(t); }));
      if (p.el.hidden === show) p.el.hidden = !show;
      if (show) {
        shown++;
        p.homeChain.forEach(function (t) { homes[t] = (homes[t] || 0) + 1; });
      }
    });
    Object.keys(countEls).forEach(function (slug) {
      var text = "(" + (counts[slug] || 0) + ")";
      if (countEls[slug].textContent !== text) countEls[slug].textContent = text;
    });
    arrange(st.sort === "topic" ? "topic" : st.sort);
    Object.keys(sections).forEach(function (slug) {
      var hide = layout !== "topic" || !homes[slug];
      if (sections[slug].hidden !== hide) sections[slug].hidden = hide;
    });
    nothing.hidden = shown > 0;
    var total = papers.length;
    count.textContent = (shown === 1 ? strings.one_shown : strings.showing).replace("{n}", String(shown)).replace("{total}", String(total));
    if (write !== false) {
      var hash = toHash(st);
      try {
        history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
      } catch (e) { /* a page opened from a file may refuse; the filters still work */ }
    }
  }

  var bibtex = null;  // parsed on the first copy: most readers never copy
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      if (bibtex === null) bibtex = JSON.parse(document.getElementById("page_bibtex").textContent);
      var text = bibtex[button.dataset.copy];
      var done = function () {
        button.textContent = strings.copied;
        setTimeout(function () { button.textContent = strings.copy_bib; }, 1500);
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () {});
      }
    });
  });

  var onInput = function (event) { clampYears(event.target); apply(true); };
  form.addEventListener("input", onInput);
  form.addEventListener("change", onInput);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  $("clear").addEventListener("click", function () { restore(""); apply(); q.focus(); });
  window.addEventListener("hashchange", function () {
    if (location.hash.indexOf("=") >= 0) { restore(location.hash.slice(1)); clampYears(from); apply(false); }
  });

  document.documentElement.classList.add("js");
  form.hidden = false;
  if (location.hash.indexOf("=") >= 0) restore(location.hash.slice(1));
  clampYears(from);
  apply(false);
  document.documentElement.dataset.ready = "1";
  if (window.performance && performance.mark) performance.mark("dnnpapers-ready");
})();
