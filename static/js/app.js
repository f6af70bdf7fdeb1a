// Small progressive enhancements; the pages work without them. No inline scripts (CSP).
(function () {
  "use strict";

  // Click a header with data-sort to sort the table body by that column (numbers numerically).
  function cellValue(row, index) {
    const cell = row.children[index];
    if (!cell) return "";
    const raw = cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
    const num = parseFloat(raw.replace(/[,%]/g, ""));
    return isNaN(num) || !/^-?[\d.,]+%?$/.test(raw.replace(/\s/g, "")) ? raw : num;
  }
  document.addEventListener("click", function (event) {
    const th = event.target.closest("th[data-sort]");
    if (!th) return;
    const table = th.closest("table");
    const tbody = table.tBodies[0];
    const index = Array.prototype.indexOf.call(th.parentNode.children, th);
    const asc = th.dataset.dir !== "asc";
    th.parentNode.querySelectorAll("th").forEach(function (h) { delete h.dataset.dir; });
    th.dataset.dir = asc ? "asc" : "desc";
    const rows = Array.from(tbody.rows);
    rows.sort(function (a, b) {
      const x = cellValue(a, index), y = cellValue(b, index);
      const cmp = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), "zh-CN");
      return asc ? cmp : -cmp;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  });

  // Forms with data-confirm ask before submitting (e.g. 销号, discarding a proposal).
  document.addEventListener("submit", function (event) {
    const msg = event.target.dataset.confirm;
    if (msg && !window.confirm(msg)) event.preventDefault();
  });

  // Buttons marked data-print print the page (the site-visit brief).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // Auto-submit filter selects marked data-autosubmit.
  document.addEventListener("change", function (event) {
    if (event.target.matches("[data-autosubmit]")) event.target.form.requestSubmit();
  });
})();
