package dev.nudge.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for the terminal: columns as wide as their widest cell, numbers right-aligned. */
final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  Table(List<String> headers) {
    this.headers = List.copyOf(headers);
  }

  void add(List<String> row) {
    rows.add(List.copyOf(row));
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintStream out, String indent) {
    int[] width = new int[headers.size()];
    for (int c = 0; c < width.length; c++) {
      width[c] = headers.get(c).length();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    out.println(indent + line(headers, width, false).stripTrailing());
    for (List<String> row : rows) {
      out.println(indent + line(row, width, true).stripTrailing());
    }
  }

  private static String line(List<String> cells, int[] width, boolean alignNumbers) {
    StringBuilder s = new StringBuilder();
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      boolean number = alignNumbers && c > 0 && cell.matches("[-+]?[0-9.,]+%?|–");
      String pad = " ".repeat(width[c] - cell.length());
      s.append(number ? pad + cell : cell + pad).append(c == cells.size() - 1 ? "" : "  ");
    }
    return s.toString();
  }
}
