// The playground page's behaviour (the page loads this file; app.js serves every page).
(function () {
  "use strict";

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
