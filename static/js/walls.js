// Walls, progressive enhancement only: "N new posts" polling and @mention suggestions.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // "N new posts": poll the count of feed posts newer than the first one shown.
  var box = document.getElementById("new-posts");
  if (box && box.dataset.since && window.fetch) {
    var poll = function () {
      fetch(box.dataset.url + "?since=" + encodeURIComponent(box.dataset.since),
            {headers: {"Accept": "application/json"}, credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data || !data.count) { return; }
          var link = box.querySelector("a") || document.createElement("a");
          link.href = "/";
          link.classList.remove("check-new");
          link.textContent = (box.dataset.label || "%s new posts").replace("%s", data.count);
          if (!link.parentNode) { box.appendChild(link); }
        })
        .catch(function () {});
    };
    window.setInterval(poll, 60000);
  }

  // @mention suggestions in post and comment text areas, from /people/suggest?q=.
  var areas = document.querySelectorAll("textarea[name=body]");
  if (!areas.length || !window.fetch) { return; }
  var list = document.createElement("ul");
  list.className = "mention-suggestions";
  list.id = "mention-suggestions";
  list.setAttribute("role", "listbox");
  list.hidden = true;
  document.body.appendChild(list);
  var active = null, timer = null;

  function currentWord(area) {
    var before = area.value.slice(0, area.selectionStart);
    var m = /(^|[\s(])@([\w.-]{1,40})$/.exec(before);
    return m ? m[2] : null;
  }
  function close() { list.hidden = true; list.textContent = ""; if (active) { active.removeAttribute("aria-activedescendant"); } }
  function choose(area, handle) {
    var pos = area.selectionStart, before = area.value.slice(0, pos), after = area.value.slice(pos);
    var start = before.lastIndexOf("@");
    area.value = before.slice(0, start) + "@" + handle + " " + after;
    area.selectionStart = area.selectionEnd = start + handle.length + 2;
    close();
    area.focus();
  }
  function show(area, people) {
    list.textContent = "";
    if (!people.length) { close(); return; }
    people.forEach(function (p, i) {
      var li = document.createElement("li");
      li.id = "mention-option-" + i;
      li.setAttribute("role", "option");
      li.textContent = p.name + " (@" + p.handle + ")";
      li.dataset.handle = p.handle;
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(area, p.handle); });
      list.appendChild(li);
    });
    area.parentNode.insertBefore(list, area.nextSibling);
    list.hidden = false;
  }
  areas.forEach(function (area) {
    area.setAttribute("aria-autocomplete", "list");
    area.setAttribute("aria-controls", "mention-suggestions");
    area.addEventListener("input", function () {
      active = area;
      var word = currentWord(area);
      window.clearTimeout(timer);
      if (!word) { close(); return; }
      timer = window.setTimeout(function () {
        fetch("/people/suggest?q=" + encodeURIComponent(word), {headers: {"Accept": "application/json"}, credentials: "same-origin"})
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            var people = data && (data.people || data.results || data);
            show(area, Array.isArray(people) ? people.slice(0, 8) : []);
          })
          .catch(close);
      }, 200);
    });
    area.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      var options = list.querySelectorAll("li"), current = list.querySelector("[aria-selected=true]");
      var index = Array.prototype.indexOf.call(options, current);
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        if (current) { current.removeAttribute("aria-selected"); }
        index = e.key === "ArrowDown" ? (index + 1) % options.length : (index - 1 + options.length) % options.length;
        options[index].setAttribute("aria-selected", "true");
        area.setAttribute("aria-activedescendant", options[index].id);
      } else if ((e.key === "Enter" || e.key === "Tab") && current) {
        e.preventDefault();
        choose(area, current.dataset.handle);
      } else if (e.key === "Escape") {
        close();
      }
    });
    area.addEventListener("blur", function () { window.setTimeout(close, 150); });
  });
});
