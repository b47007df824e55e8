// Arena's small amount of JavaScript: sortable tables, relative times and the upload form.
// Every page works without it; this only makes it nicer.
(function () {
  "use strict";

  // --- sortable tables: <table class="sortable"> with <th data-sort="num|text"> ---
  function cellValue(row, index, kind) {
    const cell = row.children[index];
    const raw = cell ? (cell.dataset.value ?? cell.textContent.trim()) : "";
    if (kind === "num") {
      const number = parseFloat(raw);
      return Number.isNaN(number) ? -Infinity : number;
    }
    return raw.toLowerCase();
  }
  function sortBy(table, th) {
    const index = Array.from(th.parentNode.children).indexOf(th);
    const kind = th.dataset.sort;
    const ascending = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach((other) => other.removeAttribute("aria-sort"));
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    const body = table.tBodies[0];
    // A row's detail rows (<tr class="detail-row">: an invalid file's problems) move with it.
    const rows = Array.from(body.rows).filter((row) => !row.classList.contains("detail-row"));
    const details = new Map(rows.map((row) => {
      const attached = [];
      for (let next = row.nextElementSibling; next && next.classList.contains("detail-row");
        next = next.nextElementSibling) attached.push(next);
      return [row, attached];
    }));
    rows.sort((a, b) => {
      const x = cellValue(a, index, kind);
      const y = cellValue(b, index, kind);
      return (x < y ? -1 : x > y ? 1 : 0) * (ascending ? 1 : -1);
    });
    rows.forEach((row) => {
      body.appendChild(row);
      details.get(row).forEach((detail) => body.appendChild(detail));
    });
  }
  function initSortable(root) {
    root.querySelectorAll("table.sortable th[data-sort]").forEach((th) => {
      if (th.dataset.bound) return;
      th.dataset.bound = "1";
      th.tabIndex = 0;
      th.title = "Sort by this column";
      const table = th.closest("table");
      th.addEventListener("click", () => sortBy(table, th));
      th.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, th);
        }
      });
    });
  }

  // --- relative times: <time datetime="ISO"> gets "3 minutes ago" with the date as tooltip ---
  const units = [
    ["year", 31536000], ["month", 2592000], ["day", 86400],
    ["hour", 3600], ["minute", 60], ["second", 1],
  ];
  const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  function initTimes(root) {
    root.querySelectorAll("time[datetime].relative").forEach((el) => {
      const when = new Date(el.getAttribute("datetime"));
      if (Number.isNaN(when.getTime())) return;
      const seconds = Math.round((when.getTime() - Date.now()) / 1000);
      for (const [unit, size] of units) {
        if (Math.abs(seconds) >= size || unit === "second") {
          el.textContent = relative.format(Math.round(seconds / size), unit);
          break;
        }
      }
      el.title = when.toISOString().replace("T", " ").slice(0, 16) + " UTC";
    });
  }

  // --- upload form: drop zone and progress bar; falls back to a plain POST without JS ---
  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16)); // randomUUID needs HTTPS
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function initUpload(root) {
    const form = root.querySelector("form[data-upload]");
    if (!form || form.dataset.bound) return;
    form.dataset.bound = "1";
    const zone = form.querySelector(".drop-zone");
    const input = form.querySelector("input[type=file]");
    const progress = form.querySelector("progress");
    const status = form.querySelector("[data-upload-status]");
    const button = form.querySelector("button[type=submit]");

    ["dragenter", "dragover"].forEach((name) =>
      zone.addEventListener(name, (event) => {
        event.preventDefault();
        zone.classList.add("dragover");
      })
    );
    ["dragleave", "drop"].forEach((name) =>
      zone.addEventListener(name, () => zone.classList.remove("dragover"))
    );
    input.addEventListener("change", () => delete form.dataset.idempotencyKey);
    zone.addEventListener("drop", (event) => {
      event.preventDefault();
      if (event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        delete form.dataset.idempotencyKey; // a new file, a new submission
      }
    });

    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!input.files.length) {
        status.textContent = "Choose a file first.";
        return;
      }
      // The server refuses a bigger file from its declared size; say so before sending it all.
      const maxBytes = Number(form.dataset.maxBytes || 0);
      if (maxBytes && input.files[0].size > maxBytes) {
        const mb = (n) => `${Math.round(n / (1024 * 1024))} MB`;
        status.textContent = `The file is larger than the ${mb(maxBytes)} limit ` +
          `(${mb(input.files[0].size)}). Compress it with gzip or save it as Parquet.`;
        status.className = "error-text";
        return;
      }
      // One key per chosen file: pressing the button again after a lost answer cannot make a
      // second submission of the same file.
      form.dataset.idempotencyKey = form.dataset.idempotencyKey || newKey();
      const request = new XMLHttpRequest();
      request.open("POST", form.action);
      request.setRequestHeader("Accept", "application/json");
      request.setRequestHeader("Idempotency-Key", form.dataset.idempotencyKey);
      request.upload.addEventListener("progress", (e) => {
        if (e.lengthComputable) {
          progress.value = Math.round((100 * e.loaded) / e.total);
          status.textContent =
            progress.value < 100 ? `Uploading… ${progress.value}%` : "Uploaded; checking…";
        }
      });
      request.addEventListener("load", () => {
        button.disabled = false;
        progress.hidden = true;
        let body = {};
        try { body = JSON.parse(request.responseText); } catch (e) { body = {}; }
        if (request.status === 200 && body.ok && body.redirect) {
          status.textContent = "Done. Opening…";
          window.location.assign(body.redirect);
        } else if (request.status === 200 && body.ok) {
          status.textContent = `Submission #${body.submission} is queued for scoring.`;
          status.className = "ok";
          status.dataset.submission = body.submission; // followed until it leaves the queue
          if (body.warning) {
            const warning = document.createElement("span");
            warning.className = "warning-text";
            warning.dataset.uploadWarning = "";
            warning.textContent = " " + body.warning;
            status.appendChild(warning);
          }
          form.reset();
          delete form.dataset.idempotencyKey;
          document.body.dispatchEvent(new Event("submissions-changed"));
        } else {
          status.textContent = body.error || `Upload failed (HTTP ${request.status}).`;
          status.className = "error-text";
          if (Array.isArray(body.problems)) {
            const list = document.createElement("ul");
            list.className = "error-list";
            body.problems.forEach((problem) => {
              const item = document.createElement("li");
              item.textContent = problem; // text, never HTML: problems quote uploaded data
              list.appendChild(item);
            });
            status.appendChild(list);
          }
        }
      });
      request.addEventListener("error", () => {
        button.disabled = false;
        progress.hidden = true;
        status.textContent = "The upload did not reach the server; check your connection.";
      });
      button.disabled = true;
      progress.hidden = false;
      progress.value = 0;
      status.textContent = "Uploading…";
      status.className = "";
      delete status.dataset.submission;
      request.send(new FormData(form));
    });
  }

  // The upload's "queued" line follows its row in the polled list: once the row has left the
  // queue it says how the submission ended instead of "queued" forever.
  function followUploadStatus(root) {
    const status = document.querySelector("[data-upload-status][data-submission]");
    if (!status || !root.querySelector) return;
    const row = document.querySelector(
      `#submissions tr[data-submission="${status.dataset.submission}"]`);
    if (!row || row.dataset.status === "queued" || row.dataset.status === "scoring") return;
    const label = row.querySelector(".badge");
    const warning = status.querySelector("[data-upload-warning]");
    status.textContent = `Submission #${status.dataset.submission}: ` +
      `${label ? label.textContent.trim().toLowerCase() : row.dataset.status}` +
      (row.dataset.status === "scored" ? "." : "; see the problems in the list below.");
    status.className = row.dataset.status === "scored" ? "ok" : "error-text";
    if (warning) status.appendChild(warning);
    delete status.dataset.submission;
  }

  // Copy buttons: <button data-copy="#element"> copies the element's text (or value).
  function initCopy(root) {
    root.querySelectorAll("button[data-copy]").forEach((button) => {
      if (button.dataset.bound) return;
      button.dataset.bound = "1";
      button.hidden = false; // shown only where the script runs
      button.addEventListener("click", async () => {
        const source = document.querySelector(button.dataset.copy);
        if (!source) return;
        const text = (source.value ?? source.textContent).trim();
        const original = button.textContent;
        try {
          await navigator.clipboard.writeText(text);
          button.textContent = "Copied";
        } catch (e) {
          // No clipboard access (plain HTTP): select the text for Ctrl+C instead.
          const range = document.createRange();
          range.selectNodeContents(source);
          window.getSelection().removeAllRanges();
          window.getSelection().addRange(range);
          button.textContent = "Press Ctrl+C";
        }
        setTimeout(() => { button.textContent = original; }, 2000);
      });
    });
  }

  // Small behaviours declared in markup; the Content-Security-Policy forbids inline handlers.
  function initActions(root) {
    root.querySelectorAll("select[data-submit-on-change]").forEach((select) => {
      if (select.dataset.bound) return;
      select.dataset.bound = "1";
      select.addEventListener("change", () => select.form.submit());
    });
    root.querySelectorAll("[data-reload]").forEach((link) =>
      link.addEventListener("click", () => window.location.reload())
    );
    root.querySelectorAll("[data-history-back]").forEach((link) =>
      link.addEventListener("click", (event) => {
        event.preventDefault();
        window.history.back();
      })
    );
  }

  // When the refreshed quota says none are left, the upload form is disabled at once (a new
  // page would be); the server refuses such an upload anyway.
  function applyQuota() {
    const exhausted = document.querySelector("#quota [data-quota-exhausted]");
    const fieldset = document.querySelector("form[data-upload] fieldset");
    if (!exhausted || !fieldset) return;
    exhausted.id = exhausted.id || "quota-exhausted";
    fieldset.disabled = true;
    fieldset.setAttribute("aria-describedby", exhausted.id);
  }

  function init(root) {
    applyQuota();
    initSortable(root);
    initTimes(root);
    initUpload(root);
    initActions(root);
    initCopy(root);
    followUploadStatus(root);
  }
  document.addEventListener("DOMContentLoaded", () => init(document));
  document.addEventListener("htmx:afterSettle", (event) => init(event.target));
  setInterval(() => initTimes(document), 30000);
})();
