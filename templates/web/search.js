/* Search of the phone edition, as the resident types: the items' names, aliases, pinyin
   (whole and initials), offices, handlers and the words of their conditions and materials,
   from search-index.js (written at build time; a page opened from a folder cannot fetch
   JSON). Chinese is matched by overlapping character pairs and single characters; a match in
   the name weighs most. And the 大字 switch, remembered on the device. */
(function () {
  "use strict";
  var WEIGHTS = { name: 10, aliases: 8, pinyin: 6, initials: 5, people: 4, office: 3, text: 1 };

  function setLarge(on) {
    document.documentElement.classList.toggle("large", on);
    var button = document.getElementById("size");
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
    try { localStorage.setItem("booklet-large", on ? "1" : "0"); } catch (e) { /* private mode */ }
  }

  function grams(text) {
    var chars = Array.from(text), found = {};
    for (var i = 0; i < chars.length; i++) {
      found[chars[i]] = true;
      if (i + 1 < chars.length) found[chars[i] + chars[i + 1]] = true;
    }
    return Object.keys(found);
  }

  function normal(text) { return text.toLowerCase().replace(/\s+/g, ""); }

  var prepared = null;

  function prepare(index) {
    // Each field once in the form a query is matched against: lower case, no spaces, and the
    // words a query may equal exactly (a name, an alias, a reading, a person).
    return index.items.map(function (item) {
      var fields = {};
      for (var field in WEIGHTS) {
        var text = item[field] || "";
        fields[field] = {
          value: normal(text),
          words: field === "text" || field === "office" ? [] : text.split(/[、 ]/).map(normal)
        };
      }
      return fields;
    });
  }

  function score(fields, query, parts, chars) {
    var total = 0;
    for (var field in WEIGHTS) {
      var value = fields[field].value;
      if (!value) continue;
      var at = value.indexOf(query);
      if (fields[field].words.indexOf(query) >= 0) total += WEIGHTS[field] * 100;  // a whole name, alias or person
      else if (at >= 0) total += WEIGHTS[field] * (chars.length + 2) * (at === 0 ? 2 : 1);
      else if (chars.every(function (c) { return value.indexOf(c) >= 0; })) {
        // Every character there, not together: pairs found count more.
        var hits = 0;
        for (var i = 0; i < parts.length; i++) if (value.indexOf(parts[i]) >= 0) hits += parts[i].length;
        total += WEIGHTS[field] * hits / 2;
      }
    }
    return total;
  }

  function search(query) {
    var index = window.BOOKLET_INDEX;
    if (!index || !query) return [];
    prepared = prepared || prepare(index);
    var parts = grams(query), chars = Array.from(query), found = [];
    for (var i = 0; i < prepared.length; i++) {
      var s = score(prepared[i], query, parts, chars);
      if (s > 0) found.push([s, i]);
    }
    found.sort(function (a, b) { return b[0] - a[0] || a[1] - b[1]; });
    return found.slice(0, 30).map(function (pair) { return index.items[pair[1]]; });
  }

  function show(results, query) {
    var list = document.getElementById("results"), count = document.getElementById("count");
    list.textContent = "";
    count.textContent = query ? (results.length ? "找到 " + results.length + " 项" : "没有找到，请换个说法，或拨打下面的监督电话问一问") : "";
    results.forEach(function (item) {
      var li = document.createElement("li"), a = document.createElement("a"), where = document.createElement("span");
      a.href = "items/" + item.id + ".html";
      a.textContent = item.name;
      where.className = "where";
      where.textContent = item.category + " · " + item.office + " · 找 " + item.who + " " + item.phone;
      li.appendChild(a);
      li.appendChild(where);
      list.appendChild(li);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var button = document.getElementById("size");
    if (button) {
      button.setAttribute("aria-pressed", document.documentElement.classList.contains("large") ? "true" : "false");
      button.addEventListener("click", function () { setLarge(!document.documentElement.classList.contains("large")); });
    }
    var input = document.getElementById("q");
    if (!input) return;
    if (window.BOOKLET_INDEX) prepared = prepare(window.BOOKLET_INDEX);  // before the first key, not on it
    function run() { var query = normal(input.value); show(search(query), query); }
    input.addEventListener("input", run);
    if (location.hash.indexOf("#q=") === 0) {  // a search passed on as a link: index.html#q=低保
      input.value = decodeURIComponent(location.hash.slice(3));
      run();
    }
  });
  window.bookletSearch = search;
})();
