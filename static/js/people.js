// Progressive enhancement: name suggestions under the directory's name field.
// Without this file the field still works as a plain filter on submit.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[data-people-suggest]").forEach(function (input) {
    // Loaded by the page header and by some pages: bind each field once.
    if (input.hasAttribute("data-suggest-bound")) { return; }
    input.setAttribute("data-suggest-bound", "");
    var list = document.getElementById(input.id + "-suggestions");
    if (!list) { return; }
    var endpoint = input.getAttribute("data-people-suggest");
    var timer = null;
    var lastQuery = "";

    function clear() {
      list.textContent = "";
      list.hidden = true;
    }

    function show(people) {
      list.textContent = "";
      people.forEach(function (person) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = person.url;
        link.textContent = person.title ? person.name + " — " + person.title : person.name;
        item.appendChild(link);
        list.appendChild(item);
      });
      list.hidden = people.length === 0;
    }

    function fetchSuggestions() {
      var query = input.value.trim();
      if (query === lastQuery) { return; }
      lastQuery = query;
      if (query.length < 1) { clear(); return; }
      fetch(endpoint + "?q=" + encodeURIComponent(query), {
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : [];
      }).then(function (people) {
        if (input.value.trim() === query) { show(people); }
      }).catch(clear);
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(fetchSuggestions, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { clear(); }
      if (event.key === "ArrowDown" && !list.hidden) {
        var first = list.querySelector("a");
        if (first) { event.preventDefault(); first.focus(); }
      }
    });
  });
});
