"""Watching a page for script that should never run, and for markup that should never be there.

`WATCH_SCRIPT` is added with `context.add_init_script`: it runs before the page's own scripts in
every frame and records, in `window.__agoraWatch`, any call to alert/confirm/prompt/print/open,
document.write, a payload's own `__xss()` beacon, a <script> added that is not one of
Agora's static files, and any Content-Security-Policy violation.
"""
from __future__ import annotations

WATCH_SCRIPT = r"""
(() => {
  const hits = [];
  Object.defineProperty(window, "__agoraWatch", {value: hits});
  const record = (kind, detail) => hits.push(kind + ": " + String(detail).slice(0, 300));
  for (const name of ["alert", "confirm", "prompt", "print", "open"]) {
    // (eval stays: Playwright evaluates through it; whatever eval runs still trips these.)
    window[name] = function (...args) { record(name, args[0]); return null; };
  }
  window.__xss = (x) => record("beacon", x);
  Document.prototype.write = function (...args) { record("document.write", args.join("")); };
  Document.prototype.writeln = function (...args) { record("document.writeln", args.join("")); };
  document.addEventListener("securitypolicyviolation", (e) =>
    record("csp", e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " " + (e.sample || "")));
  const own = location.origin + "/static/";
  new MutationObserver((mutations) => {
    for (const m of mutations) for (const node of m.addedNodes) {
      if (node.nodeName === "SCRIPT" && !(node.src && node.src.startsWith(own))) record("script", node.outerHTML);
    }
  }).observe(document, {childList: true, subtree: true});
})();
"""

# Markup that no Agora page contains on its own: any of it on a page means user input got through.
DOM_SCAN = r"""
() => {
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "background", "poster",
                    "lowsrc", "dynsrc", "codebase", "cite", "srcset"];
  const show = (el) => el.outerHTML.slice(0, 200);
  for (const el of document.querySelectorAll("*")) {
    const tag = el.nodeName.toLowerCase();
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.replace(/[\s\u0000-\u001f]+/g, "").toLowerCase();
      if (name.startsWith("on")) found.push("event handler " + name + ": " + show(el));
      if (name === "style" || name === "srcdoc" || name === "formaction") found.push(name + ": " + show(el));
      if (urlAttrs.includes(name) && /^(javascript|vbscript|livescript):/.test(value)) found.push("script URL: " + show(el));
      if (urlAttrs.includes(name) && value.startsWith("data:") && !(tag === "img" && /^data:image\/(png|gif|jpeg|webp);/.test(value)))
        found.push("data URL: " + show(el));
    }
    if (tag === "script" && !(el.src && el.src.startsWith(location.origin + "/static/"))) found.push("script: " + show(el));
    if (["iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "template", "portal"].includes(tag))
      found.push(tag + ": " + show(el));
    if (tag === "meta" && el.closest("body")) found.push("meta in body: " + show(el));
    if (tag === "link" && el.closest("body")) found.push("link in body: " + show(el));
    if (["svg", "math", "form", "input", "button", "textarea", "select"].includes(tag) && el.closest(".content"))
      found.push(tag + " in user content: " + show(el));
  }
  return found;
}
"""


def events(page) -> list[str]:
    """What the watch recorded on the page so far."""
    return page.evaluate("() => Array.from(window.__agoraWatch || [])")


def dom_dangers(page) -> list[str]:
    return page.evaluate(DOM_SCAN)


def check_csp(header: str | None) -> list[str]:
    """What is wrong with a Content-Security-Policy: unsafe sources, hosts, missing directives."""
    if not header:
        return ["no Content-Security-Policy header"]
    problems = []
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    for name, sources in directives.items():
        for source in sources:
            low = source.lower()
            if low in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*") \
                    or low.startswith(("http:", "https:", "ws:", "wss:", "blob:")) \
                    or (not low.startswith("'") and low not in ("data:",)):
                problems.append(f"{name} allows {source}")
            if low == "data:" and name != "img-src":
                problems.append(f"{name} allows data:")
    for name, expected in {"default-src": ["'self'"], "script-src": ["'self'"], "object-src": ["'none'"],
                           "base-uri": ["'none'"], "frame-ancestors": ["'none'"]}.items():
        if directives.get(name) != expected:
            problems.append(f"{name} is {directives.get(name)}, expected {expected}")
    return problems
