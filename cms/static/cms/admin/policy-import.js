// Import a policy document: upload each chosen file on its own request, with its progress,
// then link to each file's review. Without JavaScript the form posts all files at once.
(function () {
  "use strict";
  var form = document.querySelector("[data-policy-import]");
  if (!form || !window.XMLHttpRequest || !window.FormData) return;
  var list = document.querySelector("[data-policy-import-progress]");
  var input = form.querySelector("input[type=file]");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;

  function item(name) {
    var li = document.createElement("li");
    li.className = "policy-import-progress__item";
    var label = document.createElement("span");
    label.className = "policy-import-progress__name";
    label.dir = "auto";
    label.textContent = name;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    var state = document.createElement("span");
    state.className = "policy-import-progress__state";
    li.append(label, bar, state);
    list.appendChild(li);
    return { li: li, bar: bar, state: state };
  }

  function send(file, row) {
    return new Promise(function (resolve) {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      data.append("files", file);
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) row.bar.value = Math.round((event.loaded / event.total) * 90);
      });
      request.upload.addEventListener("load", function () {
        row.bar.value = 90;
        row.state.textContent = form.dataset.readingLabel;
      });
      request.addEventListener("load", function () {
        row.bar.value = 100;
        var result;
        try {
          result = JSON.parse(request.responseText).results[0];
        } catch (error) {
          result = { error: form.dataset.networkLabel };
        }
        if (result.url) {
          var link = document.createElement("a");
          link.className = "button button-small";
          link.href = result.url;
          link.textContent = form.dataset.doneLabel;
          row.state.replaceChildren(link);
        } else {
          row.li.classList.add("is-error");
          row.state.textContent = form.dataset.failedLabel + ": " + result.error;
        }
        resolve(result);
      });
      request.addEventListener("error", function () {
        row.li.classList.add("is-error");
        row.state.textContent = form.dataset.networkLabel;
        resolve({ error: form.dataset.networkLabel });
      });
      request.send(data);
    });
  }

  form.addEventListener("submit", function (event) {
    if (!input.files.length) return;
    event.preventDefault();
    list.replaceChildren();
    var files = Array.prototype.slice.call(input.files);
    var rows = files.map(function (file) { return item(file.name); });
    var results = [];
    files.reduce(function (chain, file, index) {
      return chain.then(function () {
        return send(file, rows[index]).then(function (result) { results.push(result); });
      });
    }, Promise.resolve()).then(function () {
      if (results.length === 1 && results[0].url) window.location.href = results[0].url;
    });
  });
})();
