// Console behaviour that needs JavaScript: copy buttons, closing the show-once key panel, local times, the language switch and chart tooltips on tap (the playground: playground.js).
// Everything else works with plain forms; htmx (loaded before this file) makes it faster.
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) return;
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) return;
    var text = source.value !== undefined ? source.value : source.textContent;
    var done = function () {
      var status = document.getElementById(button.getAttribute("data-copy-status"));
      // The page says it in its own words (data-copied); else in the language of <html lang>.
      var zh = (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
      if (status) status.textContent = button.getAttribute("data-copied") || (zh ? "已复制到剪贴板" : "Copied");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {
        source.select && source.select();
        document.execCommand("copy");
        done();
      });
    } else {
      source.select && source.select();
      document.execCommand("copy");
      done();
    }
  });

  // A show-once panel's "close" link removes it in place (without JavaScript the link reloads the page without it).
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-dismiss]");
    if (!link) return;
    var panel = document.getElementById(link.getAttribute("data-dismiss"));
    if (!panel) return;
    event.preventDefault();
    panel.remove();
    var next = document.getElementById("name");
    if (next) next.focus();
  });

  // After a revoke the new key's secret and snippets leave the screen too (the server sends HX-Trigger: key-revoked).
  document.addEventListener("key-revoked", function () {
    var panel = document.getElementById("key-created");
    if (panel) panel.remove();
  });

  // The request log renders UTC times; with JavaScript they show in the viewer's time zone, and the page says so.
  function localiseTimes(root) {
    var times = root.querySelectorAll ? root.querySelectorAll("time[data-local]") : [];
    if (!times.length) return;
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    for (var i = 0; i < times.length; i++) {
      var date = new Date(times[i].getAttribute("datetime"));
      if (isNaN(date.getTime())) continue;
      times[i].textContent = date.getFullYear() + "-" + pad(date.getMonth() + 1) + "-" + pad(date.getDate()) + " " + pad(date.getHours()) + ":" + pad(date.getMinutes()) + ":" + pad(date.getSeconds());
      times[i].removeAttribute("data-local");
    }
    var note = document.querySelector("[data-local-note]");
    if (note) note.textContent = note.getAttribute("data-local-note");
  }
  document.addEventListener("DOMContentLoaded", function () { localiseTimes(document); });
  document.addEventListener("htmx:after:swap", function () { localiseTimes(document); });

  // An htmx filter or range pushes its URL: the language switch follows it, so the other language shows the same rows.
  // Pushed entries only: a page a form's POST rendered keeps the GET page the server named. A backslash goes as "%5C" (next refuses one).
  function followPushedUrl() {
    var link = document.querySelector("a[data-lang-switch]");
    if (!link || !(history.state && history.state.htmx)) return;
    var url = new URL(link.href, location.href);
    url.searchParams.set("next", (location.pathname + location.search).replace(/\\/g, "%5C"));
    link.setAttribute("href", url.pathname + url.search);
  }
  ["htmx:after:history:push", "htmx:after:history:replace"].forEach(function (name) { document.addEventListener(name, followPushedUrl); });
  window.addEventListener("popstate", followPushedUrl);

  // Usage charts: a tap opens that day's tooltip (Safari does not focus buttons on tap, so :focus alone is not
  // enough) and closes the others; arrow keys move between days, Escape closes.
  function closeTips(except) {
    var open = document.querySelectorAll(".chart-col.open");
    for (var i = 0; i < open.length; i++) if (open[i] !== except) open[i].classList.remove("open");
  }
  document.addEventListener("click", function (event) {
    var column = event.target.closest ? event.target.closest(".chart-col") : null;
    closeTips(column);
    if (column) column.classList.add("open");
  });
  document.addEventListener("keydown", function (event) {
    var column = event.target.closest ? event.target.closest(".chart-col") : null;
    if (!column) return;
    if (event.key === "Escape") {
      column.classList.remove("open");
      column.blur();
      return;
    }
    var columns = Array.prototype.slice.call(column.parentNode.querySelectorAll(".chart-col"));
    var index = columns.indexOf(column);
    var next = event.key === "ArrowLeft" ? index - 1 : event.key === "ArrowRight" ? index + 1 : event.key === "Home" ? 0 : event.key === "End" ? columns.length - 1 : -2;
    if (next === -2) return;
    event.preventDefault();
    var target = columns[Math.max(0, Math.min(columns.length - 1, next))];
    column.setAttribute("tabindex", "-1");
    target.setAttribute("tabindex", "0");
    closeTips(target);
    target.focus();
  });
})();
