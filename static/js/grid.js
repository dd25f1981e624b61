// Grids of money cells (budgets, spend, contributions): paste a block copied from a
// spreadsheet across the cells, and move between rows with the arrow keys and Enter, as in
// a spreadsheet. The page works without this script: each cell is an ordinary form box.
(function () {
  "use strict";

  function cellAt(grid, row, col) {
    return grid.querySelector(
      'input[data-grid-row="' + row + '"][data-grid-col="' + col + '"]'
    );
  }

  function announce(grid, text) {
    var status = document.getElementById("grid-status");
    if (status) {
      status.textContent = text;
    }
  }

  // Excel and LibreOffice put a copied block on the clipboard as lines of tab-separated
  // cells; a cell holding a line break comes quoted. Returns rows of cell texts.
  function parseBlock(text) {
    var rows = [];
    var row = [];
    var cell = "";
    var quoted = false;
    text = text.replace(/\r\n?/g, "\n");
    for (var i = 0; i < text.length; i += 1) {
      var c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else if (c === '"') {
          quoted = false;
        } else {
          cell += c;
        }
      } else if (c === '"' && cell === "") {
        quoted = true;
      } else if (c === "\t") {
        row.push(cell);
        cell = "";
      } else if (c === "\n") {
        row.push(cell);
        rows.push(row);
        row = [];
        cell = "";
      } else {
        cell += c;
      }
    }
    if (cell !== "" || row.length) {
      row.push(cell);
      rows.push(row);
    }
    return rows;
  }

  document.addEventListener("paste", function (event) {
    var start = event.target.closest && event.target.closest("input[data-grid-row]");
    if (!start || !event.clipboardData) {
      return;
    }
    var text = event.clipboardData.getData("text/plain");
    if (!/[\t\n]/.test(text.replace(/\s+$/, ""))) {
      return; // one value: the browser pastes it into this box as usual
    }
    event.preventDefault();
    var grid = start.closest("[data-grid]");
    var row0 = Number(start.dataset.gridRow);
    var col0 = Number(start.dataset.gridCol);
    var block = parseBlock(text);
    var filled = 0;
    var outside = 0;
    block.forEach(function (cells, i) {
      cells.forEach(function (value, j) {
        var target = cellAt(grid, row0 + i, col0 + j);
        if (target && !target.readOnly && !target.disabled) {
          target.value = value.trim();
          filled += 1;
        } else {
          outside += 1;
        }
      });
    });
    announce(
      grid,
      "Pasted " + filled + " cell" + (filled === 1 ? "" : "s") +
        (outside ? "; " + outside + " fell outside the grid and were left out" : "") +
        ". Not saved yet."
    );
    start.dispatchEvent(new Event("input", { bubbles: true }));
    start.dispatchEvent(new CustomEvent("grid-pasted", { bubbles: true }));
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target.closest && event.target.closest("input[data-grid-row]");
    if (!input || event.altKey || event.ctrlKey || event.metaKey) {
      return;
    }
    var step = { ArrowDown: 1, ArrowUp: -1, Enter: event.shiftKey ? -1 : 1 }[event.key];
    if (!step) {
      return;
    }
    var target = cellAt(
      input.closest("[data-grid]"),
      Number(input.dataset.gridRow) + step,
      input.dataset.gridCol
    );
    event.preventDefault(); // Enter moves down rather than saving the whole grid
    if (target) {
      target.focus();
      target.select();
    }
  });
})();
