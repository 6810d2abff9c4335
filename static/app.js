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

  // The playground with JavaScript: each column's reply streams in (compare: both columns at once), the stop button
  // aborts the streams (the hub records the calls as client-aborted), and the conversation stays in the page.
  // Without JavaScript the same form posts and the conversation travels in hidden fields.
  function playground(form) {
    var stopButton = form.querySelector("[data-pg-stop]");
    var sendButton = form.querySelector("[data-pg-send]");
    var message = form.querySelector("#pg-message");
    var modelB = form.querySelector("#pg-model-b");
    var codeBox = form.querySelector("#pg-code");
    var controller = null;
    var text = function (name) { return form.getAttribute("data-text-" + name) || ""; };
    var columns = Array.prototype.map.call(form.querySelectorAll(".pg-column"), function (element) {
      var input = element.querySelector("input[type=hidden]");
      var history = [];
      try { history = JSON.parse(input.value || "[]"); } catch (e) { history = []; }
      return { element: element, input: input, history: history, list: element.querySelector(".pg-transcript"), title: element.querySelector(".pg-column-title") };
    });
    var modelSelects = [form.querySelector("#pg-model"), modelB];
    function modelOf(i) { return modelSelects[i] ? modelSelects[i].value : ""; }
    function modelName(i) { var s = modelSelects[i]; return s && s.selectedIndex >= 0 ? s.options[s.selectedIndex].textContent : ""; }
    function syncColumns() {
      columns[1].element.hidden = !modelOf(1);
      form.querySelector(".pg-columns").classList.toggle("pg-compare", !!modelOf(1));
      columns.forEach(function (c, i) { if (modelOf(i)) c.title.textContent = modelName(i); });
    }
    modelSelects.forEach(function (s) { if (s) s.addEventListener("change", syncColumns); });

    function turn(column, role, content) {
      var empty = column.list.querySelector(".pg-empty");
      if (empty) empty.remove();
      var item = document.createElement("li");
      item.className = "pg-turn pg-" + role;
      var label = document.createElement("div");
      label.className = "pg-role small";
      label.textContent = role === "user" ? text("you") : text("assistant");
      var body = document.createElement("div");
      body.className = "pg-text";
      body.textContent = content;
      item.appendChild(label);
      item.appendChild(body);
      column.list.appendChild(item);
      return item;
    }
    function alertIn(column, words) {
      var alert = column.element.querySelector(".pg-alert");
      if (!alert) {
        alert = document.createElement("p");
        alert.className = "alert pg-alert";
        alert.setAttribute("role", "alert");
        column.element.insertBefore(alert, column.input);
      }
      alert.textContent = words;
    }
    function clearAlert(column) {
      var alert = column.element.querySelector(".pg-alert");
      if (alert) alert.remove();
    }
    function commit(column, user, reply) {
      column.history.push({ role: "user", content: user }, { role: "assistant", content: reply });
      column.input.value = JSON.stringify(column.history);
    }
    function paramsFor(column, i, user) {
      var params = new URLSearchParams(new FormData(form));
      params.set("message", user);
      params.set("model", modelOf(i));
      params.set("history", JSON.stringify(column.history));
      params.delete("model_b");
      params.delete("history_b");
      return params;
    }

    // One column's turn; resolves true when the reply arrived whole.
    function send(column, i, user, signal) {
      clearAlert(column);
      var userItem = turn(column, "user", user);
      var replyItem = turn(column, "assistant", "");
      replyItem.classList.add("pg-pending");
      var reply = replyItem.querySelector(".pg-text");
      var metrics = null;
      var failed = false;
      var undo = function () { userItem.remove(); replyItem.remove(); };
      return fetch(form.getAttribute("data-stream-action"), {
        method: "POST",
        headers: { accept: "text/event-stream" },
        body: paramsFor(column, i, user),
        credentials: "same-origin",
        signal: signal,
      }).then(function (response) {
        var type = response.headers.get("content-type") || "";
        // The session ended: the hub sent the login page; go there.
        if (response.redirected && type.indexOf("text/html") >= 0) {
          window.location.href = response.url;
          return false;
        }
        if (!response.ok || !response.body || type.indexOf("text/event-stream") < 0) {
          return response.text().then(function (words) {
            // A refusal is plain text in the page's language; an HTML page (an expired form) says it in its alert.
            if (type.indexOf("text/html") >= 0) {
              var page = new DOMParser().parseFromString(words, "text/html");
              var said = page.querySelector("[role=alert]") || page.body;
              words = said ? said.textContent.trim() : "";
            }
            undo();
            alertIn(column, words || text("network"));
            return false;
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
              var event = JSON.parse(line.slice(6));
              if (event.content) reply.textContent += event.content;
              if (event.error) { failed = true; alertIn(column, event.error); }
              if (event.done) metrics = event.text;
            }
            return pump();
          });
        };
        return pump().then(function () {
          replyItem.classList.remove("pg-pending");
          if (failed || metrics === null) {
            // The words so far are not an answer: they leave the conversation, the alert says why.
            undo();
            if (!failed) alertIn(column, text("network"));
            return false;
          }
          var line = document.createElement("p");
          line.className = "pg-metrics small muted mono";
          line.textContent = metrics;
          replyItem.appendChild(line);
          commit(column, user, reply.textContent);
          return true;
        });
      }).catch(function (error) {
        replyItem.classList.remove("pg-pending");
        if (error && error.name === "AbortError") {
          // Stopped: what arrived stays, marked, and is part of the conversation.
          var note = document.createElement("p");
          note.className = "pg-metrics small muted";
          note.textContent = text("stopped");
          replyItem.appendChild(note);
          if (reply.textContent) commit(column, user, reply.textContent);
          else replyItem.remove();
          return true;
        }
        undo();
        alertIn(column, text("network"));
        return false;
      });
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (controller) return;
      var user = message.value;
      var active = columns.filter(function (c, i) { return i === 0 || !!modelOf(i); });
      controller = new AbortController();
      sendButton.disabled = true;
      stopButton.hidden = false;
      message.value = "";
      Promise.all(active.map(function (c) { return send(c, columns.indexOf(c), user, controller.signal); })).then(function (results) {
        // Every column refused: the message goes back into the box to send again.
        if (results.indexOf(true) < 0 && !message.value) message.value = user;
      }).finally(function () {
        var stopHadFocus = document.activeElement === stopButton;
        controller = null;
        sendButton.disabled = false;
        stopButton.hidden = true;
        if (stopHadFocus) message.focus();
        if (codeBox && codeBox.open) refreshCode();
      });
    });
    stopButton.addEventListener("click", function () {
      if (controller) controller.abort();
    });
    // Ctrl+Enter (⌘+Enter) sends from the message box.
    message.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        if (form.requestSubmit) form.requestSubmit();
        else sendButton.click();
      }
    });

    // "New chat" empties the conversation in place (the link reloads the page without JavaScript).
    var newChat = form.querySelector("[data-pg-new]");
    if (newChat) newChat.addEventListener("click", function (event) {
      event.preventDefault();
      if (controller) controller.abort();
      columns.forEach(function (c) {
        c.history = [];
        c.input.value = "[]";
        clearAlert(c);
        c.list.textContent = "";
        var empty = document.createElement("li");
        empty.className = "pg-empty muted small";
        empty.textContent = text("empty");
        c.list.appendChild(empty);
      });
    });

    // "View code" shows the conversation as it stands, the message being typed included.
    function refreshCode() {
      var params = new URLSearchParams(new FormData(form));
      params.set("history", JSON.stringify(columns[0].history));
      fetch(form.getAttribute("data-code-action"), { method: "POST", body: params, credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var old = document.getElementById("pg-code-body");
          if (old) old.outerHTML = html;
        });
    }
    if (codeBox) {
      codeBox.addEventListener("toggle", function () { if (codeBox.open) refreshCode(); });
      form.addEventListener("change", function () { if (codeBox.open) refreshCode(); });
    }
    syncColumns();
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-playground]");
    if (form) playground(form);
  });
})();
