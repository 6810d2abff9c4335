// Console behaviour that needs JavaScript: copy buttons, closing the show-once key panel, chart tooltips on tap and the streaming playground.
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

  // The playground streams the answer with fetch when JavaScript is on; the form posts normally otherwise.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-playground]")) return;
    event.preventDefault();
    var output = document.getElementById("playground-output");
    var meta = document.getElementById("playground-meta");
    var button = form.querySelector("button[type=submit]");
    output.textContent = "";
    meta.textContent = "";
    button.disabled = true;
    fetch(form.getAttribute("data-stream-action"), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/event-stream" },
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok || !response.body) {
        return response.text().then(function (text) {
          output.textContent = text;
        });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      var pump = function () {
        return reader.read().then(function (chunk) {
          if (chunk.done) return;
          buffer += decoder.decode(chunk.value, { stream: true });
          var index;
          while ((index = buffer.indexOf("\n\n")) >= 0) {
            var line = buffer.slice(0, index);
            buffer = buffer.slice(index + 2);
            if (line.indexOf("data: ") !== 0) continue;
            var data = line.slice(6);
            if (data === "[DONE]") continue;
            var event = JSON.parse(data);
            if (event.content) output.textContent += event.content;
            if (event.error) meta.textContent = event.error;
            if (event.done) meta.textContent = event.model + " · " + event.tokens_used + " tokens · $" + event.cost + " · quota " + event.quota_remaining;
          }
          return pump();
        });
      };
      return pump();
    }).catch(function (error) {
      meta.textContent = String(error);
    }).finally(function () {
      button.disabled = false;
    });
  });
})();
