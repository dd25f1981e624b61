// The narrative box: what is pasted from Word or a web page keeps its headings, lists,
// tables and links (the server turns the clipboard's HTML into Markdown), and the preview
// follows the typing. Without this script the box takes plain text and "Preview" posts.
(function () {
  "use strict";

  var form = document.getElementById("main-form");
  var box = form && form.querySelector("textarea");
  var preview = document.getElementById("narrative-preview");
  if (!form || !box || !preview) {
    return;
  }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var previewUrl = form.dataset.pasteUrl.replace(/from-html\/$/, "preview/");
  var timer = null;

  function post(url, fields) {
    var body = new FormData();
    Object.keys(fields).forEach(function (name) {
      body.append(name, fields[name]);
    });
    return fetch(url, {
      method: "POST",
      body: body,
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    });
  }

  function refresh() {
    post(previewUrl, { body: box.value })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          preview.innerHTML = html; // sanitised by the server (plans/narrative.py)
        }
      });
  }

  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });

  box.addEventListener("paste", function (event) {
    var html = event.clipboardData && event.clipboardData.getData("text/html");
    if (!html) {
      return; // plain text: the browser pastes it as it is
    }
    event.preventDefault();
    var start = box.selectionStart;
    var end = box.selectionEnd;
    var plain = event.clipboardData.getData("text/plain");
    post(form.dataset.pasteUrl, { html: html })
      .then(function (response) {
        return response.ok ? response.json() : { markdown: plain };
      })
      .catch(function () {
        return { markdown: plain };
      })
      .then(function (result) {
        box.setRangeText(result.markdown, start, end, "end");
        box.dispatchEvent(new Event("input", { bubbles: true }));
      });
  });
})();
