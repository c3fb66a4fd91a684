// On a phone the admin's inline rows stack (static/css/admin.css): each cell is labelled with the
// name of its column, read from the table's header, so a stacked row still says what each field is.
"use strict";
(() => {
  const label = (table) => {
    const names = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll("tbody tr")) {
      [...row.children].forEach((cell, index) => {
        if (cell.tagName === "TD" && names[index] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", names[index]);
        }
      });
    }
  };
  const labelAll = () =>
    document.querySelectorAll(".inline-group .tabular table, .review-texts table").forEach(label);
  document.addEventListener("DOMContentLoaded", labelAll);
  // Rows added with "Add another" are labelled too.
  document.addEventListener("formset:added", labelAll);
})();
